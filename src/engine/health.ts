/**
 * The health rule of CTS `api/task_status.go` (`successToStatus`), over a
 * task's stored history, newest first.
 */

import type { Health } from './types.ts';

/**
 * - no events → `unknown`
 * - newest succeeded → `successful`, whatever came before
 * - newest failed and it is the only stored failure → `errored`
 * - newest failed and an older stored one failed too → `critical`
 */
export function healthOf(successesNewestFirst: readonly boolean[]): Health {
  if (successesNewestFirst.length === 0) return 'unknown';
  if (successesNewestFirst[0] === true) return 'successful';
  return successesNewestFirst.slice(1).includes(false) ? 'critical' : 'errored';
}

/** The same rule from counts kept incrementally: O(1) per task. */
export function healthFromCounts(
  eventCount: number,
  newestSucceeded: boolean,
  failureCount: number,
): Health {
  if (eventCount === 0) return 'unknown';
  if (newestSucceeded) return 'successful';
  return failureCount > 1 ? 'critical' : 'errored';
}
