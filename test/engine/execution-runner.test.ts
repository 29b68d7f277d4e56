import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/engine/clock.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { ExecutionStoppedError, ExecutionTimeoutError } from '../../src/engine/errors.ts';
import type { Executor } from '../../src/engine/executor.ts';
import { CTS_RETRY_POLICY } from '../../src/engine/retry.ts';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';
import { recordingExecutor } from '../fixtures/recording-executor.ts';

const threeGroups = [[{ id: 'prepare' }], [{ id: 'left' }, { id: 'right' }], [{ id: 'finish' }]];

describe('plans', () => {
  it('runs groups in order and the steps of a group concurrently', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const base = recordingExecutor({ durationMs: ({ step }) => (step.id === 'left' ? 300 : 100) });
    const engine = createEngine({
      clock,
      executor: { plan: () => threeGroups, runStep: base.runStep },
    });
    await engine.createTask({ id: 't', name: 't' });
    const execution = await engine.runNow('t');
    await clock.runUntilIdle();
    expect(base.calls.map((call) => [call.stepId, call.startedAtMs])).toEqual([
      ['prepare', 0],
      ['left', 100],
      ['right', 100],
      ['finish', 400],
    ]);
    expect(execution).toMatchObject({ phase: 'succeeded', startedAtMs: 0, finishedAtMs: 500 });
    expect(
      execution.steps.map((step) => [
        step.id,
        step.group,
        step.phase,
        step.startedAtMs,
        step.finishedAtMs,
      ]),
    ).toEqual([
      ['prepare', 0, 'succeeded', 0, 100],
      ['left', 1, 'succeeded', 100, 400],
      ['right', 1, 'succeeded', 100, 200],
      ['finish', 2, 'succeeded', 400, 500],
    ]);
  });

  it('stepConcurrency limits the steps of a group running at once', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const base = recordingExecutor({ durationMs: 100 });
    const engine = createEngine({
      clock,
      stepConcurrency: 1,
      executor: { plan: () => threeGroups, runStep: base.runStep },
    });
    await engine.createTask({ id: 't', name: 't' });
    await engine.runNow('t');
    await clock.runUntilIdle();
    expect(base.calls.map((call) => [call.stepId, call.startedAtMs])).toEqual([
      ['prepare', 0],
      ['left', 100],
      ['right', 200],
      ['finish', 300],
    ]);
  });

  it('a failing step fails the execution; its group finishes, later groups are skipped', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const base = recordingExecutor({
      durationMs: 10,
      fail: ({ step }) => (step.id === 'left' ? 'left broke' : undefined),
    });
    const engine = createEngine({
      clock,
      executor: { plan: () => threeGroups, runStep: base.runStep },
    });
    await engine.createTask({ id: 't', name: 't' });
    const execution = await engine.runNow('t');
    await clock.runUntilIdle();
    expect(execution.phase).toBe('failed');
    expect(execution.failureMessage).toBe('left broke');
    expect(execution.steps.map((step) => [step.id, step.phase])).toEqual([
      ['prepare', 'succeeded'],
      ['left', 'failed'],
      ['right', 'succeeded'],
      ['finish', 'skipped'],
    ]);
    expect((await engine.taskStatus('t'))?.events).toMatchObject([
      { success: false, failureMessage: 'left broke' },
    ]);
  });

  it('the default plan is the transitive dependencies in levels, then the task', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const executor = recordingExecutor();
    const engine = createEngine({ clock, executor });
    await engine.createTask({ id: 'db', name: 'db' });
    await engine.createTask({ id: 'cache', name: 'cache' });
    await engine.createTask({ id: 'api', name: 'api', dependsOn: ['db', 'cache'] });
    await engine.createTask({ id: 'web', name: 'web', dependsOn: ['api', 'db'] });
    const execution = await engine.runNow('web');
    await clock.runUntilIdle();
    expect(execution.steps.map((step) => [step.id, step.group])).toEqual([
      ['db', 0],
      ['cache', 0],
      ['api', 1],
      ['web', 2],
    ]);
  });

  it('a dependency on a task that is not stored fails the execution and names it', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const executor = recordingExecutor();
    const engine = createEngine({ clock, executor });
    await engine.createTask({ id: 'api', name: 'api', dependsOn: ['db'] });
    const execution = await engine.runNow('api');
    await clock.runUntilIdle();
    expect(execution).toMatchObject({
      phase: 'failed',
      failureMessage: 'task api depends on unknown task db',
    });
    expect(executor.calls).toEqual([]);
  });

  it("an executor's plan finds other stored tasks through the async lookupTask", async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const seen: unknown[] = [];
    const engine = createEngine({
      clock,
      executor: {
        async plan({ task, lookupTask }) {
          const found = await Promise.all(task.dependsOn.map((id) => lookupTask(id)));
          seen.push(...found.map((dependency) => dependency?.spec));
          return [[{ id: task.id }]];
        },
        runStep: () => undefined,
      },
    });
    await engine.createTask({ id: 'db', name: 'db', spec: { port: 5432 } });
    await engine.createTask({ id: 'api', name: 'api', dependsOn: ['db', 'cache'] });
    const execution = await engine.runNow('api');
    await clock.runUntilIdle();
    expect(execution.phase).toBe('succeeded');
    expect(seen).toEqual([{ port: 5432 }, undefined]);
  });

  it('a dependency cycle fails the execution with a clear message', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const engine = createEngine({ clock });
    await engine.createTask({ id: 'a', name: 'a', dependsOn: ['b'] });
    await engine.createTask({ id: 'b', name: 'b', dependsOn: ['a'] });
    const execution = await engine.runNow('a');
    await clock.runUntilIdle();
    expect(execution).toMatchObject({
      phase: 'failed',
      failureMessage: 'dependency cycle through task a',
    });
  });
});

