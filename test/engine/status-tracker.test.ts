import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { healthFromCounts, healthOf } from '../../src/engine/health.ts';
import type { Health } from '../../src/engine/types.ts';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';
import { recordingExecutor } from '../fixtures/recording-executor.ts';

const T = true;
const F = false;

describe('the health rule (CTS api/task_status.go successToStatus)', () => {
  it.each<[boolean[], Health]>([
    [[T, T, T, T, T], 'successful'],
    [[T, F, F, F, F], 'successful'],
    [[F, T, T, T, T], 'errored'],
    [[F, T, F, T, T], 'critical'],
    [[F, F, F, F, F], 'critical'],
    [[], 'unknown'],
  ])('%j is %s', (history, health) => {
    expect(healthOf(history)).toBe(health);
    const failures = history.filter((success) => !success).length;
    expect(healthFromCounts(history.length, history[0] === true, failures)).toBe(health);
  });
});

function setup(historyLimit?: number) {
  const clock = new VirtualClock({ startMs: 0 });
  let failNext: string[] = [];
  const executor = recordingExecutor({ fail: () => failNext.shift() });
  const engine = createEngine({ clock, executor, historyLimit });
  const run = async (id: string, outcomes: (string | undefined)[]): Promise<void> => {
    for (const outcome of outcomes) {
      failNext = outcome === undefined ? [] : [outcome];
      await engine.whenFinished((await engine.runNow(id)).id);
    }
  };
  const events = async (id: string) => (await engine.taskStatus(id))?.events ?? [];
  const health = async (id: string) => (await engine.taskStatus(id))?.health;
  return { clock, engine, run, events, health };
}

describe('StatusTracker', () => {
  it('keeps the newest events first, capped at the history limit, and drops the oldest failures from the health', async () => {
    const { engine, run, events: eventsOf, health } = setup(5);
    await engine.createTask({ id: 'a', name: 'a' });
    await run('a', ['boom-1', 'boom-2', undefined, undefined, undefined, undefined]);
    const events = await eventsOf('a');
    expect(events).toHaveLength(5);
    expect(events.map((event) => event.success)).toEqual([T, T, T, T, F]);
    expect(events[4]?.failureMessage).toBe('boom-2');
    expect(await health('a')).toBe('successful');
    await run('a', ['boom-3']);
    // boom-2 fell off the end: boom-3 is the only stored failure.
    expect((await eventsOf('a')).map((event) => event.success)).toEqual([F, T, T, T, T]);
    expect(await health('a')).toBe('errored');
    await run('a', ['boom-4']);
    expect(await health('a')).toBe('critical');
  });

  it('keeps summary counts across creates, runs, disables and deletes', async () => {
    const { engine, run, health } = setup();
    for (const id of ['a', 'b', 'c', 'd']) await engine.createTask({ id, name: id });
    await engine.createTask({ id: 'off', name: 'off', enabled: false });
    expect(await engine.summary()).toEqual({
      health: { successful: 0, errored: 0, critical: 0, unknown: 5 },
      enabled: { true: 4, false: 1 },
    });
    await run('a', [undefined]);
    await run('b', ['x']);
    await run('c', ['x', 'y']);
    await engine.updateTask('a', { enabled: false });
    expect(await engine.summary()).toEqual({
      health: { successful: 1, errored: 1, critical: 1, unknown: 2 },
      enabled: { true: 3, false: 2 },
    });
    await engine.deleteTask('c');
    await engine.deleteTask('off');
    expect(await engine.summary()).toEqual({
      health: { successful: 1, errored: 1, critical: 0, unknown: 1 },
      enabled: { true: 2, false: 1 },
    });
    // A disabled task keeps the health of its old events (research/cts.md §5.2).
    expect(await health('a')).toBe('successful');
  });

  it('records what the event policy keeps, and nothing for plan-only runs', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const engine = createEngine({
      clock,
      eventPolicy: (execution) =>
        execution.trigger.changeCount > 0 || execution.trigger.kind !== 'change'
          ? { details: { kind: execution.trigger.kind } }
          : undefined,
    });
    await engine.createTask({ id: 'a', name: 'a' });
    await engine.inspect('a');
    expect((await engine.taskStatus('a'))?.events).toEqual([]);
    await engine.whenFinished((await engine.runNow('a')).id);
    expect((await engine.taskStatus('a'))?.events).toMatchObject([
      { success: true, trigger: 'manual', details: { kind: 'manual' } },
    ]);
  });
});
