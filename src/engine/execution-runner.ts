/**
 * Runs executions: one active execution per task, plans of ordered groups of
 * concurrent steps, stops and timeouts as AbortSignals, retries on the clock,
 * and an optional global concurrency limit.
 */

import PQueue from 'p-queue';
import { messageOf, untilAborted } from './abortable.ts';
import { type Clock, sleep } from './clock.ts';
import { defaultPlan } from './dependency-plan.ts';
import { EngineError, ExecutionStoppedError, ExecutionTimeoutError } from './errors.ts';
import type { EngineEvents } from './events.ts';
import type { Executor, PlanContext } from './executor.ts';
import { runPlanAttempt, stepStatesOf } from './plan-attempt.ts';
import { type RetryPolicy, retryApplies, retryDelayMs } from './retry.ts';
import type { Execution, ExecutionMode, PlanDefinition, Task, TriggerInfo } from './types.ts';

/** The collaborators and settings of an {@link ExecutionRunner}. */
export interface ExecutionRunnerDependencies {
  readonly executor: Executor;
  readonly clock: Clock;
  readonly events: EngineEvents;
  readonly createId: () => string;
  readonly lookupTask: (id: string) => Promise<Task | undefined>;
  /**
   * Called when an `apply` execution is final, before its task counts as
   * inactive: the status tracker stores the run's event here, so the event
   * is there before a follow-up run starts or `whenFinished` resolves.
   * Undefined when there was nothing to wait for (no event kept): the run
   * then ends at once, with no promise made.
   */
  readonly onFinal: (execution: Execution, task: Task) => Promise<void> | undefined;
  readonly random: () => number;
  /** Executions running at once across all tasks. */
  readonly concurrency: number;
  /** Steps of one group running at once. */
  readonly stepConcurrency: number;
  readonly timeoutMs: number | undefined;
  readonly retry: RetryPolicy | undefined;
  /** Finished executions kept per task for reads. */
  readonly executionHistoryLimit: number;
}

/** What starts an execution. */
export interface StartOptions {
  readonly trigger: TriggerInfo;
  /** @default 'apply' */
  readonly mode?: ExecutionMode;
  /** Overrides the runner's time limit for this execution. */
  readonly timeoutMs?: number;
  /** Overrides the runner's retry policy; `null` disables retries. */
  readonly retry?: RetryPolicy | null;
  /** The execution's id (a run leased through a coordination already has one). @default a new id */
  readonly id?: string;
}

interface Running {
  readonly execution: Execution;
  readonly task: Task;
  readonly controller: AbortController;
  readonly done: Promise<Execution>;
}

/**
 * The engine's executor of runs. `start` returns the execution at once, in
 * phase `pending`; `whenFinished` resolves with it once it is final.
 */
export class ExecutionRunner {
  readonly #deps: ExecutionRunnerDependencies;
  readonly #queue: PQueue | undefined;
  readonly #active = new Map<string, Running>();
  readonly #inspections = new Set<Promise<Execution>>();
  readonly #inspectionControllers = new Set<AbortController>();
  readonly #executions = new Map<string, Running | Execution>();
  readonly #historyByTask = new Map<string, string[]>();
  readonly #idleWaiters: (() => void)[] = [];
  readonly #inactiveWaiters = new Map<string, (() => void)[]>();

  constructor(deps: ExecutionRunnerDependencies) {
    this.#deps = deps;
    this.#queue = Number.isFinite(deps.concurrency)
      ? new PQueue({ concurrency: deps.concurrency })
      : undefined;
  }

  /**
   * Starts an `apply` execution of `task`. Throws `busy` if the task has an
   * active execution: runs of one task never overlap.
   */
  start(task: Task, options: StartOptions): Execution {
    if (this.#active.has(task.id)) {
      throw new EngineError('busy', `task ${task.id} is active and cannot be run at this time`, {
        details: { id: task.id, reason: 'active' },
      });
    }
    const running = this.#launch(task, options, 'apply');
    this.#active.set(task.id, running);
    this.#remember(running);
    return running.execution;
  }

  /**
   * Runs `task` in `plan` mode: the executor says what it would do and nothing
   * is recorded. The task need not be stored (CTS's `run=inspect` on create),
   * and an active `apply` execution does not stand in its way.
   */
  inspect(task: Task, options: Omit<StartOptions, 'mode' | 'retry'>): Promise<Execution> {
    const running = this.#launch(task, { ...options, retry: null }, 'plan');
    this.#inspections.add(running.done);
    this.#inspectionControllers.add(running.controller);
    void running.done.finally(() => {
      this.#inspections.delete(running.done);
      this.#inspectionControllers.delete(running.controller);
      this.#notifyIdle();
    });
    return running.done;
  }

  /** The execution with that id, if it is active or kept in history. */
  get(executionId: string): Execution | undefined {
    const entry = this.#executions.get(executionId);
    return entry === undefined ? undefined : 'execution' in entry ? entry.execution : entry;
  }

