/**
 * Turns triggers into runs: change notifications through the task's buffer
 * period, cron ticks on schedule, manual runs at once; coalesces the changes
 * that arrive while a task runs into one follow-up run (research/cts.md §6).
 */

import type { BufferWindow } from './buffer-period.ts';
import { BufferTimers } from './buffer-timers.ts';
import { ChangeState } from './change-state.ts';
import type { Clock, ClockTimer } from './clock.ts';
import { parseCronExpression } from './cron.ts';
import { EngineError } from './errors.ts';
import type { EngineEvents, SkipReason } from './events.ts';
import type { ExecutionRunner, StartOptions } from './execution-runner.ts';
import type { Execution, ExecutionMode, Task, TriggerInfo, TriggerKind } from './types.ts';

/** The collaborators of a {@link Scheduler}. */
export interface SchedulerDependencies {
  readonly clock: Clock;
  readonly events: EngineEvents;
  readonly runner: ExecutionRunner;
}

/** Options of {@link Scheduler.runNow}. */
export interface RunNowOptions {
  /** The data the run sees; @default the latest data announced for the task */
  readonly data?: unknown;
  /** @default 'apply' */
  readonly mode?: ExecutionMode;
  /** Run a disabled task anyway (CTS's PATCH `enabled:false` with `run=now`). */
  readonly allowDisabled?: boolean;
  readonly timeoutMs?: number;
}

/** Why a trigger may not start a run now, if it may not. */
function skipReason(closed: boolean, deleting: boolean, enabled: boolean): SkipReason | undefined {
  if (closed) return 'closed';
  if (deleting) return 'deleting';
  return enabled ? undefined : 'disabled';
}

function notFound(taskId: string): EngineError {
  return new EngineError('not_found', `task ${taskId} not found`, { details: { id: taskId } });
}

/**
 * The scheduler of an engine that owns its store alone: windows, cron and
 * follow-ups in this process's memory and timers. It keeps its own view of
 * the tasks (from the task events and, at start, from the store), so that a
 * change costs no store read: this is the hot path of every trigger.
 */
export class Scheduler {
  readonly #deps: SchedulerDependencies;
  readonly #tasks = new Map<string, Task>();
  readonly #buffers: BufferTimers<ChangeState>;
  readonly #changes = new Map<string, ChangeState>();
  readonly #cronTimers = new Map<string, ClockTimer[]>();
  #closed = false;

  constructor(deps: SchedulerDependencies) {
    this.#deps = deps;
    this.#buffers = new BufferTimers<ChangeState>(deps.clock, (state) =>
      this.#onBufferFired(state),
    );
    deps.events.on('task:created', (task) => this.adopt(task));
    deps.events.on('task:updated', (task, previous) => this.#onUpdated(task, previous));
    deps.events.on('task:deletion-requested', (task) => this.#forget(task));
    deps.events.on('task:deleted', (task) => {
      this.#tasks.delete(task.id);
      this.#changes.delete(task.id);
    });
    deps.events.on('execution:finished', (execution) => this.#onFinished(execution));
  }

  /**
   * Announces a change of the data `taskId` watches. With a buffer period the
   * run waits for quiet (hcat's semantics); without one it starts at once. A
   * change while the task runs owes it one follow-up run with the latest data.
   * Throws `not_found` for an unknown task.
   */
  notifyChange(taskId: string, data?: unknown): void {
    const state = this.#changes.get(taskId) ?? this.#track(taskId);
    state.data = data;
    state.count++;
    // A task without a change trigger keeps the data for its next run (CTS
    // renders for scheduled tasks but never triggers them on change).
    if (!state.changeTriggered) return;
    const blocked = this.#blockedReason(state);
    if (blocked !== undefined) {
      this.#deps.events.emit('trigger:skipped', taskId, 'change', blocked);
      return;
    }
    if (!state.buffered) {
      this.#requestChangeRun(state);
      return;
    }
    this.#buffers.tick(state);
    // Skipped when nobody listens: this is the hot path of every change.
    if (this.#deps.events.listenerCount('trigger:buffered') > 0) {
      this.#deps.events.emit(
        'trigger:buffered',
        taskId,
        this.#buffers.fireAtEpochMs(state) as number,
      );
    }
  }

  /** Learns a task (created here, or in the store when this engine started) and arms its cron. */
  adopt(task: Task): void {
    this.#tasks.set(task.id, task);
    if (task.deletionRequestedAtMs === undefined) this.#scheduleCron(task);
  }

  /** Whether this scheduler knows the task. */
  has(taskId: string): boolean {
    return this.#tasks.has(taskId);
  }

  /** The task's open buffer window (its fire time and deadline), if one is open. */
  bufferWindow(taskId: string): BufferWindow | undefined {
    const state = this.#changes.get(taskId);
    return state === undefined ? undefined : this.#buffers.windowEpochMs(state);
  }

  /** Cancels the task's open buffer period without running (hcat's `BufferReset`). */
  resetBuffer(taskId: string): void {
    const state = this.#changes.get(taskId);
    if (state !== undefined) this.#buffers.reset(state);
  }

  /**
   * Runs the task now, bypassing its buffer period. Throws `busy` while it
   * runs or is being deleted, `invalid` if it is disabled.
   */
  runNow(taskId: string, options: RunNowOptions = {}): Execution {
    const task = this.#tasks.get(taskId);
    if (task === undefined) throw notFound(taskId);
    if (task.deletionRequestedAtMs !== undefined || this.#closed) {
      throw new EngineError('busy', `task ${taskId} is being deleted`, {
        details: { id: taskId, reason: 'deleting' },
      });
    }
    if (!task.enabled && options.allowDisabled !== true) {
      throw new EngineError('invalid', `task ${taskId} is disabled`, {
        details: { id: taskId, reason: 'disabled' },
      });
    }
    const trigger: TriggerInfo = {
      kind: 'manual',
      data: 'data' in options ? options.data : this.#changes.get(taskId)?.data,
      firedAtMs: this.#deps.clock.now(),
      changeCount: 0,
    };
    const start: StartOptions = {
      trigger,
      mode: options.mode ?? 'apply',
      timeoutMs: options.timeoutMs,
    };
    if (start.mode === 'plan') {
      throw new EngineError('invalid', 'use engine.inspect() for plan-only runs', {
        details: { id: taskId },
      });
    }
    return this.#deps.runner.start(task, start);
  }

  /** Stops every timer; no trigger starts a run afterwards. */
  close(): void {
    this.#closed = true;
    this.#buffers.clear();
    for (const timers of this.#cronTimers.values()) for (const timer of timers) timer.cancel();
    this.#cronTimers.clear();
  }

  #track(taskId: string): ChangeState {
    const task = this.#tasks.get(taskId);
    if (task === undefined) throw notFound(taskId);
    const state = new ChangeState(task);
    this.#changes.set(task.id, state);
    return state;
  }

  #blockedReason(state: ChangeState): SkipReason | undefined {
    return skipReason(this.#closed, state.deleting, state.enabled);
  }

  #onBufferFired(state: ChangeState): void {
    const blocked = this.#blockedReason(state);
    if (blocked !== undefined) {
      this.#deps.events.emit('trigger:skipped', state.taskId, 'change', blocked);
      return;
    }
    this.#requestChangeRun(state);
  }

