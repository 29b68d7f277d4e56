/**
 * An engine opened on a store that already holds tasks (another process, or
 * an earlier one, wrote them). Health, history and summary counts are the
 * store's own now, so they need no replay; what the engine takes over is
 * in memory: cron schedules and unfinished deletions, done by `ready()`.
 */

import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { MemoryStore } from '../../src/engine/memory-store.ts';
import type { Task } from '../../src/engine/types.ts';
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
  await first.createTask({ id: 'ok', name: 'ok' });
  await first.createTask({ id: 'bad', name: 'bad' });
  await first.createTask({ id: 'off', name: 'off', enabled: false });
  await first.createTask({
    id: 'tick',
    name: 'tick',
    triggers: [{ kind: 'cron', expression: '* * * * *' }],
  });
  await first.whenFinished((await first.runNow('ok')).id);
  failNext = true;
  for (let run = 0; run < 2; run++) await first.whenFinished((await first.runNow('bad')).id);
  await first.close();
  return store;
}

/** Marks `id` for deletion in the store, as a process that died mid-delete leaves it. */
async function markedForDeletion(store: MemoryStore, id: string): Promise<void> {
  const task = (await store.getTask(id)) as Task;
  await store.replaceTask({ ...task, deletionRequestedAtMs: 0 });
}

/** A store whose first listing waits until `release()`: adoption stays in flight until then. */
class GatedStore extends MemoryStore {
  readonly #gate: Promise<void>;
  release: () => void = () => {};
  #gated = true;

  constructor() {
    super();
    this.#gate = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  override async listTasks(scope?: string): Promise<Task[]> {
    if (this.#gated) {
      this.#gated = false;
      await this.#gate;
    }
    return super.listTasks(scope);
  }
}

/** One turn of the event loop: whatever is only waiting on promises has run. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('an engine opened on a store that already holds tasks', () => {
  it('reads health, summary counts and history from the store, with no replay', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const store = await storeWrittenByAnotherEngine(clock);
    const second = createEngine({ clock, store });
    expect((await second.taskStatus('ok'))?.health).toBe('successful');
    expect((await second.taskStatus('bad'))?.health).toBe('critical');
    expect(await second.summary()).toEqual({
      health: { successful: 1, errored: 0, critical: 1, unknown: 2 },
      enabled: { true: 3, false: 1 },
    });
    expect((await second.taskStatus('bad'))?.events).toHaveLength(2);
    // A new run adds to the stored history rather than starting one of its own.
    await second.whenFinished((await second.runNow('bad')).id);
    expect((await second.taskStatus('bad'))?.events).toHaveLength(3);
    await second.close();
  });

  it('ready() resolves once the stored cron schedules are armed', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const store = await storeWrittenByAnotherEngine(clock);
    expect(clock.pendingTimers).toBe(0);
    const executor = recordingExecutor();
    const second = createEngine({ clock, store, executor });
    await second.ready();
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(60_000);
    expect(executor.calls.map((call) => [call.taskId, call.trigger])).toEqual([['tick', 'cron']]);
    await second.close();
  });

  it('ready() takes over an unfinished deletion, which then completes', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const store = await storeWrittenByAnotherEngine(clock);
    await markedForDeletion(store, 'tick');
    await markedForDeletion(store, 'ok');
    const second = createEngine({ clock, store });
    const deleted: string[] = [];
    const bothGone = new Promise<void>((resolve) =>
      second.events.on('task:deleted', (task) => {
        if (deleted.push(task.id) === 2) resolve();
      }),
    );
    await second.ready();
    // A task marked for deletion arms no cron.
    expect(clock.pendingTimers).toBe(0);
    await bothGone;
    expect(deleted.sort()).toEqual(['ok', 'tick']);
    expect(await second.findTask('ok')).toBeUndefined();
    expect((await second.listTasks()).map((task) => task.id)).toEqual(['bad', 'off']);
    expect(await second.summary()).toEqual({
      health: { successful: 0, errored: 0, critical: 1, unknown: 1 },
      enabled: { true: 1, false: 1 },
    });
    await second.close();
  });

  it('verbs called before ready() wait for the adoption instead of failing', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const store = new GatedStore();
    await store.insertTask({
      id: 'web',
      name: 'web',
      scope: '',
      enabled: true,
      spec: undefined,
      triggers: [{ kind: 'change' }],
      dependsOn: [],
      bufferPeriod: { minMs: 1_000, maxMs: 1_000 },
      createdAtMs: 0,
      updatedAtMs: 0,
      deletionRequestedAtMs: undefined,
    });
    const executor = recordingExecutor();
    const engine = createEngine({ clock, store, executor });
    let ready = false;
    void engine.ready().then(() => {
      ready = true;
    });
    // Before adoption the scheduler does not know 'web' yet: a change must wait, not reject.
    const changed = engine.notifyChange('web', 'early');
    const created = engine.createTask({ id: 'web', name: 'again' });
    await turn();
    expect(ready).toBe(false);
    expect(await engine.bufferFireAtMs('web')).toBeUndefined();
    store.release();
    await changed;
    expect(ready).toBe(true);
    await expect(created).rejects.toMatchObject({ code: 'already_exists' });
    expect(await engine.bufferFireAtMs('web')).toBe(1_000);
    await clock.advance(1_000);
    expect(executor.calls).toMatchObject([{ taskId: 'web', trigger: 'change', data: 'early' }]);
    await engine.close();
  });

  it('can be told not to adopt (a caller that replays the store itself)', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const store = await storeWrittenByAnotherEngine(clock);
    await markedForDeletion(store, 'off');
    const second = createEngine({ clock, store, adoptStoredTasks: false });
    await second.ready();
    await clock.advance(60_000);
    expect(clock.pendingTimers).toBe(0);
    await second.close();
    // The marked task was left for the caller.
    expect((await store.getTask('off'))?.deletionRequestedAtMs).toBe(0);
    // Health comes from the store by design: not adopting no longer hides it.
    expect((await second.summary()).health).toEqual({
      successful: 1,
      errored: 0,
      critical: 1,
      unknown: 2,
    });
  });
});
