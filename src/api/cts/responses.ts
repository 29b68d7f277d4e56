/**
 * CTS's JSON writer (research/cts.md §1.5): Go's `json.Encoder` ends bodies
 * with a newline. The error shapes built on it are in `errors.ts`.
 *
 * Every response of the CTS app is built here, with CTS's CORS headers
 * (`withCORS` labels every response) as a plain header object, which
 * @hono/node-server writes without building a `Headers`.
 */

/** The headers `withCORS` adds to every response (`api/api.go`). */
const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'Content-Type',
  'access-control-allow-methods': 'GET, PUT, PATCH, POST, DELETE',
};

/**
 * @internal A response with `contentType` and the CORS headers. The header
 * object is new each time: @hono/node-server writes `content-length` into it.
 */
export function ctsResponse(
  status: number,
  body: string,
  contentType: string,
  nosniff: boolean,
): Response {
  const headers: Record<string, string> = { 'content-type': contentType, ...CORS_HEADERS };
  if (nosniff) headers['x-content-type-options'] = 'nosniff';
  return new Response(body, { status, headers });
}

/** `withCORS`'s answer to any OPTIONS: 200, no body, the CORS headers only. */
export function preflightResponse(): Response {
  return new Response(null, { status: 200, headers: { ...CORS_HEADERS } });
}

/** `application/json` with Go's trailing newline (`api/handler.go` `jsonResponse`). */
export function jsonResponse(status: number, body: unknown): Response {
  return ctsResponse(status, `${JSON.stringify(body)}\n`, 'application/json', false);
}

/** {@link jsonResponse} of JSON text already written (without the newline). */
export function jsonTextResponse(status: number, json: string): Response {
  return ctsResponse(status, `${json}\n`, 'application/json', false);
}
