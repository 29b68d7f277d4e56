/**
 * The scheduler of an engine that shares its store with other engines, in
 * this process or others, through a {@link Coordination}: windows, leases
 * and cron slots live in the shared database, and this engine runs what it
 * claims there.
 *
 * One pump does the work: it recovers expired leases, claims due windows
 * and cron ticks, starts their runs, and arms one local timer for the next
 * due time (capped by the poll interval, so a lost notification costs at
 * most one interval). Another engine's `wake()` pumps at once.
 */

import type { BufferWindow } from './buffer-period.ts';
import type { Clock, ClockTimer } from './clock.ts';
import type { ClaimedRun, Coordination, ExpiredRun, Lease, NextCronTick } from './coordination.ts';
import { parseCronExpression } from './cron.ts';
import { EngineError } from './errors.ts';
import type { EngineEvents } from './events.ts';
import type { ExecutionRunner } from './execution-runner.ts';
import { type RetryPolicy, retryApplies } from './retry.ts';
import type { RunNowOptions } from './scheduler.ts';
import type { StatusTracker } from './status-tracker.ts';
import type { Store } from './store.ts';
import type { Execution, Task, TriggerInfo } from './types.ts';

/** The settings of a {@link SharedScheduler}, resolved. */
export interface SharedSchedulerSettings {
  /** Names this engine in leases. */
  readonly ownerId: string;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  readonly cronGraceMs: number;
  /** Windows, ticks or expired leases taken per claim. */
  readonly claimBatch: number;
}

/** The collaborators of a {@link SharedScheduler}. */
export interface SharedSchedulerDependencies {
  readonly clock: Clock;
  readonly events: EngineEvents;
  readonly store: Store;
  readonly coordination: Coordination;
  readonly runner: ExecutionRunner;
  readonly status: StatusTracker;
  readonly retry: RetryPolicy | undefined;
  readonly createId: () => string;
  readonly settings: SharedSchedulerSettings;
}

/** The message of the event recorded for a run whose holder stopped renewing its lease. */
export function leaseExpiredMessage(owner: string): string {
  return `the run's lease expired: engine ${owner} stopped renewing it (it died or stalled)`;
}

/** Cron's next tick, through the engine's parser (hashicorp/cronexpr syntax). */
const nextCronTick: NextCronTick = (expression, timezone, afterMs) =>
  parseCronExpression(expression, { timezone }).nextAfter(afterMs);

interface HeldRun {
  lease: Lease;
  lost: boolean;
  heartbeat: ClockTimer | undefined;
}

function busy(taskId: string): EngineError {
  return new EngineError('busy', `task ${taskId} is active and cannot be run at this time`, {
    details: { id: taskId, reason: 'active' },
  });
}

/** @internal The engine's scheduler over a shared database. */
export class SharedScheduler {
  readonly #deps: SharedSchedulerDependencies;
  /** Leases this engine holds, by execution id. */
  readonly #held = new Map<string, HeldRun>();
  #timer: ClockTimer | undefined;
  #pumping: Promise<void> | undefined;
  #pumpAgain = false;
  #unsubscribe: (() => Promise<void>) | undefined;
  #closed = false;

