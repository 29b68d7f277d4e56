import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealClock, sleep } from '../../src/engine/clock.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';

describe('the real clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('looks the global timers up when called, so fake timers installed later apply', async () => {
    const clock = createRealClock();
    vi.useFakeTimers({ now: 1_000 });
    const fired: number[] = [];
    clock.setTimer(() => fired.push(clock.now()), 500);
    await vi.advanceTimersByTimeAsync(499);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual([1_500]);
  });
});

describe('VirtualClock', () => {
  it('runs due timers in time order, each at its own time, and cancelled ones never', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const fired: [string, number][] = [];
    clock.setTimer(() => fired.push(['b', clock.now()]), 20);
    clock.setTimer(() => fired.push(['a', clock.now()]), 10);
    clock.setTimer(() => fired.push(['a2', clock.now()]), 10);
    clock.setTimer(() => fired.push(['never', clock.now()]), 15).cancel();
    await clock.advance(15);
    expect(fired).toEqual([
      ['a', 10],
      ['a2', 10],
    ]);
    expect(clock.now()).toBe(15);
    await clock.advance(100);
    expect(fired.at(-1)).toEqual(['b', 20]);
    expect(clock.now()).toBe(115);
  });

  it('runs timers that promise chains schedule during an advance', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const times: number[] = [];
    void (async () => {
      for (let step = 0; step < 3; step++) {
        await sleep(clock, 100);
        times.push(clock.now());
      }
    })();
    await clock.advance(1_000);
    expect(times).toEqual([100, 200, 300]);
  });

  it('runUntilIdle waits for the engine, moving time only while it waits on timers', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const engine = createEngine({
      clock,
      executor: { runStep: ({ signal }) => sleep(clock, 2_500, signal) },
    });
    await engine.createTask({ id: 'a', name: 'a', bufferPeriod: { minMs: 1_000, maxMs: 1_000 } });
    await engine.notifyChange('a');
    await clock.runUntilIdle();
    // Nothing was running, so the buffer period is left pending.
    expect(clock.now()).toBe(0);
    await clock.advance(1_000);
    expect(engine.isIdle()).toBe(false);
    await clock.runUntilIdle();
    expect(engine.isIdle()).toBe(true);
    expect(clock.now()).toBe(3_500);
  });

  it('rejects a negative advance', async () => {
    await expect(new VirtualClock().advance(-1)).rejects.toThrow(
      new TypeError('Expected `ms` to be a non-negative finite number, got -1 (number)'),
    );
  });
});
