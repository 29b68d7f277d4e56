/**
 * What the dashboard shows of the `tfc` world. It has no engine: its
 * executions are runs, their steps the task results of each stage, and a
 * run task's health is the word of its latest result.
 */

import {
  type EventView,
  type ExecutionView,
  newestExecutions,
  SNAPSHOT_HISTORY_LIMIT,
  SNAPSHOT_TASK_LIMIT,
  type StepView,
  type WorldSnapshot,
} from '../world-snapshot.ts';
import type { RunView, TaskResultView, TfcControl } from './control.ts';
import { FINAL_RUN_STATUSES } from './run-simulation.ts';

/** Result statuses after which a result no longer changes. */
const FINAL_RESULTS = new Set(['passed', 'failed', 'errored', 'canceled', 'unreachable']);

/** A result's health word: the engine's for passed and failed, else its own status. */
function healthOf(result: TaskResultView | undefined): string {
  if (result === undefined) return 'unknown';
  if (result.status === 'passed') return 'successful';
  if (result.status === 'failed') return 'errored';
  return result.status;
}

function stepsOf(run: RunView): StepView[] {
  return run.stages.flatMap((stage) =>
    stage.results.map((result) => ({
      name: `${stage.stage}: ${result.taskName}`,
      phase: result.status,
      ...(result.statusTimestamps.running === undefined
        ? {}
        : { startedAtMs: result.statusTimestamps.running }),
      ...(result.message === null ? {} : { failureMessage: result.message }),
    })),
  );
}

function executionOf(run: RunView): ExecutionView {
  const finished = FINAL_RUN_STATUSES.has(run.status);
  return {
    id: run.id,
    taskId: run.workspaceId,
    taskName: `${run.organization}/${run.workspaceId}`,
    phase: run.status,
    finished,
    trigger: run.createdBy === '' ? 'run' : run.createdBy,
    createdAtMs: run.createdAtMs,
    ...(finished
      ? { finishedAtMs: Math.max(run.createdAtMs, ...Object.values(run.statusTimestamps)) }
      : {}),
    steps: stepsOf(run),
  };
}

/** The snapshot of a `tfc` world. */
export function tfcSnapshot(control: TfcControl): WorldSnapshot {
  const runs = control.runs();
  const results = runs.flatMap((run) => run.stages.flatMap((stage) => stage.results));
  const latest = new Map<string, TaskResultView>();
  for (const result of results) latest.set(result.taskId, result);
  const events: EventView[] = results
    .filter((result) => FINAL_RESULTS.has(result.status))
    .map((result) => ({
      id: result.id,
      taskId: result.taskId,
      taskName: result.taskName,
      success: result.status === 'passed',
      trigger: result.stage,
      startedAtMs: result.statusTimestamps.running ?? result.createdAtMs,
      finishedAtMs: result.updatedAtMs,
      ...(result.message === null ? {} : { failureMessage: result.message }),
    }));
  const tasks = control.tasks();
  return {
    taskCount: tasks.length,
    tasks: tasks.slice(0, SNAPSHOT_TASK_LIMIT).map((task) => ({
      id: task.id,
      name: task.name,
      scope: task.organization,
      enabled: task.enabled,
      health: healthOf(latest.get(task.id)),
      triggers: [],
    })),
    events: events.sort((a, b) => b.finishedAtMs - a.finishedAtMs).slice(0, SNAPSHOT_HISTORY_LIMIT),
    executions: newestExecutions(runs.map(executionOf)),
    windows: [],
  };
}
