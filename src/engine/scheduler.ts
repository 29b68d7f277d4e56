/**
 * Turns triggers into runs: change notifications through the task's buffer
 * period, cron ticks on schedule, manual runs at once; coalesces the changes
 * that arrive while a task runs into one follow-up run (research/cts.md §6).
 */

import { BufferTimers } from './buffer-timers.ts';
import type { Clock, ClockTimer } from './clock.ts';
import { parseCronExpression } from './cron.ts';
import { EngineError } from './errors.ts';
import type { EngineEvents, SkipReason } from './events.ts';
import type { ExecutionRunner, StartOptions } from './execution-runner.ts';
import type { TaskManager } from './task-manager.ts';
import type { Execution, ExecutionMode, Task, TriggerInfo, TriggerKind } from './types.ts';

/** The collaborators of a {@link Scheduler}. */
export interface SchedulerDependencies {
  readonly clock: Clock;
  readonly events: EngineEvents;
  readonly tasks: TaskManager;
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

interface PendingChanges {
  data: unknown;
  /** Changes since the task last started a run. */
  count: number;
  /** A run is owed as soon as the current one finishes. */
  followUp: boolean;
}

/** The engine's scheduler. */
export class Scheduler {
  readonly #deps: SchedulerDependencies;
  readonly #buffers: BufferTimers;
  readonly #changes = new Map<string, PendingChanges>();
  readonly #cronTimers = new Map<string, ClockTimer[]>();
  #closed = false;

  constructor(deps: SchedulerDependencies) {
    this.#deps = deps;
    this.#buffers = new BufferTimers(deps.clock, (taskId) => this.#onBufferFired(taskId));
    deps.events.on('task:created', (task) => this.#scheduleCron(task));
    deps.events.on('task:updated', (task, previous) => this.#onUpdated(task, previous));
    deps.events.on('task:deletion-requested', (task) => this.#forget(task.id));
    deps.events.on('execution:finished', (execution) => this.#onFinished(execution));
  }

  /**
   * Announces a change of the data `taskId` watches. With a buffer period the
   * run waits for quiet (hcat's semantics); without one it starts at once. A
   * change while the task runs owes it one follow-up run with the latest data.
   * Throws `not_found` for an unknown task.
   */
  notifyChange(taskId: string, data?: unknown): void {
    const task = this.#deps.tasks.get(taskId);
    const pending = this.#changes.get(taskId);
    if (pending === undefined) this.#changes.set(taskId, { data, count: 1, followUp: false });
    else {
      pending.data = data;
      pending.count++;
    }
    if (!task.triggers.some((trigger) => trigger.kind === 'change')) return;
    const blocked = this.#blockedReason(task);
    if (blocked !== undefined) {
      this.#deps.events.emit('trigger:skipped', taskId, 'change', blocked);
      return;
    }
    if (task.bufferPeriod === undefined) {
      this.#requestChangeRun(task);
      return;
    }
    const fireAtMs = this.#buffers.tick(taskId, task.bufferPeriod);
    this.#deps.events.emit('trigger:buffered', taskId, fireAtMs);
  }

  /** When the task's open buffer period fires, if one is open. */
  bufferFireAtMs(taskId: string): number | undefined {
    return this.#buffers.fireAtMs(taskId);
  }

  /** Cancels the task's open buffer period without running (hcat's `BufferReset`). */
  resetBuffer(taskId: string): void {
    this.#buffers.reset(taskId);
  }

  /**
   * Runs the task now, bypassing its buffer period. Throws `busy` while it
   * runs or is being deleted, `invalid` if it is disabled.
   */
  runNow(taskId: string, options: RunNowOptions = {}): Execution {
    const task = this.#deps.tasks.get(taskId);
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
    const pending = this.#changes.get(taskId);
    const trigger: TriggerInfo = {
      kind: 'manual',
      data: 'data' in options ? options.data : pending?.data,
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

  #blockedReason(task: Task): SkipReason | undefined {
    if (this.#closed) return 'closed';
    if (task.deletionRequestedAtMs !== undefined) return 'deleting';
    if (!task.enabled) return 'disabled';
    return undefined;
  }

  #onBufferFired(taskId: string): void {
    const task = this.#deps.tasks.find(taskId);
    if (task === undefined) return;
    const blocked = this.#blockedReason(task);
    if (blocked !== undefined) {
      this.#deps.events.emit('trigger:skipped', taskId, 'change', blocked);
      return;
    }
    this.#requestChangeRun(task);
  }

  #requestChangeRun(task: Task): void {
    const pending = this.#changes.get(task.id) as PendingChanges;
    if (this.#deps.runner.isActive(task.id)) {
      pending.followUp = true;
      this.#deps.events.emit('trigger:coalesced', task.id, 'change');
      return;
    }
    this.#start(task, 'change', pending);
  }

  #start(task: Task, kind: TriggerKind, pending: PendingChanges | undefined): void {
    const trigger: TriggerInfo = {
      kind,
      data: pending?.data,
      firedAtMs: this.#deps.clock.now(),
      changeCount: kind === 'change' ? (pending?.count ?? 0) : 0,
    };
    if (pending !== undefined && kind === 'change') {
      pending.count = 0;
      pending.followUp = false;
    }
    this.#deps.runner.start(task, { trigger });
  }

  #onFinished(execution: Execution): void {
    if (execution.mode !== 'apply') return;
    const pending = this.#changes.get(execution.taskId);
    if (pending?.followUp !== true) return;
    const task = this.#deps.tasks.find(execution.taskId);
    if (task === undefined || this.#deps.runner.isActive(task.id)) return;
    const blocked = this.#blockedReason(task);
    if (blocked !== undefined) {
      pending.followUp = false;
      this.#deps.events.emit('trigger:skipped', task.id, 'change', blocked);
      return;
    }
    this.#start(task, 'change', pending);
  }

  #onUpdated(task: Task, previous: Task): void {
    if (task.triggers !== previous.triggers) {
      this.#cancelCron(task.id);
      this.#scheduleCron(task);
    }
    if (task.bufferPeriod === undefined) this.#buffers.reset(task.id);
  }

  #forget(taskId: string): void {
    this.#cancelCron(taskId);
    this.#buffers.reset(taskId);
    const pending = this.#changes.get(taskId);
    if (pending !== undefined) pending.followUp = false;
    this.#deps.events.once('task:deleted', (task) => {
      if (task.id === taskId) this.#changes.delete(taskId);
    });
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
    const task = this.#deps.tasks.find(taskId);
    if (task === undefined) return;
    const blocked = this.#blockedReason(task);
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
