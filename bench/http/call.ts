/** One JSON request of a bench's setup, which must answer `expect`. */
export async function callJson(
  url: string,
  method: string,
  body: unknown,
  headers: Record<string, string>,
  expect: number,
): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expect)
    throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 300)}`);
  return text === '' ? {} : JSON.parse(text);
}
