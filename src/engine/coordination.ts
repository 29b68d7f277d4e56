/**
 * The port through which engines in several processes agree on what runs:
 * buffer windows, run leases and cron ticks kept in a shared database.
 *
 * An engine with no coordination (the default) keeps all of this in its own
 * memory and timers (the `Scheduler`). An engine given a `Coordination`
 * (`taskport/postgres`) asks it instead, so that with N processes on one
 * database a change announced on any of them joins the same window, the
 * window fires once, a cron tick fires once, and a task runs at most once at
 * a time: a run holds a lease, renews it while it runs, and a run whose lease
 * ran out is recovered by another process.
 *
 * Times in this port are epoch ms of the coordination's own clock (the
 * database's `now()` unless it was given another): every process must read
 * the same clock for windows and leases to agree.
 */

import type { BufferPeriod, Task, TriggerKind } from './types.ts';

/** The state of a task's open buffer window (research/cts.md §4.3, hcat's rule). */
export interface WindowState {
  readonly taskId: string;
  /** When the window fires: `minMs` after the latest change, never after the deadline. */
  readonly fireAtMs: number;
  /** `maxMs` after the window's first change. */
  readonly deadlineMs: number;
  /** How many changes the window stands for. */
  readonly changeCount: number;
  /** The latest change's data. */
  readonly data: unknown;
}

/** A run lease: while it is valid no other engine starts a run of the task. */
export interface Lease {
  readonly taskId: string;
  /** Names the run; a renewal or release with a stale token does nothing (fencing). */
  readonly token: string;
  /** Who holds it: one engine's `ownerId`. */
  readonly owner: string;
  readonly expiresAtMs: number;
}

/** What a lease records about its run, so that another engine can recover it. */
export interface LeasedRun {
  readonly executionId: string;
  readonly trigger: TriggerKind;
  readonly data: unknown;
  readonly changeCount: number;
  /** When the run (its first attempt) started. */
  readonly startedAtMs: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/** A run an engine claimed: the lease it now holds and why it runs. */
export interface ClaimedRun {
  readonly lease: Lease;
  readonly run: LeasedRun;
  /**
   * The task as the store held it when the claim was made, for a
   * coordination that reads the engine's store in the same step (null: the
   * task is not stored). Absent when it does not: the engine reads the task.
   */
  readonly task?: Task | null;
}

/** When the next thing may become due, and the coordination clock's time, read together. */
export interface NextDue {
  readonly dueAtMs: number | undefined;
  readonly nowMs: number;
}

/** A lease that ran out while its holder was running it: the holder died or stalled. */
export interface ExpiredRun {
  /** The lease as it was; it has been removed, and a new claim may start the task. */
  readonly lease: Lease;
  readonly run: LeasedRun;
}

/** A cron slot of a task: one per cron trigger, in trigger order. */
export interface CronSlot {
  readonly taskId: string;
  readonly slot: number;
  readonly expression: string;
  readonly timezone: string;
  /** The next tick; undefined when the expression has none. */
  readonly nextAtMs: number | undefined;
}

/** A cron tick that this engine claimed: no other engine will fire it. */
export interface ClaimedTick {
  readonly taskId: string;
  readonly slot: number;
  readonly tickAtMs: number;
}

/** Computes a cron expression's next tick strictly after `afterMs` (the engine's parser). */
export type NextCronTick = (
  expression: string,
  timezone: string,
  afterMs: number,
) => number | undefined;

/** The shared decisions of engines on one database. */
export interface Coordination {
  /** The coordination clock, in epoch ms. */
  now(): Promise<number>;

  /**
   * Records a change of `taskId`'s data. With a buffer period, opens the
   * window (fire at now + min, deadline now + max) or moves its fire time
   * to min(now + min, deadline); without one, the window is due at once.
   * Atomic: concurrent changes from any engine join one window. Wakes the
   * other engines (as {@link wake}) when the window opens or its fire time
   * moves earlier; a later change only moves it later, so their timers stand.
   */
  recordChange(
    taskId: string,
    data: unknown,
    bufferPeriod: BufferPeriod | undefined,
  ): Promise<WindowState>;
  /** The task's open window, if any. */
  window(taskId: string): Promise<WindowState | undefined>;
  /** Drops the task's open window without running (hcat's `BufferReset`). */
  dropWindow(taskId: string): Promise<void>;

  /**
   * Takes up to `limit` due windows (fire time reached) of tasks with no
   * valid lease, in one step each: the window is removed and a lease for
   * `leaseMs` granted to `owner`, recording a run with the window's data.
   * A window whose task holds a valid lease waits: it is the one follow-up
   * run that all changes during a run coalesce into.
   */
  claimDueWindows(owner: string, leaseMs: number, limit: number): Promise<ClaimedRun[]>;
  /**
   * Grants a lease for a run started by hand or by cron. Undefined when the
   * task holds a valid lease (it is running somewhere).
   */
  acquireLease(
    taskId: string,
    owner: string,
    leaseMs: number,
    run: LeasedRun,
  ): Promise<Lease | undefined>;
  /** Extends a held lease; undefined when it expired and was taken, or was released. */
  renewLease(lease: Lease, leaseMs: number): Promise<Lease | undefined>;
  /**
   * Ends a held lease. A stale token does nothing. When a window of the task
   * waits (changes made during the run), the other engines are woken, as
   * by {@link wake}: that window is now due.
   */
  releaseLease(lease: Lease): Promise<void>;
  /** Whether the task holds a valid lease now. */
  isLeased(taskId: string): Promise<boolean>;
  /**
   * Takes up to `limit` leases that expired: each is removed in one step and
   * returned once, to exactly one caller, which records the run as failed or
   * retries it.
   */
  claimExpiredLeases(limit: number): Promise<ExpiredRun[]>;

  /** Replaces the task's cron slots (empty removes them), each armed at its next tick after now. */
  setCronSlots(
    taskId: string,
    slots: readonly Omit<CronSlot, 'taskId' | 'slot' | 'nextAtMs'>[],
    next: NextCronTick,
  ): Promise<CronSlot[]>;
  /**
   * Takes up to `limit` cron slots whose tick is due and moves each to its
   * next tick after now, in one step: a tick is returned to exactly one
   * caller. A tick more than `graceMs` late is not returned (it was missed
   * during an outage: skipped, as CTS's scheduler skips ticks it was not
   * running for); its slot moves on all the same.
   */
  claimCronTicks(limit: number, graceMs: number, next: NextCronTick): Promise<ClaimedTick[]>;

  /**
   * The earliest time something may become due (a window, a tick, a lease
   * expiry), with the coordination clock's time now.
   */
  nextDue(): Promise<NextDue>;
  /**
   * Calls `onWake` when another engine changed something that may be due
   * sooner (LISTEN/NOTIFY). Engines poll as well: a lost notification only
   * delays work by one poll interval.
   */
  subscribe(onWake: () => void): Promise<() => Promise<void>>;
  /** Tells the other engines to look again. */
  wake(): Promise<void>;
  /** Forgets everything of a deleted task: window, cron slots (a held lease stays until released). */
  forgetTask(taskId: string): Promise<void>;
  close(): Promise<void>;
}