  constructor(deps: SharedSchedulerDependencies) {
    this.#deps = deps;
    deps.events.on('task:created', (task) => this.#background(this.#armCron(task)));
    deps.events.on('task:updated', (task, previous) => {
      if (task.triggers !== previous.triggers) this.#background(this.#armCron(task));
    });
    deps.events.on('task:deletion-requested', (task) =>
      this.#background(deps.coordination.forgetTask(task.id)),
    );
  }

  /** Subscribes to wake-ups and runs the first pump. */
  async start(): Promise<void> {
    this.#unsubscribe = await this.#deps.coordination.subscribe(() => this.pump());
    this.pump();
  }

  /** Records a change in the task's shared window; rejects with `not_found`. */
  async notifyChange(taskId: string, data: unknown): Promise<void> {
    const task = await this.#deps.store.getTask(taskId);
    if (task === undefined) {
      throw new EngineError('not_found', `task ${taskId} not found`, { details: { id: taskId } });
    }
    // Unlike the local scheduler, no data is kept for a task without a change
    // trigger: its next cron run reads no announced data.
    if (!task.triggers.some((trigger) => trigger.kind === 'change')) return;
    if (task.deletionRequestedAtMs !== undefined || !task.enabled || this.#closed) {
      const reason = this.#closed ? 'closed' : task.enabled ? 'deleting' : 'disabled';
      this.#deps.events.emit('trigger:skipped', taskId, 'change', reason);
      return;
    }
    const window = await this.#deps.coordination.recordChange(taskId, data, task.bufferPeriod);
    if (this.#deps.events.listenerCount('trigger:buffered') > 0) {
      this.#deps.events.emit('trigger:buffered', taskId, window.fireAtMs);
    }
  }

  /** Runs the task now under a lease; rejects with `busy` while it runs anywhere. */
  async runNow(taskId: string, options: RunNowOptions = {}): Promise<Execution> {
    const task = await this.#deps.store.getTask(taskId);
    if (task === undefined) {
      throw new EngineError('not_found', `task ${taskId} not found`, { details: { id: taskId } });
    }
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
    const data =
      'data' in options ? options.data : (await this.#deps.coordination.window(taskId))?.data;
    const startedAtMs = await this.#deps.coordination.now();
    const executionId = this.#deps.createId();
    const run = {
      executionId,
      trigger: 'manual' as const,
      data,
      changeCount: 0,
      startedAtMs,
      attempt: 1,
    };
    const lease = await this.#deps.coordination.acquireLease(
      taskId,
      this.#deps.settings.ownerId,
      this.#deps.settings.leaseMs,
      run,
    );
    if (lease === undefined) throw busy(taskId);
    return this.#start(
      task,
      lease,
      {
        kind: 'manual',
        data,
        firedAtMs: this.#deps.clock.now(),
        changeCount: 0,
      },
      executionId,
      options.timeoutMs,
    );
  }

  /** The task's shared window (its fire time and deadline), if one is open. */
  async bufferWindow(taskId: string): Promise<BufferWindow | undefined> {
    const window = await this.#deps.coordination.window(taskId);
    return window === undefined
      ? undefined
      : { fireAtMs: window.fireAtMs, deadlineMs: window.deadlineMs };
  }

  resetBuffer(taskId: string): Promise<void> {
    return this.#deps.coordination.dropWindow(taskId);
  }

  /** Whether the task runs anywhere (holds a valid lease). */
  isActive(taskId: string): Promise<boolean> {
    return this.#deps.coordination.isLeased(taskId);
  }

  /** Resolves once no engine runs the task: this one's run, then anyone's lease. */
  async whenInactive(taskId: string): Promise<void> {
    await this.#deps.runner.whenInactive(taskId);
    while (!this.#closed && (await this.#deps.coordination.isLeased(taskId))) {
      await new Promise<void>((resolve) => {
        this.#deps.clock.setTimer(resolve, this.#deps.settings.pollIntervalMs);
      });
    }
  }

  /**
   * The runner's last word on an `apply` run: its event, unless its lease was
   * lost (the engine that took the lease over recorded the run as failed),
   * then the lease is released (which wakes the engines if a window of the
   * task waits for it).
   */
  async onFinal(execution: Execution, task: Task): Promise<void> {
    const held = this.#held.get(execution.id);
    if (held === undefined) {
      await this.#deps.status.recordExecution(execution, task);
      return;
    }
    this.#held.delete(execution.id);
    held.heartbeat?.cancel();
    if (held.lost) return;
    await this.#deps.status.recordExecution(execution, task);
    await this.#deps.coordination.releaseLease(held.lease);
  }

  /** Claims and starts what is due; one pump at a time, re-run if asked meanwhile. */
  pump(): void {
    if (this.#closed) return;
    if (this.#pumping !== undefined) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = (async () => {
      do {
        this.#pumpAgain = false;
        try {
          await this.#pumpOnce();
        } catch (error) {
          this.#deps.events.emit('engine:error', error);
          // Poll again all the same: without a timer only a notification would wake us.
          this.#timer?.cancel();
          if (!this.#closed) {
            this.#timer = this.#deps.clock.setTimer(
              () => this.pump(),
              this.#deps.settings.pollIntervalMs,
            );
          }
        }
      } while (this.#pumpAgain && !this.#closed);
    })().finally(() => {
      this.#pumping = undefined;
    });
  }

