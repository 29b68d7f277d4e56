import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { SkipReason } from '../../src/engine/events.ts';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';
import { recordingExecutor } from '../fixtures/recording-executor.ts';

function setup(options: { durationMs?: number; concurrency?: number } = {}) {
  const clock = new VirtualClock({ startMs: 0 });
  const executor = recordingExecutor({ durationMs: options.durationMs ?? 10_000 });
  const engine = createEngine({ clock, executor, concurrency: options.concurrency });
  const skipped: [string, string, SkipReason][] = [];
  const coalesced: string[] = [];
  engine.events.on('trigger:skipped', (taskId, kind, reason) =>
    skipped.push([taskId, kind, reason]),
  );
  engine.events.on('trigger:coalesced', (taskId) => coalesced.push(taskId));
  return { clock, executor, engine, skipped, coalesced };
}

describe('coalescing while a task runs (research/cts.md §6)', () => {
  it('three changes during a run make exactly one follow-up run, with the latest data', async () => {
    const { clock, executor, engine, coalesced } = setup();
    await engine.createTask({ id: 'a', name: 'a' });
    await engine.notifyChange('a', 'first');
    await clock.advance(1_000);
    for (const data of ['second', 'third', 'fourth']) await engine.notifyChange('a', data);
    expect(coalesced).toEqual(['a', 'a', 'a']);
    await clock.runUntilIdle();
    expect(executor.calls.map((call) => [call.data, call.startedAtMs])).toEqual([
      ['first', 0],
      ['fourth', 10_000],
    ]);
    expect((await engine.taskStatus('a'))?.events).toHaveLength(2);
  });

  it('changes buffered during a run coalesce too: the period fires into the running task', async () => {
    const { clock, executor, engine } = setup();
    await engine.createTask({ id: 'a', name: 'a', bufferPeriod: { minMs: 1_000, maxMs: 4_000 } });
    await engine.notifyChange('a', 1);
    await clock.advance(1_000); // run 1 starts at 1 000 and lasts until 11 000
    await engine.notifyChange('a', 2);
    await clock.advance(3_000); // period fires at 3 000 into the running task
    await engine.notifyChange('a', 3);
    await clock.runUntilIdle();
    expect(executor.calls.map((call) => [call.data, call.startedAtMs])).toEqual([
      [1, 1_000],
      [3, 11_000],
    ]);
  });

  it('a cron tick that finds the task running is skipped and reported', async () => {
    const { clock, executor, engine, skipped } = setup({ durationMs: 90_000 });
    await engine.createTask({
      id: 'c',
      name: 'c',
      triggers: [{ kind: 'cron', expression: '* * * * *' }],
    });
    await clock.advance(60_000); // tick at 1 min starts a 90 s run
    await clock.advance(60_000); // tick at 2 min finds it running
    expect(skipped).toEqual([['c', 'cron', 'active']]);
    await clock.advance(60_000); // run ends at 2.5 min; tick at 3 min runs
    expect(executor.calls.map((call) => [call.trigger, call.startedAtMs])).toEqual([
      ['cron', 60_000],
      ['cron', 180_000],
    ]);
  });

  it('cron ticks fire on schedule and are never buffered', async () => {
    const { clock, executor, engine } = setup({ durationMs: 0 });
    await engine.createTask({
      id: 'c',
      name: 'c',
      bufferPeriod: { minMs: 30_000, maxMs: 60_000 },
      triggers: [{ kind: 'cron', expression: '*/10 * * * * * *' }],
    });
    await clock.advance(30_000);
    expect(executor.calls.map((call) => call.startedAtMs)).toEqual([10_000, 20_000, 30_000]);
  });

  it('two different tasks run in parallel', async () => {
    const { clock, executor, engine } = setup();
    await engine.createTask({ id: 'a', name: 'a' });
    await engine.createTask({ id: 'b', name: 'b' });
    await engine.notifyChange('a');
    await engine.notifyChange('b');
    await clock.advance(0);
    expect(engine.activeExecution('a')?.phase).toBe('running');
    expect(engine.activeExecution('b')?.phase).toBe('running');
    await clock.runUntilIdle();
    expect(executor.calls.map((call) => [call.taskId, call.startedAtMs])).toEqual([
      ['a', 0],
      ['b', 0],
    ]);
    expect(clock.now()).toBe(10_000);
  });

  it('a global concurrency limit holds: the third task waits for a slot', async () => {
    const { clock, executor, engine } = setup({ concurrency: 2 });
    for (const id of ['a', 'b', 'c']) await engine.createTask({ id, name: id });
    for (const id of ['a', 'b', 'c']) await engine.notifyChange(id);
    await clock.advance(0);
    expect(engine.activeExecution('c')?.phase).toBe('pending');
    await clock.runUntilIdle();
    expect(executor.calls.map((call) => [call.taskId, call.startedAtMs])).toEqual([
      ['a', 0],
      ['b', 0],
      ['c', 10_000],
    ]);
  });

  it('disabled tasks start no runs and record nothing', async () => {
    const { clock, executor, engine, skipped } = setup({ durationMs: 0 });
    await engine.createTask({
      id: 'd',
      name: 'd',
      enabled: false,
      triggers: [{ kind: 'change' }, { kind: 'cron', expression: '* * * * *' }],
    });
    await engine.notifyChange('d');
    await clock.advance(60_000);
    expect(executor.calls).toHaveLength(0);
    expect((await engine.taskStatus('d'))?.events).toHaveLength(0);
    expect(skipped).toEqual([
      ['d', 'change', 'disabled'],
      ['d', 'cron', 'disabled'],
    ]);
    await expect(engine.runNow('d')).rejects.toMatchObject({
      code: 'invalid',
      details: { reason: 'disabled' },
    });
  });

  it('manual runs bypass the buffer period and see the latest announced data', async () => {
    const { executor, engine } = setup({ durationMs: 0 });
    await engine.createTask({ id: 'a', name: 'a', bufferPeriod: { minMs: 5_000, maxMs: 20_000 } });
    await engine.notifyChange('a', 'latest');
    const execution = await engine.runNow('a');
    await engine.whenFinished(execution.id);
    expect(executor.calls).toMatchObject([{ trigger: 'manual', data: 'latest', startedAtMs: 0 }]);
  });

  it('a manual run while the task runs is refused with busy', async () => {
    const { clock, engine } = setup();
    await engine.createTask({ id: 'a', name: 'a' });
    const running = await engine.runNow('a');
    await expect(engine.runNow('a')).rejects.toMatchObject({
      code: 'busy',
      details: { reason: 'active' },
    });
    expect(engine.activeExecution('a')).toBe(running);
    await clock.runUntilIdle();
  });

  it('a change for a task that only has a cron trigger is kept for its next tick but runs nothing', async () => {
    const { clock, executor, engine } = setup({ durationMs: 0 });
    await engine.createTask({
      id: 'c',
      name: 'c',
      triggers: [{ kind: 'cron', expression: '* * * * *' }],
    });
    await engine.notifyChange('c', 'fresh');
    await clock.advance(59_999);
    expect(executor.calls).toHaveLength(0);
    await clock.advance(1);
    expect(executor.calls).toMatchObject([{ trigger: 'cron', data: 'fresh' }]);
  });

  // notifyChange returns a promise now: an unknown task rejects it instead of throwing.
  it('a change for an unknown task rejects with not_found and changes nothing', async () => {
    const { clock, executor, engine } = setup({ durationMs: 0 });
    await engine.createTask({ id: 'a', name: 'a', bufferPeriod: { minMs: 1_000, maxMs: 1_000 } });
    await engine.notifyChange('a', 'kept');
    await expect(engine.notifyChange('nope')).rejects.toMatchObject({
      code: 'not_found',
      details: { id: 'nope' },
    });
    expect(await engine.bufferFireAtMs('a')).toBe(1_000);
    await clock.runUntilIdle();
    await clock.advance(1_000);
    expect(executor.calls).toMatchObject([{ taskId: 'a', data: 'kept', startedAtMs: 1_000 }]);
  });

  it('a runNow of an unknown task rejects with not_found', async () => {
    const { engine } = setup();
    await expect(engine.runNow('nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('updating the cron expression reschedules the task', async () => {
    const { clock, executor, engine } = setup({ durationMs: 0 });
    await engine.createTask({
      id: 'c',
      name: 'c',
      triggers: [{ kind: 'cron', expression: '0 * * * *' }],
    });
    await engine.updateTask('c', { triggers: [{ kind: 'cron', expression: '*/5 * * * *' }] });
    await clock.advance(10 * 60_000);
    expect(executor.calls.map((call) => call.startedAtMs)).toEqual([300_000, 600_000]);
  });
});
