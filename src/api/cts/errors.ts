/**
 * CTS's error shapes (research/cts.md §1.5): the generated endpoints'
 * `sendError`, the legacy `{"error":{"message"}}`, the validator's rewritten
 * plain-text error and chi's 404. Each dialect keeps its errors in its
 * `errors.ts`; the messages themselves are in `messages.ts`.
 */

import { ctsResponse, jsonResponse } from './responses.ts';

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
  return ctsResponse(
    400,
    JSON.stringify({ error: { message }, request_id: requestId }),
    'text/plain; charset=utf-8',
    true,
  );
}

/** chi's `404 page not found` for paths no route knows. */
export function notFoundText(): Response {
  return ctsResponse(404, '404 page not found\n', 'text/plain; charset=utf-8', true);
}