  /** Stops pumping and heartbeats; runs still held are left to the runner's close. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#timer?.cancel();
    await this.#pumping;
    await this.#unsubscribe?.();
  }

  /** Cancels the heartbeats after the runner has closed (their runs are final). */
  dispose(): void {
    for (const held of this.#held.values()) held.heartbeat?.cancel();
  }

  async #pumpOnce(): Promise<void> {
    const { coordination, settings } = this.#deps;
    for (const expired of await coordination.claimExpiredLeases(settings.claimBatch)) {
      await this.#recover(expired);
    }
    const claims = await coordination.claimDueWindows(
      settings.ownerId,
      settings.leaseMs,
      settings.claimBatch,
    );
    for (const claimed of claims) {
      // One claim that fails must not drop the others of the batch.
      await this.#startClaimed(claimed).catch((error: unknown) =>
        this.#deps.events.emit('engine:error', error),
      );
    }
    for (const tick of await coordination.claimCronTicks(
      settings.claimBatch,
      settings.cronGraceMs,
      nextCronTick,
    )) {
      await this.#startTick(tick.taskId);
    }
    // A full batch: more windows are likely due. Claim again at once rather
    // than read when the next one is due.
    if (claims.length >= settings.claimBatch && settings.claimBatch > 0) {
      this.#pumpAgain = true;
      return;
    }
    await this.#armTimer();
  }

  async #armTimer(): Promise<void> {
    if (this.#closed) return;
    const { coordination, settings } = this.#deps;
    const { dueAtMs, nowMs } = await coordination.nextDue();
    const delayMs =
      dueAtMs === undefined
        ? settings.pollIntervalMs
        : Math.min(Math.max(dueAtMs - nowMs, 0), settings.pollIntervalMs);
    this.#timer?.cancel();
    this.#timer = this.#deps.clock.setTimer(() => this.pump(), delayMs);
  }

  async #startClaimed(claimed: ClaimedRun): Promise<void> {
    const task = await this.#runnableTask(claimed.lease, claimed.task);
    if (task === undefined) return;
    const { run } = claimed;
    if (this.#deps.runner.isActive(task.id)) {
      // This engine still runs a lease-lost run of the task (it is being
      // stopped): hand the claim back as a window due now, so no change is lost.
      await this.#deps.coordination.releaseLease(claimed.lease);
      await this.#deps.coordination.recordChange(task.id, run.data, undefined);
      return;
    }
    this.#start(
      task,
      claimed.lease,
      {
        kind: run.trigger,
        data: run.data,
        firedAtMs: this.#deps.clock.now(),
        changeCount: run.changeCount,
      },
      run.executionId,
      undefined,
    );
  }

  async #startTick(taskId: string): Promise<void> {
    const task = await this.#deps.store.getTask(taskId);
    if (task === undefined) return;
    if (task.deletionRequestedAtMs !== undefined || !task.enabled) {
      this.#deps.events.emit(
        'trigger:skipped',
        taskId,
        'cron',
        task.enabled ? 'deleting' : 'disabled',
      );
      return;
    }
    const executionId = this.#deps.createId();
    const lease = await this.#deps.coordination.acquireLease(
      taskId,
      this.#deps.settings.ownerId,
      this.#deps.settings.leaseMs,
      {
        executionId,
        trigger: 'cron',
        data: undefined,
        changeCount: 0,
        startedAtMs: await this.#deps.coordination.now(),
        attempt: 1,
      },
    );
    // CTS skips a tick that finds the task running.
    if (lease === undefined) {
      this.#deps.events.emit('trigger:skipped', taskId, 'cron', 'active');
      return;
    }
    this.#start(
      task,
      lease,
      { kind: 'cron', firedAtMs: this.#deps.clock.now(), changeCount: 0 },
      executionId,
      undefined,
    );
  }

  /**
   * The claimed task if it may still run; otherwise the lease goes back at
   * once. Read from the store unless the claim brought it.
   */
  async #runnableTask(
    lease: Lease,
    claimedTask: Task | null | undefined,
  ): Promise<Task | undefined> {
    const task =
      claimedTask === undefined
        ? await this.#deps.store.getTask(lease.taskId)
        : (claimedTask ?? undefined);
    if (task?.enabled && task.deletionRequestedAtMs === undefined) return task;
    await this.#deps.coordination.releaseLease(lease);
    if (task !== undefined) {
      const reason = task.enabled ? 'deleting' : 'disabled';
      this.#deps.events.emit('trigger:skipped', task.id, 'change', reason);
    }
    return undefined;
  }

  #start(
    task: Task,
    lease: Lease,
    trigger: TriggerInfo,
    executionId: string,
    timeoutMs: number | undefined,
  ): Execution {
    const held: HeldRun = { lease, lost: false, heartbeat: undefined };
    this.#held.set(executionId, held);
    try {
      const execution = this.#deps.runner.start(task, { trigger, id: executionId, timeoutMs });
      this.#renewLater(execution.id, held);
      return execution;
    } catch (error) {
      this.#held.delete(executionId);
      this.#background(this.#deps.coordination.releaseLease(lease));
      throw error;
    }
  }

  /** Renews the lease every third of its length; a failed renewal stops the run. */
  #renewLater(executionId: string, held: HeldRun): void {
    held.heartbeat = this.#deps.clock.setTimer(() => {
      this.#background(
        (async () => {
          if (!this.#held.has(executionId)) return;
          let renewed: Lease | undefined;
          try {
            renewed = await this.#deps.coordination.renewLease(
              held.lease,
              this.#deps.settings.leaseMs,
            );
          } catch (error) {
            this.#deps.events.emit('engine:error', error);
            // Try again at the next beat while the lease may still be valid;
            // past its expiry another engine may hold the task: stop the run.
            const nowMs = await this.#deps.coordination.now().catch(() => Number.POSITIVE_INFINITY);
            if (nowMs < held.lease.expiresAtMs) {
              this.#renewLater(executionId, held);
              return;
            }
            renewed = undefined;
          }
          if (renewed === undefined) {
            // Another engine took the lease over: this run's result no longer counts.
            held.lost = true;
            this.#deps.runner.stop(executionId, 'lease lost');
            return;
          }
          held.lease = renewed;
          this.#renewLater(executionId, held);
        })(),
      );
    }, this.#deps.settings.leaseMs / 3);
  }

  /** A run whose holder died or stalled: recorded as failed, or retried under the policy. */
  async #recover(expired: ExpiredRun): Promise<void> {
    const { run, lease } = expired;
    const task = await this.#deps.store.getTask(lease.taskId);
    if (task === undefined) return;
    const failureMessage = leaseExpiredMessage(lease.owner);
    const retry = this.#deps.retry;
    if (
      retryApplies(retry, run.trigger) &&
      run.attempt < retry.attempts &&
      task.enabled &&
      task.deletionRequestedAtMs === undefined
    ) {
      const retried = await this.#deps.coordination.acquireLease(
        task.id,
        this.#deps.settings.ownerId,
        this.#deps.settings.leaseMs,
        { ...run, attempt: run.attempt + 1 },
      );
      if (retried !== undefined) {
        this.#start(
          task,
          retried,
          {
            kind: run.trigger,
            data: run.data,
            firedAtMs: this.#deps.clock.now(),
            changeCount: run.changeCount,
          },
          this.#deps.createId(),
          undefined,
        );
        return;
      }
    }
    const finishedAtMs = this.#deps.clock.now();
    // The run as it ended for everyone else: failed, at its last known attempt,
    // so the dialect's event policy words and keeps its event as for any failure.
    const lostRun: Execution = {
      id: run.executionId,
      taskId: task.id,
      mode: 'apply',
      trigger: {
        kind: run.trigger,
        data: run.data,
        firedAtMs: run.startedAtMs,
        changeCount: run.changeCount,
      },
      phase: 'failed',
      desiredPhase: undefined,
      createdAtMs: run.startedAtMs,
      startedAtMs: run.startedAtMs,
      finishedAtMs,
      failureMessage,
      steps: [],
      attempts: [
        { attempt: run.attempt, startedAtMs: run.startedAtMs, finishedAtMs, failureMessage },
      ],
      output: undefined,
      statusVersion: 0,
    };
    await this.#deps.status.recordExecution(lostRun, task);
  }

  async #armCron(task: Task): Promise<void> {
    const slots = task.triggers.flatMap((trigger) =>
      trigger.kind === 'cron'
        ? [{ expression: trigger.expression, timezone: trigger.timezone ?? 'UTC' }]
        : [],
    );
    await this.#deps.coordination.setCronSlots(task.id, slots, nextCronTick);
    await this.#deps.coordination.wake();
  }

  #background(work: Promise<unknown>): void {
    work.catch((error: unknown) => this.#deps.events.emit('engine:error', error));
  }
}