  #requestChangeRun(state: ChangeState): void {
    if (this.#deps.runner.isActive(state.taskId)) {
      state.followUp = true;
      this.#deps.events.emit('trigger:coalesced', state.taskId, 'change');
      return;
    }
    const task = this.#tasks.get(state.taskId);
    if (task !== undefined) this.#start(task, 'change', state);
  }

  #start(task: Task, kind: TriggerKind, state: ChangeState | undefined): void {
    const trigger: TriggerInfo = {
      kind,
      data: state?.data,
      firedAtMs: this.#deps.clock.now(),
      changeCount: kind === 'change' ? (state?.count ?? 0) : 0,
    };
    if (state !== undefined && kind === 'change') {
      state.count = 0;
      state.followUp = false;
    }
    this.#deps.runner.start(task, { trigger });
  }

  #onFinished(execution: Execution): void {
    if (execution.mode !== 'apply') return;
    const state = this.#changes.get(execution.taskId);
    if (state?.followUp !== true) return;
    if (this.#deps.runner.isActive(state.taskId)) return;
    const blocked = this.#blockedReason(state);
    if (blocked !== undefined) {
      state.followUp = false;
      this.#deps.events.emit('trigger:skipped', state.taskId, 'change', blocked);
      return;
    }
    const task = this.#tasks.get(state.taskId);
    if (task !== undefined) this.#start(task, 'change', state);
  }

  #onUpdated(task: Task, previous: Task): void {
    this.#tasks.set(task.id, task);
    if (task.triggers !== previous.triggers) {
      this.#cancelCron(task.id);
      this.#scheduleCron(task);
    }
    const state = this.#changes.get(task.id);
    if (state === undefined) return;
    state.copySettings(task);
    if (!state.buffered) this.#buffers.reset(state);
  }

  #forget(task: Task): void {
    const taskId = task.id;
    this.#tasks.set(taskId, task);
    this.#cancelCron(taskId);
    const state = this.#changes.get(taskId);
    if (state === undefined) return;
    state.deleting = true;
    state.followUp = false;
    this.#buffers.reset(state);
  }

  #scheduleCron(task: Task): void {
    // One live timer per cron trigger; each tick re-arms its own slot.
    const timers: ClockTimer[] = [];
    for (const trigger of task.triggers) {
      if (trigger.kind !== 'cron') continue;
      const schedule = parseCronExpression(trigger.expression, {
        timezone: trigger.timezone ?? 'UTC',
      });
      const slot = timers.length;
      const arm = (): void => {
        const nextMs = schedule.nextAfter(this.#deps.clock.now());
        if (nextMs === undefined || this.#closed) return;
        timers[slot] = this.#deps.clock.setTimer(() => {
          this.#onCronTick(task.id);
          arm();
        }, nextMs - this.#deps.clock.now());
      };
      arm();
    }
    if (timers.length > 0) this.#cronTimers.set(task.id, timers);
  }

  #cancelCron(taskId: string): void {
    for (const timer of this.#cronTimers.get(taskId) ?? []) timer.cancel();
    this.#cronTimers.delete(taskId);
  }

  #onCronTick(taskId: string): void {
    const task = this.#tasks.get(taskId);
    if (task === undefined) return;
    const blocked = skipReason(
      this.#closed,
      task.deletionRequestedAtMs !== undefined,
      task.enabled,
    );
    if (blocked !== undefined) {
      this.#deps.events.emit('trigger:skipped', taskId, 'cron', blocked);
      return;
    }
    // CTS logs "task '<n>' is active and cannot be run at this time" and skips the tick.
    if (this.#deps.runner.isActive(taskId)) {
      this.#deps.events.emit('trigger:skipped', taskId, 'cron', 'active');
      return;
    }
    this.#start(task, 'cron', this.#changes.get(taskId));
  }
}
