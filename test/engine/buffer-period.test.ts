import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openWindow, snoozedFireAt } from '../../src/engine/buffer-period.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';
import { recordingExecutor } from '../fixtures/recording-executor.ts';

describe('buffer-period maths (hcat buffer_period.go)', () => {
  const period = { minMs: 4, maxMs: 6 };

  it('opens a window that fires min after the first change, deadline max after it', () => {
    expect(openWindow(period, 100)).toEqual({ fireAtMs: 104, deadlineMs: 106 });
  });

  it.each([
    // [change at, current fireAt, expected fireAt]
    [101, 104, 105], // now+min before the deadline: snooze to min
    [102, 105, 106], // now+min equals the deadline: fire at the deadline
    [103, 106, 106], // now+min past the deadline: the time left
    [106, 106, 106], // at the deadline: left as it is
  ])('a change at %i moves fireAt %i to %i', (nowMs, fireAtMs, expected) => {
    expect(snoozedFireAt({ fireAtMs, deadlineMs: 106 }, period, nowMs)).toBe(expected);
  });
});

async function setup(bufferPeriod?: { minMs: number; maxMs: number }) {
  const clock = new VirtualClock({ startMs: 0 });
  const executor = recordingExecutor();
  const engine = createEngine({ clock, executor });
  await engine.createTask({ id: 'a', name: 'a', bufferPeriod });
  return { clock, executor, engine };
}

describe('buffer periods on the engine (hcat buffer_period_test.go cases)', () => {
  it('one period: a single change runs once, min after it', async () => {
    const { clock, executor, engine } = await setup({ minMs: 5_000, maxMs: 20_000 });
    await engine.notifyChange('a', 1);
    await clock.advance(4_999);
    expect(executor.calls).toHaveLength(0);
    await clock.advance(1);
    expect(executor.calls).toMatchObject([
      { taskId: 'a', trigger: 'change', data: 1, startedAtMs: 5_000 },
    ]);
  });

  it('snooze once: a second change within min pushes the run to min after it', async () => {
    const { clock, executor, engine } = await setup({ minMs: 5_000, maxMs: 20_000 });
    await engine.notifyChange('a', 1);
    await clock.advance(3_000);
    await engine.notifyChange('a', 2);
    await clock.advance(4_999);
    expect(executor.calls).toHaveLength(0);
    await clock.advance(1);
    expect(executor.calls).toMatchObject([{ data: 2, startedAtMs: 8_000 }]);
  });

  it('deadline: repeated snoozes cannot push the run past max after the first change', async () => {
    const { clock, executor, engine } = await setup({ minMs: 4, maxMs: 6 });
    await engine.notifyChange('a', 1);
    for (const data of [2, 3, 4]) {
      await clock.advance(2);
      if (executor.calls.length === 0) await engine.notifyChange('a', data);
    }
    expect(executor.calls).toMatchObject([{ startedAtMs: 6 }]);
  });

  it('not configured: each change runs at once', async () => {
    const { clock, executor, engine } = await setup(undefined);
    await engine.notifyChange('a', 1);
    await clock.runUntilIdle();
    await engine.notifyChange('a', 2);
    await clock.runUntilIdle();
    expect(executor.calls.map((call) => [call.data, call.startedAtMs])).toEqual([
      [1, 0],
      [2, 0],
    ]);
  });

  it('multiple: the periods of different tasks are independent', async () => {
    const { clock, executor, engine } = await setup({ minMs: 1_000, maxMs: 4_000 });
    await engine.createTask({ id: 'b', name: 'b', bufferPeriod: { minMs: 3_000, maxMs: 3_000 } });
    await engine.notifyChange('a');
    await engine.notifyChange('b');
    await clock.advance(500);
    await engine.notifyChange('a');
    await clock.advance(10_000);
    expect(executor.calls.map((call) => [call.taskId, call.startedAtMs])).toEqual([
      ['a', 1_500],
      ['b', 3_000],
    ]);
  });

  it("bufferWindow: the open window's fire time snoozes, its deadline stays; none once it fired", async () => {
    const { clock, engine } = await setup({ minMs: 1_000, maxMs: 4_000 });
    expect(await engine.bufferWindow('a')).toBeUndefined();
    await engine.notifyChange('a');
    expect(await engine.bufferWindow('a')).toEqual({ fireAtMs: 1_000, deadlineMs: 4_000 });
    await clock.advance(500);
    await engine.notifyChange('a');
    expect(await engine.bufferWindow('a')).toEqual({ fireAtMs: 1_500, deadlineMs: 4_000 });
    await clock.advance(1_500);
    expect(await engine.bufferWindow('a')).toBeUndefined();
  });

  it('reset: a reset period never fires', async () => {
    const { clock, executor, engine } = await setup({ minMs: 1_000, maxMs: 4_000 });
    await engine.notifyChange('a');
    await engine.resetBuffer('a');
    await clock.advance(10_000);
    expect(executor.calls).toHaveLength(0);
    expect(await engine.bufferFireAtMs('a')).toBeUndefined();
  });

  it('the next change after a run starts a new period with a new deadline', async () => {
    const { clock, executor, engine } = await setup({ minMs: 1_000, maxMs: 2_000 });
    await engine.notifyChange('a', 1);
    await clock.advance(1_000);
    await engine.notifyChange('a', 2);
    await clock.advance(1_000);
    expect(executor.calls.map((call) => [call.data, call.startedAtMs])).toEqual([
      [1, 1_000],
      [2, 2_000],
    ]);
  });

  it('property: for any change times, each burst runs once, at min(last + min, first + max), with the last data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 30 }),
        async (minMs, extraMs, gaps) => {
          const maxMs = minMs + extraMs;
          const { clock, executor, engine } = await setup({ minMs, maxMs });
          // Model: replay the changes against the formula, splitting bursts where a run fired.
          const expected: [number, number][] = [];
          let burstStart: number | undefined;
          let fireAt = 0;
          let lastIndex = -1;
          let timeMs = 0;
          for (const [index, gap] of gaps.entries()) {
            timeMs += gap;
            if (burstStart !== undefined && fireAt <= timeMs) {
              expected.push([fireAt, lastIndex]);
              burstStart = undefined;
            }
            if (burstStart === undefined) burstStart = timeMs;
            fireAt = Math.min(timeMs + minMs, burstStart + maxMs);
            lastIndex = index;
          }
          expected.push([fireAt, lastIndex]);

          let now = 0;
          for (const [index, gap] of gaps.entries()) {
            now += gap;
            await clock.advanceTo(now);
            await engine.notifyChange('a', index);
          }
          await clock.advance(maxMs + 1);
          expect(executor.calls.map((call) => [call.startedAtMs, call.data])).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
