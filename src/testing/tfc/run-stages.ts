/**
 * What a new run will ask of run tasks: one task stage per stage that has
 * enabled tasks (the workspace's associations, then the organization's
 * global tasks), each with one pending result per task (research §5.2).
 */

import { newId } from '../../api/tfc/ids.ts';
import type { TfcState } from '../../api/tfc/state.ts';
import type {
  EnforcementLevel,
  RunRecord,
  TaskResultRecord,
  TaskStageName,
  TaskStageRecord,
} from '../../api/tfc/types.ts';

/** The tasks a run's stage calls, with the enforcement level each has there. */
function applicableTasks(state: TfcState, run: RunRecord, stage: TaskStageName) {
  const tasks: {
    taskId: string;
    workspaceTaskId: string | null;
    level: EnforcementLevel;
  }[] = [];
  for (const item of state.workspaceTasksOf(run.workspaceId)) {
    const task = state.tasks.get(item.taskId);
    // Disabled tasks do not run and get no result (research §5.2).
    if (task?.enabled !== true || !item.stages.includes(stage)) continue;
    tasks.push({ taskId: task.id, workspaceTaskId: item.id, level: item.enforcementLevel });
  }
  const organization = state.organizations.get(run.organization);
  if (organization?.entitlements.globalRunTasks === true) {
    for (const task of state.tasks.values()) {
      if (
        task.organization !== run.organization ||
        !task.enabled ||
        !task.global.enabled ||
        !task.global.stages.includes(stage) ||
        tasks.some((entry) => entry.taskId === task.id)
      ) {
        continue;
      }
      tasks.push({
        taskId: task.id,
        workspaceTaskId: null,
        level: task.global.enforcementLevel ?? 'advisory',
      });
    }
  }
  return tasks;
}

/** Stores the run's `stage` and its results, if any task applies; none is stored otherwise. */
export function createStage(
  state: TfcState,
  run: RunRecord,
  stage: TaskStageName,
  now: number,
): void {
  const tasks = applicableTasks(state, run, stage);
  if (tasks.length === 0) return;
  const record: TaskStageRecord = {
    id: newId('ts-'),
    runId: run.id,
    stage,
    status: 'pending',
    statusTimestamps: {},
    createdAtMs: now,
    updatedAtMs: now,
    resultIds: [],
  };
  for (const entry of tasks) {
    const task = state.tasks.get(entry.taskId);
    if (task === undefined) continue;
    const result: TaskResultRecord = {
      id: newId('taskrs-'),
      stageId: record.id,
      runId: run.id,
      taskId: task.id,
      taskName: task.name,
      taskUrl: task.url,
      hmacKey: task.hmacKey,
      agentPoolId: task.agentPoolId,
      workspaceTaskId: entry.workspaceTaskId,
      enforcementLevel: entry.level,
      stage,
      isSpeculative: run.isSpeculative,
      status: 'pending',
      message: null,
      url: null,
      statusTimestamps: {},
      createdAtMs: now,
      updatedAtMs: now,
      callbackGuid: crypto.randomUUID(),
      accessToken: null,
      tokenExpiresAtMs: 0,
      outcomes: [],
    };
    state.results.set(result.id, result);
    state.resultsByCallback.set(result.callbackGuid, result);
    record.resultIds.push(result.id);
  }
  state.stages.set(record.id, record);
  run.stageIds.push(record.id);
  state.touch('runs', run);
}
