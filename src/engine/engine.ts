/**
 * `createEngine`: the engine's front door. Callers (a program, a dialect)
 * use its verbs; the collaborators behind it (TaskManager, Scheduler,
 * ExecutionRunner, StatusTracker) are wired here on one clock, one store and
 * one event bus, and are not part of the contract.
 */

import type { BufferWindow } from './buffer-period.ts';
import type { Clock } from './clock.ts';
import { EngineError } from './errors.ts';
import { EngineEvents } from './events.ts';
import { ExecutionRunner } from './execution-runner.ts';
import {
  DEFAULT_CLAIM_BATCH,
  type EngineOptions,
  type ResolvedEngineOptions,
  resolveEngineOptions,
} from './options.ts';
import { type RunNowOptions, Scheduler } from './scheduler.ts';
import { SharedScheduler } from './shared-scheduler.ts';
import { type StatusEventInput, StatusTracker } from './status-tracker.ts';
import type { TaskStatus } from './store.ts';
import { TaskManager, type TaskUpdateOptions } from './task-manager.ts';
import type {
  Execution,
  StatusEvent,
  StatusSummary,
  Task,
  TaskInput,
  TaskPatch,
  TriggerInfo,
} from './types.ts';
import type { IdleParticipant } from './virtual-clock.ts';

/** Options of {@link Engine.inspect}. */
export interface InspectOptions {
  /** The data the plan sees. @default the latest data announced for the task */
  readonly data?: unknown;
  readonly timeoutMs?: number;
}

/** Options of {@link Engine.startOnce}. */
export interface StartOnceOptions {
  /** The trigger the run reports. @default a manual trigger fired now */
  readonly trigger?: TriggerInfo;
  readonly timeoutMs?: number;
}

/** The settings a dialect may read back (never the executor or the store). */
export interface EngineSettings {
  readonly historyLimit: number;
  readonly executionHistoryLimit: number;
  readonly closeMode: 'abort' | 'drain';
}

/** A running engine: the verbs a program or a dialect calls. */
export interface Engine extends AsyncDisposable {
  readonly clock: Clock;
  readonly events: EngineEvents;
  readonly settings: EngineSettings;
  /** Resolves once the tasks already in the store were taken over (see `adoptStoredTasks`). */
  ready(): Promise<void>;

  /** Adds a task; rejects with `already_exists` or `invalid`. */
  createTask<TSpec>(input: TaskInput<TSpec>): Promise<Task<TSpec>>;
  /** Validates `input` and builds its task without storing it; throws `invalid`. */
  draftTask<TSpec>(input: TaskInput<TSpec>): Task<TSpec>;
  /** The task, or undefined. Tasks pending deletion are still returned. */
  findTask<TSpec = unknown>(id: string): Promise<Task<TSpec> | undefined>;
  /** The task; rejects with `not_found`. */
  getTask<TSpec = unknown>(id: string): Promise<Task<TSpec>>;
  /** Every task in insertion order, or those of one scope. */
  listTasks<TSpec = unknown>(scope?: string): Promise<Task<TSpec>[]>;
  countTasks(): Promise<number>;
  /** Replaces the fields present in `patch`; rejects with `not_found`, `busy`, `invalid`. */
  updateTask<TSpec>(
    id: string,
    patch: TaskPatch<TSpec>,
    options?: TaskUpdateOptions,
  ): Promise<Task<TSpec>>;
  /**
   * Marks the task for deletion and resolves once it is gone (after its
   * running execution, if any). Rejects with `not_found`.
   */
  deleteTask(id: string): Promise<void>;
  /** Whether deletion of the task was requested here and has not finished. */
  isDeleting(id: string): boolean;

