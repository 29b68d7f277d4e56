/**
 * How the control API answers a failure: its envelope is `{ error }` (plus
 * the clock's time when an advance stopped at its limit), its status comes
 * from the error's type.
 */

import type { Context } from 'hono';
import { AdvanceLimitError } from '../engine/advance-limit.ts';
import { ControlInputError } from './control-input.ts';

/**
 * The status of a control request whose client went away before the answer
 * (nginx's "client closed request"); only the journal ever sees it.
 */
export const CLIENT_CLOSED_STATUS = 499;

/** The answer to `error` thrown by a control route. */
export function controlErrorResponse(error: unknown, c: Context): Response {
  if (c.req.raw.signal.aborted) return new Response(null, { status: CLIENT_CLOSED_STATUS });
  if (error instanceof AdvanceLimitError) {
    return c.json(
      { error: error.message, now: new Date(error.nowMs).toISOString(), nowMs: error.nowMs },
      422,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ControlInputError) return c.json({ error: message }, error.status);
  return c.json({ error: message }, error instanceof TypeError ? 400 : 500);
}

/**
 * Throws `error` as an Error: an aborted signal's reason may be any value,
 * and Hono hands only Errors to `onError`.
 */
export function rethrowAsError(error: unknown): never {
  throw error instanceof Error ? error : new Error(String(error));
}
