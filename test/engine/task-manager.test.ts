import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import { EngineError } from '../../src/engine/errors.ts';
import { EngineEvents } from '../../src/engine/events.ts';
import { MemoryStore } from '../../src/engine/memory-store.ts';
import { type TaskActivity, TaskManager } from '../../src/engine/task-manager.ts';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';
import { recordingExecutor } from '../fixtures/recording-executor.ts';

function setup() {
  const clock = new VirtualClock({ startMs: 0 });
  const executor = recordingExecutor({ durationMs: 10_000 });
  let next = 0;
  const engine = createEngine({ clock, executor, createId: () => `id-${++next}` });
  return { clock, executor, engine };
}

describe('TaskManager', () => {
  it('creates tasks with defaults and lists them in insertion order, and by scope', async () => {
    const { engine } = setup();
    const b = await engine.createTask({ id: 'b', name: 'b', scope: 'org-1' });
    await engine.createTask({ id: 'a', name: 'a', scope: 'org-2' });
    // The engine may draw ids of its own (its owner id): read the one this task got.
    const generated = await engine.createTask({ name: 'generated', scope: 'org-1' });
    expect(generated.id).toMatch(/^id-\d+$/);
    expect(b).toEqual({
      id: 'b',
      name: 'b',
      scope: 'org-1',
      enabled: true,
      spec: undefined,
      triggers: [{ kind: 'change' }],
      dependsOn: [],
      bufferPeriod: undefined,
      createdAtMs: 0,
      updatedAtMs: 0,
      deletionRequestedAtMs: undefined,
    });
    expect((await engine.listTasks()).map((task) => task.id)).toEqual(['b', 'a', generated.id]);
    expect((await engine.listTasks('org-1')).map((task) => task.id)).toEqual(['b', generated.id]);
    expect(await engine.countTasks()).toBe(3);
  });

  it('updates only the fields given, keeps the listing order, and stamps updatedAtMs', async () => {
    const { clock, engine } = setup();
    await engine.createTask({ id: 'a', name: 'a', spec: { v: 1 } });
    await engine.createTask({ id: 'b', name: 'b' });
    await clock.advance(500);
    const updated = await engine.updateTask('a', { enabled: false });
    expect(updated).toMatchObject({
      enabled: false,
      spec: { v: 1 },
      createdAtMs: 0,
      updatedAtMs: 500,
    });
    expect((await engine.listTasks()).map((task) => task.id)).toEqual(['a', 'b']);
    expect(await engine.getTask('a')).toEqual(updated);
  });

  it('draftTask validates and builds a task without storing it', async () => {
    const { engine } = setup();
    const draft = engine.draftTask({ id: 'd', name: 'd', bufferPeriod: { minMs: 1, maxMs: 2 } });
    expect(draft).toMatchObject({ id: 'd', bufferPeriod: { minMs: 1, maxMs: 2 } });
    expect(await engine.findTask('d')).toBeUndefined();
    // Validation of a draft stays synchronous: nothing is stored, nothing to wait for.
    expect(() => engine.draftTask({ name: '' })).toThrow(
      expect.objectContaining({ code: 'invalid' }),
    );
  });

  // The verbs are async now: a bad input is a rejected promise, not a synchronous throw.
  it.each<[string, string, (engine: Engine) => Promise<unknown>]>([
    ['an unknown id', 'not_found', (e) => e.getTask('nope')],
    ['a duplicate id', 'already_exists', (e) => e.createTask({ id: 'a', name: 'x' })],
    ['an empty name', 'invalid', (e) => e.createTask({ name: '' })],
    [
      'a negative buffer period',
      'invalid',
      (e) => e.createTask({ name: 'n', bufferPeriod: { minMs: -1, maxMs: 5 } }),
    ],
    [
      'a buffer max below its min',
      'invalid',
      (e) => e.createTask({ name: 'n', bufferPeriod: { minMs: 10, maxMs: 5 } }),
    ],
    [
      'a bad cron expression',
      'invalid',
      (e) => e.createTask({ name: 'n', triggers: [{ kind: 'cron', expression: 'not cron' }] }),
    ],
    [
      'an unknown trigger kind',
      'invalid',
      (e) => e.createTask({ name: 'n', triggers: [{ kind: 'webhook' } as never] }),
    ],
    ['a self-dependency', 'invalid', (e) => e.createTask({ id: 's', name: 's', dependsOn: ['s'] })],
    ['an update of an unknown id', 'not_found', (e) => e.updateTask('nope', {})],
    ['an update with an empty name', 'invalid', (e) => e.updateTask('a', { name: '' })],
    ['a delete of an unknown id', 'not_found', (e) => e.deleteTask('nope')],
  ])('%s is a typed %s error and changes nothing', async (_name, code, act) => {
    const { engine } = setup();
    await engine.createTask({ id: 'a', name: 'a' });
    const before = await engine.listTasks();
    const caught = await act(engine).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(caught).toBeInstanceOf(EngineError);
    expect(caught).toMatchObject({ code });
    expect(await engine.listTasks()).toEqual(before);
    expect(await engine.summary()).toEqual({
      health: { successful: 0, errored: 0, critical: 0, unknown: 1 },
      enabled: { true: 1, false: 0 },
    });
  });

  it('update with rejectIfActive refuses a running task with busy (CTS PATCH → 500)', async () => {
    const { clock, engine } = setup();
    await engine.createTask({ id: 'a', name: 'a' });
    await engine.runNow('a');
    await expect(
      engine.updateTask('a', { enabled: false }, { rejectIfActive: true }),
    ).rejects.toMatchObject({ code: 'busy', details: { reason: 'active' } });
    expect((await engine.getTask('a')).enabled).toBe(true);
    await clock.runUntilIdle();
  });
});