  /** A task's kept executions, oldest first, or every kept execution. */
  list(taskId?: string): Execution[] {
    if (taskId === undefined)
      return [...this.#executions.values()].map((entry) =>
        'execution' in entry ? entry.execution : entry,
      );
    return (this.#historyByTask.get(taskId) ?? []).map((id) => this.get(id) as Execution);
  }

  /** Resolves with the execution once it is final. */
  whenFinished(executionId: string): Promise<Execution> {
    const entry = this.#executions.get(executionId);
    if (entry === undefined) {
      return Promise.reject(
        new EngineError('not_found', `execution ${executionId} not found`, {
          details: { id: executionId },
        }),
      );
    }
    return 'execution' in entry ? entry.done : Promise.resolve(entry);
  }

  /**
   * Asks an execution to stop: its signal aborts with an
   * {@link ExecutionStoppedError} and it ends `stopped`. A no-op once final.
   */
  stop(executionId: string, reason?: string): Execution {
    const entry = this.#executions.get(executionId);
    if (entry === undefined) {
      throw new EngineError('not_found', `execution ${executionId} not found`, {
        details: { id: executionId },
      });
    }
    if (!('execution' in entry)) return entry;
    if (entry.execution.desiredPhase === undefined) {
      entry.execution.desiredPhase = 'stopped';
      entry.execution.statusVersion++;
      entry.controller.abort(new ExecutionStoppedError(reason));
    }
    return entry.execution;
  }

  /** Whether the task has an active (pending or running) `apply` execution. */
  isActive(taskId: string): boolean {
    return this.#active.has(taskId);
  }

  /** The task's active execution, if any. */
  activeExecution(taskId: string): Execution | undefined {
    return this.#active.get(taskId)?.execution;
  }

  /** Resolves once the task has no active execution. */
  whenInactive(taskId: string): Promise<void> {
    if (!this.#active.has(taskId)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.#inactiveWaiters.get(taskId) ?? [];
      waiters.push(resolve);
      this.#inactiveWaiters.set(taskId, waiters);
    });
  }

  /** How many `apply` executions are active. */
  get activeCount(): number {
    return this.#active.size;
  }

  /** True when nothing runs: no active execution and no inspection. */
  isIdle(): boolean {
    return this.#active.size === 0 && this.#inspections.size === 0;
  }

