/**
 * A read-only picture of one dialect's world, for the dashboard
 * (`GET /_taskport/snapshot`): its tasks with their health, the newest
 * events, the newest executions with their steps, and the open buffer
 * windows. Bounded: a fake with 100 000 tasks shows the first few hundred.
 *
 * {@link engineSnapshot} builds one from an engine (cts, ona); a dialect
 * without one (tfc) builds its own from its state.
 */

import type { Engine } from '../engine/engine.ts';
import type { Execution, StatusEvent, Task } from '../engine/types.ts';

/** Tasks a snapshot lists; `taskCount` says how many there are. */
export const SNAPSHOT_TASK_LIMIT = 200;
/** Events and executions a snapshot lists, newest first. */
export const SNAPSHOT_HISTORY_LIMIT = 50;

/** A task as the dashboard lists it. */
export interface TaskView {
  readonly id: string;
  readonly name: string;
  /** An organization, an environment; `''` when the dialect has none. */
  readonly scope: string;
  readonly enabled: boolean;
  /** `successful`, `errored`, `critical`, `unknown` (the engine's health), or the dialect's word. */
  readonly health: string;
  /** The task's buffer period, if it has one. */
  readonly bufferPeriod?: { readonly minMs: number; readonly maxMs: number };
  /** What runs it besides a manual request: `change`, `cron <expression>`. */
  readonly triggers: readonly string[];
}

/** A finished run as the task's history records it. */
export interface EventView {
  readonly id: string;
  readonly taskId: string;
  readonly taskName: string;
  readonly success: boolean;
  readonly trigger: string;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly failureMessage?: string;
}

/** One step of an execution. */
export interface StepView {
  readonly name: string;
  readonly phase: string;
  readonly startedAtMs?: number;
  readonly finishedAtMs?: number;
  readonly failureMessage?: string;
}

/** A running or finished execution. */
export interface ExecutionView {
  readonly id: string;
  readonly taskId: string;
  readonly taskName: string;
  /** The engine's phase (`running`, `succeeded`…) or the dialect's status (a run's). */
  readonly phase: string;
  /** Whether it has ended (its phase is final). */
  readonly finished: boolean;
  readonly trigger: string;
  readonly createdAtMs: number;
  readonly startedAtMs?: number;
  readonly finishedAtMs?: number;
  readonly failureMessage?: string;
  readonly steps: readonly StepView[];
}

/** An open buffer window: when it fires unless another change comes, and its deadline. */
export interface WindowView {
  readonly taskId: string;
  readonly taskName: string;
  readonly fireAtMs: number;
  readonly deadlineMs: number;
}

/** One dialect's world, as the dashboard shows it. */
export interface WorldSnapshot {
  readonly taskCount: number;
  /** At most {@link SNAPSHOT_TASK_LIMIT}, in the dialect's listing order. */
  readonly tasks: readonly TaskView[];
  /** Newest first, at most {@link SNAPSHOT_HISTORY_LIMIT}. */
  readonly events: readonly EventView[];
  /** The running ones, then the newest finished, at most {@link SNAPSHOT_HISTORY_LIMIT}. */
  readonly executions: readonly ExecutionView[];
  /** Soonest first. */
  readonly windows: readonly WindowView[];
  /** Scripted outcomes not used yet, by task, when the dialect scripts outcomes. */
  readonly pendingOutcomes?: Readonly<Record<string, readonly unknown[]>>;
}

/** Drops `undefined` fields' keys so the JSON says only what is known. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function triggersOf(task: Task): string[] {
  return task.triggers.map((trigger) =>
    trigger.kind === 'cron' ? `cron ${trigger.expression}` : trigger.kind,
  );
}

/** The running ones first, then the newest; bounded. */
export function newestExecutions(executions: readonly ExecutionView[]): ExecutionView[] {
  return [...executions]
    .sort(
      (a, b) =>
        Number(a.finished) - Number(b.finished) ||
        (b.finishedAtMs ?? b.createdAtMs) - (a.finishedAtMs ?? a.createdAtMs),
    )
    .slice(0, SNAPSHOT_HISTORY_LIMIT);
}

function executionView(execution: Execution, taskId: string, taskName: string): ExecutionView {
  return defined({
    id: execution.id,
    taskId,
    taskName,
    phase: execution.phase,
    finished: execution.finishedAtMs !== undefined,
    trigger: execution.trigger.kind,
    createdAtMs: execution.createdAtMs,
    startedAtMs: execution.startedAtMs,
    finishedAtMs: execution.finishedAtMs,
    failureMessage: execution.failureMessage,
    steps: execution.steps.map((step) =>
      defined({
        name: step.name,
        phase: step.phase,
        startedAtMs: step.startedAtMs,
        finishedAtMs: step.finishedAtMs,
        failureMessage: step.failureMessage,
      }),
    ),
  });
}