describe('deleting tasks (research/cts.md §3)', () => {
  it('a task deleted while running stays readable, finishes its run, records its event, then is gone', async () => {
    const { clock, engine } = setup();
    const skipped: string[] = [];
    engine.events.on('trigger:skipped', (taskId, kind, reason) =>
      skipped.push(`${taskId} ${kind} ${reason}`),
    );
    const marked = new Promise((resolve) => engine.events.once('task:deletion-requested', resolve));
    await engine.createTask({ id: 'a', name: 'a' });
    await engine.notifyChange('a');
    await clock.advance(1_000);
    const deleted = engine.deleteTask('a');
    await marked;
    expect(engine.isDeleting('a')).toBe(true);
    expect((await engine.getTask('a')).deletionRequestedAtMs).toBe(1_000);
    await engine.notifyChange('a');
    expect(skipped).toEqual(['a change deleting']);
    await expect(engine.runNow('a')).rejects.toMatchObject({
      code: 'busy',
      details: { reason: 'deleting' },
    });
    await expect(engine.updateTask('a', { name: 'b' })).rejects.toMatchObject({ code: 'busy' });
    const recorded: string[] = [];
    engine.events.on('event:recorded', (event) => recorded.push(event.taskId));
    await clock.advance(9_000);
    await deleted;
    // The run's event was recorded before the task went, then went with it.
    expect(recorded).toEqual(['a']);
    expect(engine.isDeleting('a')).toBe(false);
    expect(await engine.findTask('a')).toBeUndefined();
    expect(await engine.taskStatus('a')).toBeUndefined();
    expect((await engine.summary()).health.successful).toBe(0);
  });

  it('deleting a marked task again joins the pending removal', async () => {
    const { clock, engine } = setup();
    let requests = 0;
    engine.events.on('task:deletion-requested', () => requests++);
    await engine.createTask({ id: 'a', name: 'a' });
    await engine.runNow('a');
    const settled: string[] = [];
    const first = engine.deleteTask('a').then(() => settled.push('first'));
    const second = engine.deleteTask('a').then(() => settled.push('second'));
    await clock.advance(9_999);
    expect(settled).toEqual([]);
    await clock.runUntilIdle();
    await Promise.all([first, second]);
    expect(settled).toEqual(['first', 'second']);
    expect(requests).toBe(1);
  });

  it('TaskManager.delete of a marked task returns the very same removal', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    let finishRun = (): void => {};
    const running = new Promise<void>((resolve) => {
      finishRun = resolve;
    });
    const activity: TaskActivity = { isActive: () => true, whenInactive: () => running };
    const store = new MemoryStore();
    const manager = new TaskManager({
      store,
      clock,
      events: new EngineEvents(),
      activity,
      createId: () => 'id',
    });
    await manager.create({ id: 'a', name: 'a' });
    const first = manager.delete('a');
    expect(manager.delete('a')).toBe(first);
    expect(manager.isDeleting('a')).toBe(true);
    finishRun();
    await first;
    expect(await store.getTask('a')).toBeUndefined();
    expect(manager.isDeleting('a')).toBe(false);
  });

  it('the same id can be created again only after the deletion finished', async () => {
    const { clock, executor, engine } = setup();
    await engine.createTask({ id: 'a', name: 'a' });
    await engine.runNow('a');
    const deleted = engine.deleteTask('a');
    await expect(engine.createTask({ id: 'a', name: 'a' })).rejects.toMatchObject({
      code: 'already_exists',
    });
    await clock.runUntilIdle();
    await deleted;
    await engine.createTask({ id: 'a', name: 'a' });
    await engine.notifyChange('a', 'new');
    await clock.runUntilIdle();
    expect(executor.calls.map((call) => call.data)).toEqual([undefined, 'new']);
  });

  it('a coalesced follow-up run is dropped when its task is deleted', async () => {
    const { clock, executor, engine } = setup();
    await engine.createTask({ id: 'a', name: 'a' });
    await engine.notifyChange('a', 1);
    await clock.advance(1);
    await engine.notifyChange('a', 2);
    const deleted = engine.deleteTask('a');
    await clock.runUntilIdle();
    await deleted;
    expect(executor.calls.map((call) => call.data)).toEqual([1]);
  });

  it('deleting a scheduled task stops its cron', async () => {
    const { clock, executor, engine } = setup();
    await engine.createTask({
      id: 'c',
      name: 'c',
      triggers: [{ kind: 'cron', expression: '* * * * *' }],
    });
    expect(clock.pendingTimers).toBe(1);
    await engine.deleteTask('c');
    await clock.advance(5 * 60_000);
    expect(executor.calls).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
  });
});