  /** Resolves the next time {@link isIdle} holds (at once if it does). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Forgets the kept executions of a deleted task. */
  forgetTask(taskId: string): void {
    for (const id of this.#historyByTask.get(taskId) ?? []) this.#executions.delete(id);
    this.#historyByTask.delete(taskId);
  }

  /**
   * Stops every active execution (`abort`) or waits for them (`drain`) for
   * at most `drainTimeoutMs` of the clock, then stops the ones left.
   */
  async close(
    mode: 'abort' | 'drain',
    drainTimeoutMs: number = Number.POSITIVE_INFINITY,
  ): Promise<void> {
    if (mode === 'abort') this.#stopAll('engine closed');
    const drained = Promise.all([
      ...[...this.#active.values()].map((running) => running.done),
      ...this.#inspections,
    ]);
    const timer =
      mode === 'drain' && Number.isFinite(drainTimeoutMs) && !this.isIdle()
        ? this.#deps.clock.setTimer(
            () => this.#stopAll(`engine closed: drain timed out after ${drainTimeoutMs}ms`),
            drainTimeoutMs,
          )
        : undefined;
    try {
      await drained;
    } finally {
      timer?.cancel();
    }
  }

  /** Stops every active execution and inspection. */
  #stopAll(reason: string): void {
    for (const running of this.#active.values()) this.stop(running.execution.id, reason);
    for (const controller of this.#inspectionControllers) {
      controller.abort(new ExecutionStoppedError(reason));
    }
  }

  #launch(task: Task, options: StartOptions, mode: ExecutionMode): Running {
    const nowMs = this.#deps.clock.now();
    const execution: Execution = {
      id: options.id ?? this.#deps.createId(),
      taskId: task.id,
      mode,
      trigger: options.trigger,
      phase: 'pending',
      desiredPhase: undefined,
      createdAtMs: nowMs,
      startedAtMs: undefined,
      finishedAtMs: undefined,
      failureMessage: undefined,
      steps: [],
      attempts: [],
      output: undefined,
      statusVersion: 0,
    };
    const controller = new AbortController();
    const retry = options.retry === null ? undefined : (options.retry ?? this.#deps.retry);
    const timeoutMs = options.timeoutMs ?? this.#deps.timeoutMs;
    this.#deps.events.emit('execution:queued', execution);
    const work = (): Promise<void> => this.#execute(execution, task, controller, retry, timeoutMs);
    const queued = this.#queue === undefined || mode === 'plan' ? work() : this.#queue.add(work);
    const done = queued.then(
      () => this.#finish(execution, task),
      (error: unknown) => {
        // #execute records its own failures; reaching here is an engine bug, kept visible.
        this.#deps.events.emit('engine:error', error);
        this.#settle(execution, 'failed', messageOf(error));
        return this.#finish(execution, task);
      },
    );
    return { execution, task, controller, done };
  }

  async #execute(
    execution: Execution,
    task: Task,
    controller: AbortController,
    retry: RetryPolicy | undefined,
    timeoutMs: number | undefined,
  ): Promise<void> {
    const { signal } = controller;
    if (signal.aborted) {
      this.#settle(execution, 'stopped', undefined);
      return;
    }
    execution.phase = 'running';
    execution.startedAtMs = this.#deps.clock.now();
    execution.statusVersion++;
    this.#deps.events.emit('execution:started', execution);
    const timer =
      timeoutMs === undefined
        ? undefined
        : this.#deps.clock.setTimer(
            () => controller.abort(new ExecutionTimeoutError(timeoutMs)),
            timeoutMs,
          );
    try {
      const context: PlanContext = {
        task,
        mode: execution.mode,
        trigger: execution.trigger,
        signal,
        clock: this.#deps.clock,
        lookupTask: this.#deps.lookupTask,
      };
      let plan: PlanDefinition;
      try {
        plan = await untilAborted(
          () => this.#deps.executor.plan?.(context) ?? defaultPlan(task, this.#deps.lookupTask),
          signal,
        );
      } catch (error) {
        this.#settleFromError(execution, signal, error);
        return;
      }
      execution.steps = stepStatesOf(plan);
      execution.statusVersion++;
      const attempts = retryApplies(retry, execution.trigger.kind) ? retry.attempts : 1;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const startedAtMs = this.#deps.clock.now();
        const failure = await runPlanAttempt(this.#deps, execution, context, plan.length, attempt);
        execution.attempts.push({
          attempt,
          startedAtMs,
          finishedAtMs: this.#deps.clock.now(),
          failureMessage: failure,
        });
        if (signal.aborted) {
          this.#settleFromError(execution, signal, signal.reason);
          return;
        }
        if (failure === undefined) {
          this.#settle(execution, 'succeeded', undefined);
          return;
        }
        if (attempt === attempts) {
          this.#settle(execution, 'failed', failure);
          return;
        }
        try {
          await sleep(
            this.#deps.clock,
            retryDelayMs(retry as RetryPolicy, attempt, this.#deps.random),
            signal,
          );
        } catch (error) {
          this.#settleFromError(execution, signal, error);
          return;
        }
      }
    } finally {
      timer?.cancel();
    }
  }

  #settleFromError(execution: Execution, signal: AbortSignal, error: unknown): void {
    const reason = signal.aborted ? signal.reason : error;
    if (reason instanceof ExecutionStoppedError) this.#settle(execution, 'stopped', undefined);
    else this.#settle(execution, 'failed', messageOf(reason));
  }

  #settle(
    execution: Execution,
    phase: 'succeeded' | 'failed' | 'stopped',
    failureMessage: string | undefined,
  ): void {
    if (execution.finishedAtMs !== undefined) return;
    execution.phase = phase;
    execution.failureMessage = failureMessage;
    execution.finishedAtMs = this.#deps.clock.now();
    execution.statusVersion++;
  }

  #finish(execution: Execution, task: Task): Execution | Promise<Execution> {
    if (execution.mode !== 'apply') return this.#end(execution, task);
    let pending: Promise<void> | undefined;
    try {
      pending = this.#deps.onFinal(execution, task);
    } catch (error) {
      pending = Promise.reject(error);
    }
    if (pending === undefined) return this.#end(execution, task);
    return pending.then(
      () => this.#end(execution, task),
      (error: unknown) => {
        // A store that failed to record the event must not leave the task active forever.
        this.#deps.events.emit('engine:error', error);
        return this.#end(execution, task);
      },
    );
  }

  /** The run is over: its task is free, and whoever waits for it hears so. */
  #end(execution: Execution, task: Task): Execution {
    if (execution.mode === 'apply') {
      this.#active.delete(task.id);
      this.#executions.set(execution.id, execution);
    }
    this.#deps.events.emit('execution:finished', execution);
    const waiters = this.#inactiveWaiters.get(task.id);
    if (waiters !== undefined && !this.#active.has(task.id)) {
      this.#inactiveWaiters.delete(task.id);
      for (const resolve of waiters) resolve();
    }
    this.#notifyIdle();
    return execution;
  }

  #remember(running: Running): void {
    const { execution } = running;
    this.#executions.set(execution.id, running);
    const ids = this.#historyByTask.get(execution.taskId) ?? [];
    ids.push(execution.id);
    while (ids.length > this.#deps.executionHistoryLimit) {
      const dropped = ids.shift() as string;
      this.#executions.delete(dropped);
    }
    this.#historyByTask.set(execution.taskId, ids);
  }

  #notifyIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
