/**
 * The bounds of `VirtualClock.advance`: a timer limit that stops at the last
 * timer fired, yields to the event loop on long runs, and an abort signal.
 */

import { describe, expect, it } from 'vitest';
import { AdvanceLimitError, TIMERS_PER_YIELD } from '../../src/engine/advance-limit.ts';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';

/** A timer every `everyMs`, forever, counting what fired. */
function everyMs(clock: VirtualClock, periodMs: number): { fired: number } {
  const counter = { fired: 0 };
  const tick = (): void => {
    counter.fired++;
    clock.setTimer(tick, periodMs);
  };
  clock.setTimer(tick, periodMs);
  return counter;
}

describe('VirtualClock.advance bounds', () => {
  it('maxTimers: stops after that many, the clock at the last one fired, the next one waiting', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const counter = everyMs(clock, 1_000);
    const error = await clock.advance(1e12, { maxTimers: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdvanceLimitError);
    expect(error).toMatchObject({ maxTimers: 10, nowMs: 10_000, targetMs: 1e12 });
    expect(counter.fired).toBe(10);
    expect(clock.now()).toBe(10_000);
    expect(clock.pendingTimers).toBe(1);
    // Going on from there loses nothing.
    await clock.advance(5_000, { maxTimers: 10 });
    expect(counter.fired).toBe(15);
    expect(clock.now()).toBe(15_000);
  });

  it('exactly maxTimers due before the target is not a failure', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const counter = everyMs(clock, 1_000);
    await clock.advance(10_500, { maxTimers: 10 });
    expect(counter.fired).toBe(10);
    expect(clock.now()).toBe(10_500);
  });

  it('yields to the event loop every TIMERS_PER_YIELD timers', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const counter = everyMs(clock, 1);
    let firedWhenMacrotaskRan = -1;
    setTimeout(() => {
      firedWhenMacrotaskRan = counter.fired;
    }, 0);
    await clock.advance(TIMERS_PER_YIELD * 4);
    expect(firedWhenMacrotaskRan).toBeGreaterThanOrEqual(TIMERS_PER_YIELD);
    expect(firedWhenMacrotaskRan).toBeLessThan(TIMERS_PER_YIELD * 4);
  });

  it('a signal stops it between two timers with the signal’s reason', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const controller = new AbortController();
    let fired = 0;
    const tick = (): void => {
      if (++fired === 3) controller.abort(new Error('client left'));
      clock.setTimer(tick, 1_000);
    };
    clock.setTimer(tick, 1_000);
    await expect(clock.advance(1e12, { signal: controller.signal })).rejects.toThrow('client left');
    expect(fired).toBe(3);
    expect(clock.now()).toBe(3_000);
    await expect(clock.advance(1, { signal: controller.signal })).rejects.toThrow('client left');
    expect(clock.now()).toBe(3_000);
  });

  it('refuses a maxTimers that is not a count', async () => {
    const clock = new VirtualClock();
    await expect(clock.advance(1, { maxTimers: 0 })).rejects.toThrow(
      'Expected `maxTimers` to be an integer >= 1 or Infinity, got 0 (number)',
    );
  });
});
