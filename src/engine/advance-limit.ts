/**
 * The bounds of one `VirtualClock.advance` call: how many timers it may fire,
 * and a signal that stops it. A far jump over a busy schedule (a cron every
 * second, advanced by years) would otherwise fire timers for days.
 */

/** Options of `VirtualClock.advance`. */
export interface AdvanceOptions {
  /**
   * Timers one call may fire. Once that many fired and another falls due
   * before the target, the call stops with an {@link AdvanceLimitError}.
   * @default Infinity
   */
  readonly maxTimers?: number;
  /** Stops the call between two timers; it then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * How many timers fire between two yields to the event loop, so that an
 * advance over many timers lets I/O (a health check, the request that will
 * abort it) through.
 */
export const TIMERS_PER_YIELD = 64;

/**
 * An advance that stopped at its timer limit. Nothing is lost: every timer
 * up to {@link nowMs} fired, the clock stands at `nowMs` (the due time of
 * the last one), and the timers after it still wait; advancing again goes on
 * from there.
 */
export class AdvanceLimitError extends Error {
  override readonly name = 'AdvanceLimitError';
  /** The limit that was reached: the timers this call fired. */
  readonly maxTimers: number;
  /** Where the clock stopped, epoch ms. */
  readonly nowMs: number;
  /** Where the call was to take it, epoch ms. */
  readonly targetMs: number;

  constructor(maxTimers: number, nowMs: number, targetMs: number) {
    super(
      `taskport: advance fired ${maxTimers} timers and more fall due before the target; ` +
        `the clock stopped at ${new Date(nowMs).toISOString()}, ${targetMs - nowMs} ms short. ` +
        'Advance by less, or again from there.',
    );
    this.maxTimers = maxTimers;
    this.nowMs = nowMs;
    this.targetMs = targetMs;
  }
}

/** Checks {@link AdvanceOptions.maxTimers}; throws a TypeError naming it. */
export function validateMaxTimers(maxTimers: unknown): number {
  if (maxTimers === undefined) return Number.POSITIVE_INFINITY;
  if (
    !(
      maxTimers === Number.POSITIVE_INFINITY ||
      (Number.isInteger(maxTimers) && (maxTimers as number) >= 1)
    )
  ) {
    throw new TypeError(
      `Expected \`maxTimers\` to be an integer >= 1 or Infinity, got ${String(maxTimers)} (${typeof maxTimers})`,
    );
  }
  return maxTimers as number;
}
