import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { MemoryStore } from '../../src/engine/store.ts';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';
import { recordingExecutor } from '../fixtures/recording-executor.ts';

/** A store written by a first engine, which then goes away. */
async function storeWrittenByAnotherEngine(clock: VirtualClock): Promise<MemoryStore> {
  const store = new MemoryStore();
  let failNext = false;
  const first = createEngine({
    clock,
    store,
    executor: { runStep: () => (failNext ? Promise.reject(new Error('boom')) : undefined) },
  });
  first.tasks.create({ id: 'ok', name: 'ok' });
  first.tasks.create({ id: 'bad', name: 'bad' });
  first.tasks.create({ id: 'off', name: 'off', enabled: false });
  first.tasks.create({
    id: 'tick',
    name: 'tick',
    triggers: [{ kind: 'cron', expression: '* * * * *' }],
  });
  await first.runner.whenFinished(first.scheduler.runNow('ok').id);
  failNext = true;
  for (let run = 0; run < 2; run++)
    await first.runner.whenFinished(first.scheduler.runNow('bad').id);
  await first.close();
  return store;
}

describe('an engine opened on a store that already holds tasks', () => {
  it('takes over health, summary counts and history from the stored events', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const store = await storeWrittenByAnotherEngine(clock);
    const second = createEngine({ clock, store });
    expect(second.status.health('ok')).toBe('successful');
    expect(second.status.health('bad')).toBe('critical');
    expect(second.status.summary()).toEqual({
      health: { successful: 1, errored: 0, critical: 1, unknown: 2 },
      enabled: { true: 3, false: 1 },
    });
    expect(second.status.events('bad')).toHaveLength(2);
    await second.close();
  });

  it('arms the cron schedules of the stored tasks', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const store = await storeWrittenByAnotherEngine(clock);
    const executor = recordingExecutor();
    const second = createEngine({ clock, store, executor });
    await clock.advance(60_000);
    expect(executor.calls.map((call) => [call.taskId, call.trigger])).toEqual([['tick', 'cron']]);
    await second.close();
  });

  it('finishes a deletion an earlier process requested', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const store = new MemoryStore();
    const first = createEngine({ clock, store });
    const task = first.tasks.create({ id: 'gone', name: 'gone' });
    store.putTask({ ...task, deletionRequestedAtMs: 0 });
    const second = createEngine({ clock, store });
    await second.tasks.whenDeletionsSettled();
    expect(second.tasks.find('gone')).toBeUndefined();
    expect(second.status.summary().health.unknown).toBe(0);
  });

  it('can be told not to adopt (a caller that replays the store itself)', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const store = await storeWrittenByAnotherEngine(clock);
    const second = createEngine({ clock, store, adoptStoredTasks: false });
    expect(second.status.summary().health).toEqual({
      successful: 0,
      errored: 0,
      critical: 0,
      unknown: 0,
    });
    await clock.advance(60_000);
    expect(clock.pendingTimers).toBe(0);
  });
});
