import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { EngineError } from '../../src/engine/errors.ts';
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
  it('creates tasks with defaults and lists them in insertion order, and by scope', () => {
    const { engine } = setup();
    const b = engine.tasks.create({ id: 'b', name: 'b', scope: 'org-1' });
    engine.tasks.create({ id: 'a', name: 'a', scope: 'org-2' });
    engine.tasks.create({ name: 'generated', scope: 'org-1' });
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
    expect(engine.tasks.list().map((task) => task.id)).toEqual(['b', 'a', 'id-1']);
    expect(engine.tasks.list('org-1').map((task) => task.id)).toEqual(['b', 'id-1']);
  });

  it('updates only the fields given, keeps the listing order, and stamps updatedAtMs', async () => {
    const { clock, engine } = setup();
    engine.tasks.create({ id: 'a', name: 'a', spec: { v: 1 } });
    engine.tasks.create({ id: 'b', name: 'b' });
    await clock.advance(500);
    const updated = engine.tasks.update('a', { enabled: false });
    expect(updated).toMatchObject({
      enabled: false,
      spec: { v: 1 },
      createdAtMs: 0,
      updatedAtMs: 500,
    });
    expect(engine.tasks.list().map((task) => task.id)).toEqual(['a', 'b']);
  });

  it.each([
    ['an unknown id', (e: ReturnType<typeof setup>['engine']) => e.tasks.get('nope'), 'not_found'],
    [
      'a duplicate id',
      (e: ReturnType<typeof setup>['engine']) => e.tasks.create({ id: 'a', name: 'x' }),
      'already_exists',
    ],
    [
      'an empty name',
      (e: ReturnType<typeof setup>['engine']) => e.tasks.create({ name: '' }),
      'invalid',
    ],
    [
      'a negative buffer period',
      (e: ReturnType<typeof setup>['engine']) =>
        e.tasks.create({ name: 'n', bufferPeriod: { minMs: -1, maxMs: 5 } }),
      'invalid',
    ],
    [
      'a buffer max below its min',
      (e: ReturnType<typeof setup>['engine']) =>
        e.tasks.create({ name: 'n', bufferPeriod: { minMs: 10, maxMs: 5 } }),
      'invalid',
    ],
    [
      'a bad cron expression',
      (e: ReturnType<typeof setup>['engine']) =>
        e.tasks.create({ name: 'n', triggers: [{ kind: 'cron', expression: 'not cron' }] }),
      'invalid',
    ],
    [
      'an unknown trigger kind',
      (e: ReturnType<typeof setup>['engine']) =>
        e.tasks.create({ name: 'n', triggers: [{ kind: 'webhook' } as never] }),
      'invalid',
    ],
    [
      'a self-dependency',
      (e: ReturnType<typeof setup>['engine']) =>
        e.tasks.create({ id: 's', name: 's', dependsOn: ['s'] }),
      'invalid',
    ],
    [
      'an update of an unknown id',
      (e: ReturnType<typeof setup>['engine']) => e.tasks.update('nope', {}),
      'not_found',
    ],
    [
      'a delete of an unknown id',
      (e: ReturnType<typeof setup>['engine']) => e.tasks.delete('nope'),
      'not_found',
    ],
  ])('%s is a typed %s error and changes nothing', (_name, act, code) => {
    const { engine } = setup();
    engine.tasks.create({ id: 'a', name: 'a' });
    const before = engine.tasks.list();
    let caught: unknown;
    try {
      void act(engine);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EngineError);
    expect(caught).toMatchObject({ code });
    expect(engine.tasks.list()).toEqual(before);
  });

  it('update with rejectIfActive refuses a running task with busy (CTS PATCH → 500)', async () => {
    const { clock, engine } = setup();
    engine.tasks.create({ id: 'a', name: 'a' });
    engine.scheduler.runNow('a');
    expect(() => engine.tasks.update('a', { enabled: false }, { rejectIfActive: true })).toThrow(
      expect.objectContaining({ code: 'busy' }),
    );
    expect(engine.tasks.get('a').enabled).toBe(true);
    await clock.runUntilIdle();
  });
});

describe('deleting tasks (research/cts.md §3)', () => {
  it('a task deleted while running stays readable, finishes its run, records its event, then is gone', async () => {
    const { clock, engine } = setup();
    engine.tasks.create({ id: 'a', name: 'a' });
    engine.scheduler.notifyChange('a');
    await clock.advance(1_000);
    const deleted = engine.tasks.delete('a');
    expect(engine.tasks.get('a').deletionRequestedAtMs).toBe(1_000);
    engine.scheduler.notifyChange('a');
    expect(() => engine.scheduler.runNow('a')).toThrow(expect.objectContaining({ code: 'busy' }));
    await clock.advance(9_000);
    await deleted;
    expect(engine.tasks.find('a')).toBeUndefined();
    expect(engine.status.events('a')).toEqual([]);
    expect(engine.status.summary().health.successful).toBe(0);
  });

  it('deleting a marked task again is a no-op that resolves with the same removal', async () => {
    const { clock, engine } = setup();
    engine.tasks.create({ id: 'a', name: 'a' });
    engine.scheduler.runNow('a');
    const first = engine.tasks.delete('a');
    expect(engine.tasks.delete('a')).toBe(first);
    await clock.runUntilIdle();
    await first;
  });

  it('the same id can be created again only after the deletion finished', async () => {
    const { clock, executor, engine } = setup();
    engine.tasks.create({ id: 'a', name: 'a' });
    engine.scheduler.runNow('a');
    const deleted = engine.tasks.delete('a');
    expect(() => engine.tasks.create({ id: 'a', name: 'a' })).toThrow(
      expect.objectContaining({ code: 'already_exists' }),
    );
    await clock.runUntilIdle();
    await deleted;
    engine.tasks.create({ id: 'a', name: 'a' });
    engine.scheduler.notifyChange('a', 'new');
    await clock.runUntilIdle();
    expect(executor.calls.map((call) => call.data)).toEqual([undefined, 'new']);
  });

  it('a coalesced follow-up run is dropped when its task is deleted', async () => {
    const { clock, executor, engine } = setup();
    engine.tasks.create({ id: 'a', name: 'a' });
    engine.scheduler.notifyChange('a', 1);
    await clock.advance(1);
    engine.scheduler.notifyChange('a', 2);
    const deleted = engine.tasks.delete('a');
    await clock.runUntilIdle();
    await deleted;
    expect(executor.calls.map((call) => call.data)).toEqual([1]);
  });

  it('deleting a scheduled task stops its cron', async () => {
    const { clock, executor, engine } = setup();
    engine.tasks.create({
      id: 'c',
      name: 'c',
      triggers: [{ kind: 'cron', expression: '* * * * *' }],
    });
    await engine.tasks.delete('c');
    await clock.advance(5 * 60_000);
    expect(executor.calls).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
  });
});
