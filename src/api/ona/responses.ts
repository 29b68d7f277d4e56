/**
 * Connect unary success responses: 200 with proto3 JSON. Error responses
 * are in `errors.ts`.
 */

/** A successful Connect unary response: 200 with proto3 JSON (`{}` for empty messages). */
export function connectJsonResponse(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}

/** {@link connectJsonResponse} for a body already serialised. */
export function connectJsonTextResponse(json: string): Response {
  return new Response(json, {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}
