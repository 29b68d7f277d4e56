/**
 * The three error shapes of CTS and its JSON writer (research/cts.md §1.5).
 * Go's `json.Encoder` ends bodies with a newline; the validator's rewritten
 * errors are compact and keep the `text/plain` label `http.Error` set.
 */

/** `application/json` with Go's trailing newline (`api/handler.go` `jsonResponse`). */
export function jsonResponse(status: number, body: unknown): Response {
  return new Response(`${JSON.stringify(body)}\n`, {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** `sendError`: `{"error":{"message"},"request_id"}` (generated endpoints, PATCH 404/500). */
export function sendError(status: number, message: string, requestId: string): Response {
  return jsonResponse(status, { error: { message }, request_id: requestId });
}

/** `jsonErrorResponse`: `{"error":{"message"}}`, no request_id (status endpoints, PATCH 400/405). */
export function legacyError(status: number, message: string): Response {
  return jsonResponse(status, { error: { message } });
}

/**
 * A validator failure as `plaintextErrorToJsonResponseWriter` rewrites it:
 * compact JSON, no trailing newline, still labelled `text/plain` because
 * `http.Error` set the header first (code reading of `api/response_writers.go`).
 */
export function validatorError(message: string, requestId: string): Response {
  return new Response(JSON.stringify({ error: { message }, request_id: requestId }), {
    status: 400,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
  });
}

/** chi's `404 page not found` for paths no route knows. */
export function notFoundText(): Response {
  return new Response('404 page not found\n', {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
  });
}
