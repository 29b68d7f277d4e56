/**
 * Reads a request body as text without holding more than a limit in memory,
 * so a huge body is refused instead of exhausting the process.
 *
 * A body is read at most once per request: what was read is remembered
 * (weakly, by request), so the fake's journal, a cluster member's
 * interceptor and the handler can all see it, and a server that already
 * holds the bytes (the Node listener) can hand them over with
 * {@link provideBodyBytes} instead of building a web stream for them.
 */

/** The body, or `tooLarge` once more than `maxBytes` arrived. */
export type BodyText =
  | { readonly tooLarge: false; readonly text: string }
  | { readonly tooLarge: true };

/** A body already read: its text and its size in bytes, or how far reading went. */
type ReadBody =
  | { readonly tooLarge: false; readonly text: string; readonly byteLength: number }
  | { readonly tooLarge: true };

const readBodies = new WeakMap<Request, ReadBody>();

/**
 * Records `bytes` as the whole body of `request`, for a server that read
 * them itself; the request's own stream is then never read.
 */
export function provideBodyBytes(request: Request, bytes: Uint8Array): void {
  readBodies.set(request, {
    tooLarge: false,
    text: decoder.decode(bytes),
    byteLength: bytes.byteLength,
  });
}

/** The body of `request` if something read it already, else `undefined`. */
export function bodyTextRead(request: Request): BodyText | undefined {
  const read = readBodies.get(request);
  if (read === undefined) return undefined;
  return read.tooLarge ? TOO_LARGE : { tooLarge: false, text: read.text };
}

/**
 * Lets `to` (the same request at another URL, as a fake's namespace builds
 * it) answer with the body already read for `from`; false when none was.
 */
export function shareBodyRead(from: Request, to: Request): boolean {
  const read = readBodies.get(from);
  if (read === undefined) return false;
  readBodies.set(to, read);
  return true;
}

const TOO_LARGE: BodyText = { tooLarge: true };
/** How much of a refused body is read and dropped before the connection is given up. */
const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;
const decoder = new TextDecoder();

/** Reads at most `maxBytes` of `request`'s body; a second call gets the same answer. */
export async function readBodyText(request: Request, maxBytes: number): Promise<BodyText> {
  const read = readBodies.get(request);
  if (read !== undefined) {
    if (read.tooLarge) return TOO_LARGE;
    return read.byteLength > maxBytes ? TOO_LARGE : { tooLarge: false, text: read.text };
  }
  if (request.body === null) return remember(request, '', 0);
  const declared = Number(request.headers.get('content-length'));
  const prefix =
    Number.isFinite(declared) && declared > maxBytes
      ? undefined
      : await readPrefix(request.body, maxBytes);
  if (prefix === undefined || prefix.truncated) {
    readBodies.set(request, { tooLarge: true });
    // Read the rest without keeping it, so that the client, still sending,
    // gets the answer on an open connection; past a bound, give up on it.
    await discard(request.body, DISCARD_LIMIT_BYTES);
    return TOO_LARGE;
  }
  return remember(request, decoder.decode(prefix.bytes), prefix.bytes.byteLength);
}

/**
 * The first `maxBytes` of a body nobody read, as text, for a record of the
 * request (the stream is consumed; a body already read is cut instead).
 */
export async function readBodyPrefix(request: Request, maxBytes: number): Promise<string> {
  const read = readBodies.get(request);
  if (read !== undefined) return read.tooLarge ? '' : read.text.slice(0, maxBytes);
  if (request.body === null || request.bodyUsed) return '';
  const prefix = await readPrefix(request.body, maxBytes);
  if (prefix.truncated) await discard(request.body, DISCARD_LIMIT_BYTES);
  return decoder.decode(prefix.bytes);
}

/** Reads and drops up to `limitBytes` of what is left of `body`, then cancels the rest. */
async function discard(body: ReadableStream<Uint8Array>, limitBytes: number): Promise<void> {
  const reader = body.getReader();
  let dropped = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    dropped += value.byteLength;
    if (dropped > limitBytes) {
      await reader.cancel();
      return;
    }
  }
}

function remember(request: Request, text: string, byteLength: number): BodyText {
  readBodies.set(request, { tooLarge: false, text, byteLength });
  return { tooLarge: false, text };
}

/** Up to `maxBytes` of `body`; `truncated` when more was there (the rest is left in the stream). */
async function readPrefix(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<{ readonly bytes: Uint8Array; readonly truncated: boolean }> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (received + value.byteLength > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - received));
      received = maxBytes;
      truncated = true;
      break;
    }
    received += value.byteLength;
    chunks.push(value);
  }
  reader.releaseLock();
  if (chunks.length === 1) return { bytes: chunks[0] as Uint8Array, truncated };
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, truncated };
}
