/**
 * Verbs of the engine's front door that the ported suites do not cover:
 * `startOnce` (a run of a task that is not stored), the order between a
 * run's stored event and what follows it, `recordEvent`, and a store that
 * fails to record.
 */

import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/engine/clock.ts';
import { createEngine } from '../../src/engine/engine.ts';
import type { Executor } from '../../src/engine/executor.ts';
import { MemoryStore } from '../../src/engine/memory-store.ts';
import type { TaskStatus } from '../../src/engine/store.ts';
import type { StatusEvent } from '../../src/engine/types.ts';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';
import { recordingExecutor } from '../fixtures/recording-executor.ts';

/**
 * A store that takes `delayMs` of clock time to append an event, as a
 * database round trip does: an engine that did not wait for the write
 * would go on before the event is there.
 */
class SlowEventStore extends MemoryStore {
  readonly #clock: VirtualClock;
  readonly #delayMs: number;

  constructor(clock: VirtualClock, delayMs: number) {
    super();
    this.#clock = clock;
    this.#delayMs = delayMs;
  }

  override async appendEvent(event: StatusEvent, limit: number): Promise<TaskStatus | undefined> {
    await sleep(this.#clock, this.#delayMs);
    return super.appendEvent(event, limit);
  }
}

/** One turn of the event loop: whatever is only waiting on promises has run. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('startOnce: one run of a task that is not stored', () => {
  it('resolves with the live execution once started; it ends without retry, event or task', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const executor = recordingExecutor({ durationMs: 1_000, fail: () => 'apply failed' });
    const engine = createEngine({ clock, executor, retry: { attempts: 3, baseDelayMs: 100 } });
    const draft = engine.draftTask({ id: 'once', name: 'once' });
    const execution = await engine.startOnce(draft);
    expect(execution).toMatchObject({
      taskId: 'once',
      mode: 'apply',
      phase: 'running',
      finishedAtMs: undefined,
      trigger: { kind: 'manual', firedAtMs: 0, changeCount: 0 },
    });
    expect(engine.activeExecution('once')).toBe(execution);
    await expect(engine.startOnce(draft)).rejects.toMatchObject({
      code: 'busy',
      details: { reason: 'active' },
    });
    await clock.runUntilIdle();
    expect(await engine.whenFinished(execution.id)).toBe(execution);
    // Never retried, though the engine has a retry policy.
    expect(execution).toMatchObject({ phase: 'failed', failureMessage: 'apply failed' });
    expect(execution.attempts).toHaveLength(1);
    expect(executor.calls).toHaveLength(1);
    // Nothing stored: no task, no status, no count.
    expect(await engine.findTask('once')).toBeUndefined();
    expect(await engine.taskStatus('once')).toBeUndefined();
    expect(await engine.countTasks()).toBe(0);
    // Kept for reads like any other execution, until forgotten.
    expect(engine.execution(execution.id)).toBe(execution);
    expect(engine.executions('once')).toEqual([execution]);
    engine.forgetExecutions('once');
    expect(engine.execution(execution.id)).toBeUndefined();
    expect(engine.executions('once')).toEqual([]);
  });

  it('its outcome becomes an event when a task with its id is stored by the time it ends (CTS run=now)', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const engine = createEngine({ clock, executor: recordingExecutor({ durationMs: 1_000 }) });
    const input = { id: 'web', name: 'web' };
    const execution = await engine.startOnce(engine.draftTask(input), {
      trigger: { kind: 'change', data: 'd', firedAtMs: 0, changeCount: 1 },
    });
    await engine.createTask(input);
    await clock.runUntilIdle();
    expect((await engine.taskStatus('web'))?.events).toMatchObject([
      { executionId: execution.id, success: true, trigger: 'change', finishedAtMs: 1_000 },
    ]);
    expect((await engine.summary()).health.successful).toBe(1);
  });

  it('on a closed engine it rejects with closed and starts nothing', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const executor = recordingExecutor();
    const engine = createEngine({ clock, executor });
    await engine.close();
    const outcome = await engine.startOnce(engine.draftTask({ id: 'late', name: 'late' })).then(
      (execution) => execution.phase,
      (error: unknown) => (error as { code?: string }).code,
    );
    await turn();
    expect({ outcome, calls: executor.calls.length }).toEqual({ outcome: 'closed', calls: 0 });
  });
});

describe("a run's event is stored before what follows the run", () => {
  it('whenFinished resolves only once the event is in the store', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const store = new SlowEventStore(clock, 100);
    const engine = createEngine({
      clock,
      store,
      executor: recordingExecutor({ durationMs: 1_000 }),
    });
    await engine.createTask({ id: 'a', name: 'a' });
    const execution = await engine.runNow('a');
    const seen: { atMs: number; events: number }[] = [];
    const finished = engine.whenFinished(execution.id).then(async () => {
      // Read at once: the virtual clock cannot move before this read.
      const status = await store.taskStatus('a');
      seen.push({ atMs: clock.now(), events: status?.events.length ?? -1 });
    });
    let finishedEvents = -1;
    engine.events.on('execution:finished', () => {
      void store.taskStatus('a').then((status) => {
        finishedEvents = status?.events.length ?? -1;
      });
    });
    await clock.runUntilIdle();
    await finished;
    expect(execution.finishedAtMs).toBe(1_000);
    expect(seen).toEqual([{ atMs: 1_100, events: 1 }]);
    expect(finishedEvents).toBe(1);
    expect(engine.isIdle()).toBe(true);
  });

  it('a coalesced follow-up run starts only once the first run’s event is stored', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const store = new SlowEventStore(clock, 100);
    const eventsAtStart: [unknown, number, number][] = [];
    const executor: Executor = {
      async runStep({ task, trigger, clock: stepClock, signal }) {
        const status = await store.taskStatus(task.id);
        eventsAtStart.push([trigger.data, stepClock.now(), status?.events.length ?? -1]);
        await sleep(stepClock, 1_000, signal);
      },
    };
    const engine = createEngine({ clock, store, executor });
    await engine.createTask({ id: 'a', name: 'a' });
    await engine.notifyChange('a', 'first');
    await clock.advance(500);
    await engine.notifyChange('a', 'second');
    await engine.notifyChange('a', 'third');
    await clock.runUntilIdle();
    expect(eventsAtStart).toEqual([
      ['first', 0, 0],
      // The first run ended at 1 000; its event took until 1 100 to store.
      ['third', 1_100, 1],
    ]);
    expect((await engine.taskStatus('a'))?.events).toHaveLength(2);
  });

  it('a store that fails to record the event does not leave the task active', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const store = new MemoryStore();
    const failure = new Error('database went away');
    let failNext = true;
    const append = store.appendEvent.bind(store);
    store.appendEvent = (event, limit) => {
      if (!failNext) return append(event, limit);
      failNext = false;
      return Promise.reject(failure);
    };
    const errors: unknown[] = [];
    const engine = createEngine({ clock, store });
    engine.events.on('engine:error', (error) => errors.push(error));
    await engine.createTask({ id: 'a', name: 'a' });
    const first = await engine.whenFinished((await engine.runNow('a')).id);
    expect(first.phase).toBe('succeeded');
    expect(errors).toEqual([failure]);
    expect(await engine.isActive('a')).toBe(false);
    expect((await engine.taskStatus('a'))?.events).toEqual([]);
    // The next run is not blocked, and its event is stored.
    const second = await engine.whenFinished((await engine.runNow('a')).id);
    expect((await engine.taskStatus('a'))?.events).toMatchObject([{ executionId: second.id }]);
  });
});

describe('recordEvent: a dialect’s own run outcome', () => {
  it('stores the event for a stored task, health and summary follow; an unknown task records nothing', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const engine = createEngine({ clock, createId: () => 'generated' });
    const recorded: string[] = [];
    engine.events.on('event:recorded', (event) => recorded.push(event.taskId));
    await engine.createTask({ id: 'a', name: 'a' });
    const input = {
      taskId: 'a',
      executionId: 'outside',
      success: false,
      startedAtMs: 0,
      finishedAtMs: 5,
      failureMessage: 'boom',
      trigger: 'manual' as const,
      details: { note: 1 },
    };
    expect(await engine.recordEvent(input)).toEqual({ ...input, id: 'generated' });
    expect(await engine.recordEvent({ ...input, id: 'mine', success: true })).toMatchObject({
      id: 'mine',
    });
    expect((await engine.taskStatus('a'))?.events.map((event) => event.id)).toEqual([
      'mine',
      'generated',
    ]);
    expect((await engine.taskStatus('a'))?.health).toBe('successful');
    expect(await engine.recordEvent({ ...input, taskId: 'nope' })).toBeUndefined();
    expect(recorded).toEqual(['a', 'a']);
    expect((await engine.summary()).health).toEqual({
      successful: 1,
      errored: 0,
      critical: 0,
      unknown: 0,
    });
  });
});

describe('deleteTask', () => {
  it('isDeleting holds as soon as deleteTask was called', async () => {
    const engine = createEngine({ clock: new VirtualClock({ startMs: 0 }) });
    await engine.createTask({ id: 'a', name: 'a' });
    const deleted = engine.deleteTask('a');
    const deletingAtOnce = engine.isDeleting('a');
    await deleted;
    expect(deletingAtOnce).toBe(true);
  });
});