describe('stops and timeouts', () => {
  it('stop aborts the signal the executor sees and ends the execution stopped', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    let seenReason: unknown;
    const executor: Executor = {
      async runStep({ signal, clock: stepClock }) {
        signal.addEventListener('abort', () => {
          seenReason = signal.reason;
        });
        await sleep(stepClock, 60_000, signal);
      },
    };
    const engine = createEngine({ clock, executor });
    await engine.createTask({ id: 't', name: 't' });
    const execution = await engine.runNow('t');
    await clock.advance(1_000);
    engine.stopExecution(execution.id);
    expect(execution.desiredPhase).toBe('stopped');
    await engine.whenFinished(execution.id);
    expect(seenReason).toBeInstanceOf(ExecutionStoppedError);
    expect(execution).toMatchObject({ phase: 'stopped', finishedAtMs: 1_000 });
    expect(execution.steps[0]?.phase).toBe('stopped');
    // Stopping a finished execution is a no-op.
    expect(engine.stopExecution(execution.id).phase).toBe('stopped');
    expect((await engine.taskStatus('t'))?.events).toEqual([]);
  });

  it('an executor that never settles fails at the timeout, and the task is free again', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    let seenReason: unknown;
    const engine = createEngine({
      clock,
      executionTimeoutMs: 30_000,
      executor: {
        runStep: ({ signal }) =>
          new Promise(() => {
            signal.addEventListener('abort', () => {
              seenReason = signal.reason;
            });
          }),
      },
    });
    await engine.createTask({ id: 't', name: 't' });
    const execution = await engine.runNow('t');
    await clock.runUntilIdle();
    expect(execution).toMatchObject({
      phase: 'failed',
      failureMessage: 'execution timed out after 30000ms',
      finishedAtMs: 30_000,
    });
    expect(seenReason).toBeInstanceOf(ExecutionTimeoutError);
    expect(await engine.isActive('t')).toBe(false);
    expect(engine.activeExecution('t')).toBeUndefined();
  });

  it('an executor that ignores its signal does not hold the task after a stop', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const engine = createEngine({ clock, executor: { runStep: () => new Promise(() => {}) } });
    await engine.createTask({ id: 't', name: 't' });
    const execution = await engine.runNow('t');
    await clock.advance(10);
    engine.stopExecution(execution.id);
    await engine.whenFinished(execution.id);
    expect(execution.phase).toBe('stopped');
    await expect(engine.runNow('t')).resolves.toMatchObject({ taskId: 't' });
    await engine.close();
  });

  it('an executor that throws synchronously fails its execution and no other task', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const engine = createEngine({
      clock,
      executor: {
        runStep: ({ task }) => {
          if (task.id === 'bad') throw new TypeError('sync boom');
          return 'fine';
        },
      },
    });
    await engine.createTask({ id: 'bad', name: 'bad' });
    await engine.createTask({ id: 'good', name: 'good' });
    const bad = await engine.runNow('bad');
    const good = await engine.runNow('good');
    await clock.runUntilIdle();
    expect(bad).toMatchObject({ phase: 'failed', failureMessage: 'sync boom' });
    expect(good).toMatchObject({ phase: 'succeeded', output: 'fine' });
  });
});