  /**
   * Announces a change of the data the task watches: it runs after its
   * buffer period (hcat's rule), or at once without one; during a run it
   * owes one follow-up run. Rejects with `not_found`.
   */
  notifyChange(taskId: string, data?: unknown): Promise<void>;
  /** Starts a run now, past the buffer period; rejects with `busy`, `invalid`, `not_found`. */
  runNow(taskId: string, options?: RunNowOptions): Promise<Execution>;
  /**
   * Starts one run of a task that is not stored (CTS's create with
   * `?run=now`, each Ona execution), outside the scheduler: never retried,
   * no follow-up run, and its outcome becomes an event only if a task with
   * its id is stored by the time it ends. Resolves with the live execution
   * once it started (its phase is still moving); {@link whenFinished}
   * resolves with it once final. It is kept for reads like any other, until
   * {@link forgetExecutions} of `task.id`.
   */
  startOnce(task: Task, options?: StartOnceOptions): Promise<Execution>;
  /**
   * A plan-only run of a stored task (by id) or of a task that is not stored
   * (by definition). It records nothing and changes no state.
   */
  inspect(task: string | TaskInput, options?: InspectOptions): Promise<Execution>;
  /** When the task's open buffer window fires, if one is open. */
  bufferFireAtMs(taskId: string): Promise<number | undefined>;
  /** The task's open buffer window, its fire time and deadline, if one is open. */
  bufferWindow(taskId: string): Promise<BufferWindow | undefined>;
  /** Drops the task's open buffer window without running (hcat's `BufferReset`). */
  resetBuffer(taskId: string): Promise<void>;

  /** The execution, while it is active or kept in history. */
  execution(executionId: string): Execution | undefined;
  /** A task's kept executions oldest first, or every kept execution. */
  executions(taskId?: string): Execution[];
  /** The task's active `apply` execution in this engine, if any. */
  activeExecution(taskId: string): Execution | undefined;
  /** Whether the task runs: here, or (with a coordination) on any engine of the database. */
  isActive(taskId: string): Promise<boolean>;
  /** Resolves with the execution once it is final; rejects with `not_found`. */
  whenFinished(executionId: string): Promise<Execution>;
  /** Asks an execution to stop; throws `not_found`. A no-op once it is final. */
  stopExecution(executionId: string, reason?: string): Execution;
  /** Forgets the kept executions of a task (a dialect that keeps its own). */
  forgetExecutions(taskId: string): void;