function eventView(event: StatusEvent, taskName: string): EventView {
  return defined({
    id: event.id,
    taskId: event.taskId,
    taskName,
    success: event.success,
    trigger: event.trigger,
    startedAtMs: event.startedAtMs,
    finishedAtMs: event.finishedAtMs,
    failureMessage: event.failureMessage,
  });
}

/** Options of {@link engineSnapshot}. */
export interface EngineSnapshotOptions {
  /**
   * Where a task's health and events come from: `events`, the history the
   * engine records (cts); `executions`, its finished executions, for an
   * engine that records none (ona: its health is the latest one's word).
   * @default 'events'
   */
  readonly history?: 'events' | 'executions';
  /**
   * The executions to show, each with the task it runs, when the engine's
   * own do not name the task (ona starts each execution as a task of its
   * own). @default the engine's executions
   */
  readonly executions?: readonly { readonly taskId: string; readonly execution: Execution }[];
}

/** The health of a task by its latest finished execution. */
function healthByExecution(execution: ExecutionView | undefined): string {
  if (execution === undefined) return 'unknown';
  if (execution.phase === 'succeeded') return 'successful';
  if (execution.phase === 'failed') return 'errored';
  return execution.phase;
}

/** Finished executions as the events an engine did not record. */
function eventsOfExecutions(executions: readonly ExecutionView[]): EventView[] {
  return executions
    .filter((execution) => execution.finished)
    .map((execution) =>
      defined({
        id: execution.id,
        taskId: execution.taskId,
        taskName: execution.taskName,
        success: execution.phase === 'succeeded',
        trigger: execution.trigger,
        startedAtMs: execution.startedAtMs ?? execution.createdAtMs,
        finishedAtMs: execution.finishedAtMs ?? execution.createdAtMs,
        failureMessage: execution.failureMessage,
      }),
    );
}

/** The snapshot of an engine's tasks, history, executions and buffer windows. */
export async function engineSnapshot(
  engine: Engine,
  options: EngineSnapshotOptions = {},
): Promise<WorldSnapshot> {
  const byExecutions = options.history === 'executions';
  const all = await engine.listTasks();
  const tasks = all.slice(0, SNAPSHOT_TASK_LIMIT);
  const names = new Map(all.map((task) => [task.id, task.name]));
  const nameOf = (id: string): string => names.get(id) ?? id;
  const runs =
    options.executions ??
    engine.executions().map((execution) => ({ taskId: execution.taskId, execution }));
  const allExecutions = runs.map(({ taskId, execution }) =>
    executionView(execution, taskId, nameOf(taskId)),
  );
  const latestFinished = new Map<string, ExecutionView>();
  for (const execution of allExecutions) {
    const known = latestFinished.get(execution.taskId);
    if (
      execution.finished &&
      (known === undefined || (known.finishedAtMs ?? 0) <= (execution.finishedAtMs ?? 0))
    )
      latestFinished.set(execution.taskId, execution);
  }
  const taskViews: TaskView[] = [];
  const events: EventView[] = [];
  const windows: WindowView[] = [];
  for (const task of tasks) {
    const [status, window] = await Promise.all([
      engine.taskStatus(task.id),
      engine.bufferWindow(task.id),
    ]);
    taskViews.push(
      defined({
        id: task.id,
        name: task.name,
        scope: task.scope,
        enabled: task.enabled,
        health: byExecutions
          ? healthByExecution(latestFinished.get(task.id))
          : (status?.health ?? 'unknown'),
        bufferPeriod: task.bufferPeriod,
        triggers: triggersOf(task),
      }),
    );
    if (!byExecutions)
      for (const event of status?.events ?? []) events.push(eventView(event, task.name));
    if (window !== undefined) {
      windows.push({
        taskId: task.id,
        taskName: task.name,
        fireAtMs: window.fireAtMs,
        deadlineMs: window.deadlineMs,
      });
    }
  }
  return {
    taskCount: all.length,
    tasks: taskViews,
    events: (byExecutions ? eventsOfExecutions(allExecutions) : events)
      .sort((a, b) => b.finishedAtMs - a.finishedAtMs)
      .slice(0, SNAPSHOT_HISTORY_LIMIT),
    executions: newestExecutions(allExecutions),
    windows: windows.sort((a, b) => a.fireAtMs - b.fireAtMs),
  };
}