describe('retries', () => {
  it("follows CTS's policy: 1 try + 2 retries, waiting 2^n s plus jitter, for trigger runs only", async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const executor = recordingExecutor({ fail: ({ attempt }) => `attempt ${attempt} failed` });
    const engine = createEngine({ clock, executor, retry: CTS_RETRY_POLICY, random: () => 0.5 });
    await engine.createTask({ id: 't', name: 't' });
    await engine.notifyChange('t');
    await clock.runUntilIdle();
    // Waits: 1 s × 1.25, then 2 s × 1.25.
    expect(executor.calls.map((call) => [call.attempt, call.startedAtMs])).toEqual([
      [1, 0],
      [2, 1_250],
      [3, 3_750],
    ]);
    const [execution] = engine.executions('t');
    expect(execution?.attempts.map((attempt) => attempt.failureMessage)).toEqual([
      'attempt 1 failed',
      'attempt 2 failed',
      'attempt 3 failed',
    ]);
    expect((await engine.taskStatus('t'))?.events).toHaveLength(1);
    await engine.runNow('t');
    await clock.runUntilIdle();
    expect(executor.calls).toHaveLength(4);
  });

  it('stops retrying after a success', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const executor = recordingExecutor({
      fail: ({ attempt }) => (attempt === 1 ? 'flaky' : undefined),
    });
    const engine = createEngine({ clock, executor, retry: { attempts: 5, baseDelayMs: 100 } });
    await engine.createTask({ id: 't', name: 't' });
    await engine.notifyChange('t');
    await clock.runUntilIdle();
    expect(executor.calls.map((call) => call.startedAtMs)).toEqual([0, 100]);
    expect(engine.executions('t')[0]?.phase).toBe('succeeded');
  });
});

describe('plan-only runs', () => {
  it('inspect runs the executor in plan mode and changes no state', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const modes: string[] = [];
    const engine = createEngine({
      clock,
      executor: {
        runStep: ({ mode }) => {
          modes.push(mode);
          return 'plan: 1 to add';
        },
      },
    });
    await engine.createTask({ id: 't', name: 't' });
    const before = await engine.getTask('t');
    const execution = await engine.inspect('t');
    const draft = await engine.inspect({ id: 'new', name: 'new' });
    expect(modes).toEqual(['plan', 'plan']);
    expect(execution).toMatchObject({ mode: 'plan', phase: 'succeeded', output: 'plan: 1 to add' });
    expect(draft.taskId).toBe('new');
    expect(await engine.findTask('new')).toBeUndefined();
    expect(await engine.getTask('t')).toBe(before);
    expect((await engine.taskStatus('t'))?.events).toEqual([]);
    expect(engine.executions('t')).toEqual([]);
  });
});

describe('close', () => {
  it('aborts running executions by default and starts nothing afterwards', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const executor = recordingExecutor({ durationMs: 60_000 });
    const engine = createEngine({ clock, executor });
    await engine.createTask({
      id: 't',
      name: 't',
      triggers: [{ kind: 'cron', expression: '* * * * *' }],
    });
    const execution = await engine.runNow('t');
    await clock.advance(1);
    await engine.close();
    expect(execution.phase).toBe('stopped');
    await clock.advance(10 * 60_000);
    expect(executor.calls).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("drains running executions with closeMode 'drain'", async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const engine = createEngine({
      clock,
      executor: recordingExecutor({ durationMs: 5_000 }),
      closeMode: 'drain',
    });
    await engine.createTask({ id: 't', name: 't' });
    const execution = await engine.runNow('t');
    const closed = engine.close();
    await clock.advance(5_000);
    await closed;
    expect(execution.phase).toBe('succeeded');
  });
});