  /** The task's health and events, newest first; undefined for an unknown task. */
  taskStatus(taskId: string): Promise<TaskStatus | undefined>;
  /** Counts over every task by health and enabled. */
  summary(): Promise<StatusSummary>;
  /** Records an event for a stored task (a dialect's own run outcome); undefined if unknown. */
  recordEvent(event: StatusEventInput): Promise<StatusEvent | undefined>;

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

const SETTLED = Promise.resolve();

/**
 * Creates an engine.
 *
 * @example
 * import { createEngine } from 'taskport';
 *
 * const engine = createEngine({
 *   executor: { runStep: async ({ task, trigger }) => deploy(task.spec, trigger.data) },
 * });
 * await engine.createTask({ id: 'web', name: 'web', bufferPeriod: { minMs: 5_000, maxMs: 20_000 } });
 * await engine.notifyChange('web', { instances: 3 }); // runs 5 s after the last change
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const resolved = resolveEngineOptions(options);
  return new EngineFrontDoor(resolved);
}

/** @internal The one {@link Engine} implementation. */
class EngineFrontDoor implements Engine {
  readonly clock: Clock;
  readonly events = new EngineEvents();
  readonly settings: EngineSettings;
  readonly #options: ResolvedEngineOptions;
  readonly #tasks: TaskManager;
  readonly #runner: ExecutionRunner;
  readonly #status: StatusTracker;
  readonly #scheduler: Scheduler | undefined;
  /** Set when the engine shares a database with others: it schedules instead of #scheduler. */
  readonly #shared: SharedScheduler | undefined;
  readonly #ready: Promise<void>;
  readonly #untrack: (() => void) | undefined;
  #adopted = false;
  /** The local scheduler, once the engine is ready (undefined before, and with a coordination). */
  #readyScheduler: Scheduler | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: ResolvedEngineOptions) {
    this.#options = options;
    const { clock, store, createId } = options;
    this.clock = clock;
    this.settings = {
      historyLimit: options.historyLimit,
      executionHistoryLimit: options.executionHistoryLimit,
      closeMode: options.closeMode,
    };
    const events = this.events;
    this.#status = new StatusTracker({
      store,
      clock,
      events,
      createId,
      historyLimit: options.historyLimit,
      policy: options.eventPolicy,
    });
    this.#runner = new ExecutionRunner({
      executor: options.executor,
      clock,
      events,
      createId,
      lookupTask: (id) => store.getTask(id),
      onFinal: (execution, task) =>
        this.#shared === undefined
          ? this.#status.recordExecution(execution, task)
          : this.#shared.onFinal(execution, task),
      random: options.random,
      concurrency: options.concurrency,
      stepConcurrency: options.stepConcurrency,
      timeoutMs: options.executionTimeoutMs,
      retry: options.retry,
      executionHistoryLimit: options.executionHistoryLimit,
    });
    this.#shared =
      options.coordination === undefined
        ? undefined
        : new SharedScheduler({
            clock,
            events,
            store,
            coordination: options.coordination,
            runner: this.#runner,
            status: this.#status,
            retry: options.retry,
            createId,
            settings: {
              ownerId: options.ownerId,
              leaseMs: options.leaseMs,
              pollIntervalMs: options.pollIntervalMs,
              cronGraceMs: options.cronGraceMs,
              claimBatch: DEFAULT_CLAIM_BATCH,
            },
          });
    this.#tasks = new TaskManager({
      store,
      clock,
      events,
      activity: this.#shared ?? this.#runner,
      createId,
    });
    // With a coordination the local scheduler must not exist at all: its
    // timers would fire cron ticks that the shared slots fire already.
    this.#scheduler =
      this.#shared === undefined
        ? new Scheduler({ clock, events, runner: this.#runner })
        : undefined;
    events.on('task:deleted', (task) => this.#runner.forgetTask(task.id));
    this.#ready = this.#adoptStoredTasks().then(() => {
      this.#adopted = true;
      this.#readyScheduler = this.#scheduler;
    });
    this.#untrack = (clock as ClockWithTracking).track?.(this);
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  async #adoptStoredTasks(): Promise<void> {
    if (this.#shared !== undefined) {
      // Windows, cron slots and leases are in the database already: nothing to re-arm.
      await this.#shared.start();
      return;
    }
    if (!this.#options.adoptStoredTasks) return;
    for (const task of await this.#options.store.listTasks()) {
      this.#scheduler?.adopt(task);
      this.#tasks
        .resumeDeletion(task)
        .catch((error: unknown) => this.events.emit('engine:error', error));
    }
  }

  async createTask<TSpec>(input: TaskInput<TSpec>): Promise<Task<TSpec>> {
    await this.#ready;
    return this.#tasks.create(input);
  }

  draftTask<TSpec>(input: TaskInput<TSpec>): Task<TSpec> {
    return this.#tasks.draft(input);
  }

  findTask<TSpec = unknown>(id: string): Promise<Task<TSpec> | undefined> {
    return this.#tasks.find<TSpec>(id);
  }

  getTask<TSpec = unknown>(id: string): Promise<Task<TSpec>> {
    return this.#tasks.get<TSpec>(id);
  }

  listTasks<TSpec = unknown>(scope?: string): Promise<Task<TSpec>[]> {
    return this.#tasks.list<TSpec>(scope);
  }

  countTasks(): Promise<number> {
    return this.#tasks.count();
  }

  async updateTask<TSpec>(
    id: string,
    patch: TaskPatch<TSpec>,
    options?: TaskUpdateOptions,
  ): Promise<Task<TSpec>> {
    await this.#ready;
    return this.#tasks.update(id, patch, options);
  }

  deleteTask(id: string): Promise<void> {
    // Registered at once when ready, so isDeleting(id) holds as soon as this returns.
    if (this.#adopted) return this.#tasks.delete(id);
    return this.#ready.then(() => this.#tasks.delete(id));
  }

  isDeleting(id: string): boolean {
    return this.#tasks.isDeleting(id);
  }

  notifyChange(taskId: string, data?: unknown): Promise<void> {
    // The hot path of every trigger: no promise is made when the engine is
    // ready, and one field read decides it, so that V8 inlines this and the
    // scheduler's notifyChange into the caller's loop.
    const local = this.#readyScheduler;
    if (local === undefined) return this.#notifyChangeLater(taskId, data);
    try {
      local.notifyChange(taskId, data);
      return SETTLED;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** notifyChange before the engine is ready, or through the shared scheduler. */
  #notifyChangeLater(taskId: string, data: unknown): Promise<void> {
    if (!this.#adopted) return this.#ready.then(() => this.notifyChange(taskId, data));
    return (this.#shared as SharedScheduler).notifyChange(taskId, data);
  }

  async runNow(taskId: string, options?: RunNowOptions): Promise<Execution> {
    await this.#ready;
    if (this.#scheduler === undefined)
      return (this.#shared as SharedScheduler).runNow(taskId, options);
    return this.#scheduler.runNow(taskId, options);
  }

  async startOnce(task: Task, options: StartOnceOptions = {}): Promise<Execution> {
    await this.#open();
    return this.#runner.start(task, {
      trigger: options.trigger ?? {
        kind: 'manual',
        firedAtMs: this.clock.now(),
        changeCount: 0,
      },
      timeoutMs: options.timeoutMs,
      retry: null,
    });
  }

  async inspect(task: string | TaskInput, inspectOptions: InspectOptions = {}): Promise<Execution> {
    await this.#open();
    const subject =
      typeof task === 'string' ? await this.#tasks.get(task) : this.#tasks.draft(task);
    if (this.#closing !== undefined) throw closedError();
    return this.#runner.inspect(subject, {
      trigger: {
        kind: 'manual',
        data: inspectOptions.data,
        firedAtMs: this.clock.now(),
        changeCount: 0,
      },
      timeoutMs: inspectOptions.timeoutMs,
    });
  }

  async bufferFireAtMs(taskId: string): Promise<number | undefined> {
    return (await this.bufferWindow(taskId))?.fireAtMs;
  }

  bufferWindow(taskId: string): Promise<BufferWindow | undefined> {
    if (this.#scheduler === undefined)
      return (this.#shared as SharedScheduler).bufferWindow(taskId);
    return Promise.resolve(this.#scheduler.bufferWindow(taskId));
  }

  resetBuffer(taskId: string): Promise<void> {
    if (this.#scheduler === undefined) return (this.#shared as SharedScheduler).resetBuffer(taskId);
    this.#scheduler.resetBuffer(taskId);
    return SETTLED;
  }

  execution(executionId: string): Execution | undefined {
    return this.#runner.get(executionId);
  }

  executions(taskId?: string): Execution[] {
    return this.#runner.list(taskId);
  }

  activeExecution(taskId: string): Execution | undefined {
    return this.#runner.activeExecution(taskId);
  }

  isActive(taskId: string): Promise<boolean> {
    if (this.#runner.isActive(taskId)) return Promise.resolve(true);
    return this.#shared?.isActive(taskId) ?? Promise.resolve(false);
  }

  whenFinished(executionId: string): Promise<Execution> {
    return this.#runner.whenFinished(executionId);
  }

  stopExecution(executionId: string, reason?: string): Execution {
    return this.#runner.stop(executionId, reason);
  }

  forgetExecutions(taskId: string): void {
    this.#runner.forgetTask(taskId);
  }

  taskStatus(taskId: string): Promise<TaskStatus | undefined> {
    return this.#status.taskStatus(taskId);
  }

  summary(): Promise<StatusSummary> {
    return this.#status.summary();
  }

  recordEvent(event: StatusEventInput): Promise<StatusEvent | undefined> {
    return this.#status.record(event);
  }

  isIdle(): boolean {
    return this.#runner.isIdle();
  }

  whenIdle(): Promise<void> {
    return this.#runner.whenIdle();
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#ready.catch(() => undefined);
      this.#scheduler?.close();
      await this.#shared?.close();
      await this.#runner.close(this.#options.closeMode, this.#options.drainTimeoutMs);
      await this.#tasks.whenDeletionsSettled();
      this.#shared?.dispose();
      this.#untrack?.();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Waits for adoption; rejects once the engine is closing (an inspection starts nothing late). */
  async #open(): Promise<void> {
    // Checked after the wait too: a close() that began meanwhile has already
    // stopped what runs and must not find a run started behind it.
    if (this.#closing !== undefined) throw closedError();
    await this.#ready;
    if (this.#closing !== undefined) throw closedError();
  }
}

function closedError(): EngineError {
  return new EngineError('closed', 'the engine is closed');
}
