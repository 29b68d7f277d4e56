/**
 * Reads a request body as text without holding more than a limit in memory,
 * so a huge body is refused instead of exhausting the process.
 */

/** The body, or `tooLarge` once more than `maxBytes` arrived. */
export type BodyText =
  | { readonly tooLarge: false; readonly text: string }
  | { readonly tooLarge: true };

/** Reads at most `maxBytes` of `request`'s body. */
export async function readBodyText(request: Request, maxBytes: number): Promise<BodyText> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) return { tooLarge: true };
  if (request.body === null) return { tooLarge: false, text: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      return { tooLarge: true };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { tooLarge: false, text: new TextDecoder().decode(bytes) };
}
