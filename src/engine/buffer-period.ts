/**
 * The buffer-period maths of hashicorp/hcat `buffer_period.go`, as pure
 * functions (research/cts.md §4.3).
 */

import type { BufferPeriod } from './types.ts';

/** Where one task's buffer period stands. */
export interface BufferWindow {
  /** When the period fires if no further change comes. */
  fireAtMs: number;
  /** The latest it may fire: `max` after the first change of the burst. */
  deadlineMs: number;
}

/**
 * The window the first change of a burst opens: fire `min` from now, never
 * later than `max` from now. Written into `window` when one is given (the
 * scheduler passes its per-task record, which is both period and window, so
 * a change allocates nothing), else into a new object.
 */
export function openWindow<W extends BufferWindow = BufferWindow>(
  period: BufferPeriod,
  nowMs: number,
  window?: W,
): W {
  const target = window ?? ({ fireAtMs: 0, deadlineMs: 0 } as W);
  target.fireAtMs = nowMs + period.minMs;
  target.deadlineMs = nowMs + period.maxMs;
  return target;
}

/**
 * The fire time after a further change at `nowMs`: snooze to `min` from now
 * while that stays before the deadline, else to the deadline itself; a window
 * already at its deadline is left as it is (hcat's `tick`). It never moves
 * the fire time earlier. Takes the window and period as they are, so a caller
 * can pass one record that is both, without allocating.
 */
export function snoozedFireAt(
  window: Readonly<BufferWindow>,
  period: Pick<BufferPeriod, 'minMs'>,
  nowMs: number,
): number {
  const snoozed = nowMs + period.minMs;
  if (snoozed < window.deadlineMs) return snoozed;
  if (window.deadlineMs - nowMs > 0) return window.deadlineMs;
  return window.fireAtMs;
}
