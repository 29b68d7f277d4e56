/**
 * `GET /_taskport/idle`: whether anything is queued or running, asked
 * without side effects. `whenIdle()` waits, and on a virtual clock moves
 * time to get there; this only looks, so a test can poll it, or assert that
 * a jump in time left work behind.
 */

import type { Clock } from '../engine/clock.ts';
import { VirtualClock } from '../engine/virtual-clock.ts';
import type { FakeWorld } from './fake-dialect.ts';

/** The answer of {@link idleReport}. */
export interface IdleReport {
  /** True when no served dialect has work queued or running. */
  readonly idle: boolean;
  /** Each served dialect: true when it has no work queued or running. */
  readonly dialects: Record<string, boolean>;
  readonly nowMs: number;
  /**
   * The virtual clock's waiting timers (buffer periods, cron ticks, retries,
   * time limits) and when the first falls due; `null` on a real clock.
   * Waiting timers alone are not work: a cron task always has one.
   */
  readonly timers: { readonly pending: number; readonly nextAtMs: number | null } | null;
}

/** Looks at the worlds and the clock; changes nothing, moves no time. */
export function idleReport(
  worlds: ReadonlyMap<string, Pick<FakeWorld, 'isIdle'>>,
  clock: Clock,
): IdleReport {
  const dialects = Object.fromEntries([...worlds].map(([name, world]) => [name, world.isIdle()]));
  return {
    idle: Object.values(dialects).every(Boolean),
    dialects,
    nowMs: clock.now(),
    timers:
      clock instanceof VirtualClock
        ? { pending: clock.pendingTimers, nextAtMs: clock.nextTimerAtMs ?? null }
        : null,
  };
}
