/**
 * `createEngine`: the four collaborators wired on one clock, one store and
 * one event bus.
 */

import type { Clock } from './clock.ts';
import { EngineError } from './errors.ts';
import { EngineEvents } from './events.ts';
import { ExecutionRunner } from './execution-runner.ts';
import { type EngineOptions, type ResolvedEngineOptions, resolveEngineOptions } from './options.ts';
import { Scheduler } from './scheduler.ts';
import { StatusTracker } from './status-tracker.ts';
import { TaskManager } from './task-manager.ts';
import type { Execution, Task, TaskInput } from './types.ts';
import type { IdleParticipant } from './virtual-clock.ts';

/** Options of {@link Engine.inspect}. */
export interface InspectOptions {
  /** The data the plan sees. @default the latest data announced for the task */
  readonly data?: unknown;
  readonly timeoutMs?: number;
}

/** A running engine. */
export interface Engine extends AsyncDisposable {
  readonly clock: Clock;
  readonly events: EngineEvents;
  readonly tasks: TaskManager;
  readonly scheduler: Scheduler;
  readonly runner: ExecutionRunner;
  readonly status: StatusTracker;
  readonly options: ResolvedEngineOptions;
  /**
   * A plan-only run of a stored task (by id) or of a task that is not stored
   * (by definition). It records nothing and changes no state.
   */
  inspect(task: string | TaskInput, options?: InspectOptions): Promise<Execution>;
  /** True when no execution is active or queued. */
  isIdle(): boolean;
  /** Resolves the next time the engine is idle. */
  whenIdle(): Promise<void>;
  /** Stops every timer, then aborts or drains running executions (`closeMode`). */
  close(): Promise<void>;
}

interface ClockWithTracking extends Clock {
  track?(participant: IdleParticipant): () => void;
}

/**
 * Creates an engine.
 *
 * @example
 * import { createEngine } from 'taskport';
 *
 * const engine = createEngine({
 *   executor: { runStep: async ({ task, trigger }) => deploy(task.spec, trigger.data) },
 * });
 * engine.tasks.create({ id: 'web', name: 'web', bufferPeriod: { minMs: 5_000, maxMs: 20_000 } });
 * engine.scheduler.notifyChange('web', { instances: 3 }); // runs 5 s after the last change
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const resolved = resolveEngineOptions(options);
  const { clock, store, createId } = resolved;
  const events = new EngineEvents();
  const lookupTask = (id: string): Task | undefined => store.getTask(id);
  const runner = new ExecutionRunner({
    executor: resolved.executor,
    clock,
    events,
    createId,
    lookupTask,
    random: resolved.random,
    concurrency: resolved.concurrency,
    stepConcurrency: resolved.stepConcurrency,
    timeoutMs: resolved.executionTimeoutMs,
    retry: resolved.retry,
    executionHistoryLimit: resolved.executionHistoryLimit,
  });
  const tasks = new TaskManager({ store, clock, events, activity: runner, createId });
  // The tracker subscribes before the scheduler, so a finished run's event is
  // recorded before a coalesced follow-up run starts.
  const status = new StatusTracker({
    store,
    clock,
    events,
    createId,
    historyLimit: resolved.historyLimit,
    policy: resolved.eventPolicy,
    lookupTask,
  });
  const scheduler = new Scheduler({ clock, events, tasks, runner });
  events.on('task:deleted', (task) => runner.forgetTask(task.id));
  if (resolved.adoptStoredTasks) {
    for (const task of store.listTasks()) {
      status.adopt(task);
      scheduler.adopt(task);
      void tasks.resumeDeletion(task).catch((error: unknown) => events.emit('engine:error', error));
    }
  }

  let closing: Promise<void> | undefined;
  const isIdle = (): boolean => runner.isIdle();
  const whenIdle = (): Promise<void> => runner.whenIdle();
  const untrack = (clock as ClockWithTracking).track?.({ isIdle, whenIdle });

  const engine: Engine = {
    clock,
    events,
    tasks,
    scheduler,
    runner,
    status,
    options: resolved,
    inspect(task, inspectOptions = {}) {
      if (closing !== undefined)
        return Promise.reject(new EngineError('closed', 'the engine is closed'));
      const subject = typeof task === 'string' ? tasks.get(task) : tasks.draft(task);
      return runner.inspect(subject, {
        trigger: {
          kind: 'manual',
          data: inspectOptions.data,
          firedAtMs: clock.now(),
          changeCount: 0,
        },
        timeoutMs: inspectOptions.timeoutMs,
      });
    },
    isIdle,
    whenIdle,
    close() {
      closing ??= (async () => {
        scheduler.close();
        await runner.close(resolved.closeMode, resolved.drainTimeoutMs);
        await tasks.whenDeletionsSettled();
        untrack?.();
      })();
      return closing;
    },
    [Symbol.asyncDispose]() {
      return engine.close();
    },
  };
  return engine;
}
