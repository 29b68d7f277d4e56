/**
 * StartTask, ListTaskExecutions, GetTaskExecution and StopTaskExecution on
 * the engine's execution verbs, and the wire form of an execution. Each Ona
 * execution runs as its own engine task (its id is the execution's), so
 * several executions of one Ona task may run at once, as StartTask allows.
 */

import type { Execution, Phase, Task } from '../../engine/types.ts';
import type { OnaContext } from './context.ts';
import { OnaError } from './errors.ts';
import { executionFinishedMessage, executionNotFoundMessage } from './messages.ts';
import type { OnaRunSpec } from './ona-engine.ts';
import { type PageQuery, pageOf, pageRequestOf } from './pagination.ts';
import { buildPlan } from './plan.ts';
import { formatTimestamp } from './proto-json.ts';
import { type ExecutionRecord, onaRecords, storeExecution } from './state.ts';
import { findDependency, getOnaTask } from './tasks.ts';
import type {
  ExecutionStepStatus,
  OnaSubject,
  OnaTaskExecution,
  TaskExecutionPhase,
  TriggerName,
} from './types.ts';

/** `ListTaskExecutionsRequest`, decoded. */
export interface ListTaskExecutionsInput {
  readonly pagination?: { readonly pageSize?: number; readonly token?: string };
  readonly filter?: {
    readonly taskIds?: readonly string[];
    readonly taskReferences?: readonly string[];
    readonly environmentIds?: readonly string[];
    readonly phases?: readonly (TaskExecutionPhase | number)[];
  };
}

const PHASES: Readonly<Record<Phase, TaskExecutionPhase>> = {
  pending: 'TASK_EXECUTION_PHASE_PENDING',
  running: 'TASK_EXECUTION_PHASE_RUNNING',
  succeeded: 'TASK_EXECUTION_PHASE_SUCCEEDED',
  failed: 'TASK_EXECUTION_PHASE_FAILED',
  stopped: 'TASK_EXECUTION_PHASE_STOPPED',
  skipped: 'TASK_EXECUTION_PHASE_UNSPECIFIED',
};

function phaseOf(record: ExecutionRecord): TaskExecutionPhase {
  return record.run === undefined ? 'TASK_EXECUTION_PHASE_PENDING' : PHASES[record.run.phase];
}

function outputOf(output: unknown): Record<string, string> | undefined {
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return undefined;
  // An empty value unsets the key (TaskExecutionStatus.Step.output doc).
  const entries = Object.entries(output).filter(
    (entry): entry is [string, string] =>
      typeof entry[1] === 'string' && entry[1] !== '' && entry[0] !== '',
  );
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

function stepStatuses(run: Execution): ExecutionStepStatus[] {
  // "If a step is missing it has not yet started."
  return run.steps
    .filter((step) => step.phase !== 'pending' && step.phase !== 'skipped')
    .map((step) => ({
      id: step.id,
      phase: PHASES[step.phase],
      ...(step.phase === 'failed' && step.failureMessage !== undefined
        ? { failureMessage: step.failureMessage }
        : {}),
      ...(outputOf(step.output) === undefined ? {} : { output: outputOf(step.output) }),
    }));
}

/** @internal The wire form of an execution record. */
export function executionView(context: OnaContext, record: ExecutionRecord): OnaTaskExecution {
  const { run } = record;
  const steps = run === undefined ? [] : stepStatuses(run);
  const stepFailed = steps.some((step) => step.phase === 'TASK_EXECUTION_PHASE_FAILED');
  const stopped = record.stopRequested || run?.desiredPhase === 'stopped';
  const anyStarted = run?.steps.some((step) => step.startedAtMs !== undefined) ?? false;
  return {
    id: record.id,
    metadata: {
      taskId: record.taskId,
      environmentId: record.environmentId,
      createdAt: formatTimestamp(record.createdAtMs),
      creator: record.creator,
      startedBy: record.startedBy,
      ...(run?.startedAtMs === undefined ? {} : { startedAt: formatTimestamp(run.startedAtMs) }),
      ...(run?.finishedAtMs === undefined
        ? {}
        : { completedAt: formatTimestamp(run.finishedAtMs) }),
    },
    spec: {
      plan: record.plan,
      ...(stopped
        ? { desiredPhase: 'TASK_EXECUTION_PHASE_STOPPED' }
        : record.desiredRunning
          ? { desiredPhase: 'TASK_EXECUTION_PHASE_RUNNING' }
          : {}),
    },
    status: {
      // The engine counts from 0; the wire starts at 1 so the pending state has a version.
      statusVersion: String((run?.statusVersion ?? 0) + 1),
      phase: phaseOf(record),
      // Step failures stay on the step; this is for an execution that failed as a whole.
      ...(run?.phase === 'failed' && !stepFailed && run.failureMessage !== undefined
        ? { failureMessage: run.failureMessage }
        : {}),
      steps,
      ...(anyStarted ? { logUrl: context.options.logUrl(record.id) } : {}),
    },
  };
}

/** @internal The execution with that id; throws `not_found`. */
export function getExecutionRecord(context: OnaContext, id: string): ExecutionRecord {
  const record = context.state.executions.get(id);
  if (record === undefined) throw new OnaError('not_found', executionNotFoundMessage(id));
  return record;
}

/**
 * StartTask: builds the plan, answers with the execution while it is
 * pending, and runs it through the engine.
 */
export async function startTask(
  context: OnaContext,
  id: string,
  creator: OnaSubject,
  startedBy: string = context.options.policies.startedBy,
): Promise<OnaTaskExecution> {
  const { engine, options, state } = context;
  const { task } = await getOnaTask(context, id);
  const plan = await buildPlan(task, (dependencyId) => findDependency(context, dependencyId), {
    label: options.policies.stepLabel,
    createId: () => crypto.randomUUID(),
    errorCode:
      options.policies.dependencyCheck === 'start'
        ? options.policies.dependencyErrorCode
        : 'failed_precondition',
  });
  const nowMs = engine.clock.now();
  const record: ExecutionRecord = {
    id: crypto.randomUUID(),
    seq: state.nextSeq++,
    taskId: task.id,
    environmentId: task.environmentId,
    reference: task.metadata.reference ?? '',
    createdAtMs: nowMs,
    creator,
    startedBy,
    plan: plan.groups,
    desiredRunning: options.policies.initialDesiredPhase === 'running',
    stopRequested: false,
    run: undefined,
  };
  state.executions.set(record.id, record);
  storeExecution(state, record);
  const answer = executionView(context, record);
  const runSpec: OnaRunSpec = { kind: 'ona.run', plan: plan.definition };
  const runTask: Task<OnaRunSpec> = {
    id: record.id,
    name: task.metadata.name ?? record.reference,
    scope: task.environmentId,
    enabled: true,
    spec: runSpec,
    triggers: [],
    dependsOn: [],
    bufferPeriod: undefined,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    deletionRequestedAtMs: undefined,
  };
  const run = await engine.startOnce(runTask, {
    trigger: { kind: 'manual', data: { startedBy }, firedAtMs: nowMs, changeCount: 0 },
  });
  record.run = run;
  storeExecution(state, record);
  // A stop that came while the run was being started: the engine did not know it yet.
  if (record.stopRequested) engine.stopExecution(run.id);
  // The record keeps the live execution; the engine need not keep it too.
  void engine.whenFinished(run.id).then(
    () => engine.forgetExecutions(record.id),
    () => undefined,
  );
  return answer;
}

/** Starts every task of the environment that carries `trigger`; startedBy is the trigger's key. */
export async function startTriggered(
  context: OnaContext,
  environmentId: string,
  trigger: TriggerName,
  creator: OnaSubject,
): Promise<{ executions: OnaTaskExecution[]; failures: { taskId: string; error: OnaError }[] }> {
  const executions: OnaTaskExecution[] = [];
  const failures: { taskId: string; error: OnaError }[] = [];
  // One after the other, in creation order: executions are numbered in that order.
  for (const { task } of await onaRecords(context.engine, environmentId)) {
    if (!task.metadata.triggeredBy?.some((entry) => entry[trigger] !== undefined)) continue;
    try {
      executions.push(await startTask(context, task.id, creator, trigger));
    } catch (error) {
      failures.push({ taskId: task.id, error: OnaError.from(error) });
    }
  }
  return { executions, failures };
}

function matches<T>(values: readonly T[] | undefined, value: T): boolean {
  return values === undefined || values.length === 0 || values.includes(value);
}

/** ListTaskExecutions: AND across filter fields, OR within one. */
export function listTaskExecutions(
  context: OnaContext,
  input: ListTaskExecutionsInput,
  query: PageQuery,
): { taskExecutions: OnaTaskExecution[]; nextToken: string | undefined } {
  const { policies } = context.options;
  const page = pageRequestOf('executions', input.pagination, query, policies);
  const filter = input.filter ?? {};
  const selected = [...context.state.executions.values()].filter(
    (record) =>
      matches(filter.taskIds, record.taskId) &&
      matches(filter.taskReferences, record.reference) &&
      matches(filter.environmentIds, record.environmentId) &&
      matches<TaskExecutionPhase | number>(filter.phases, phaseOf(record)),
  );
  const { items, nextToken } = pageOf('executions', selected, page, policies.listOrder);
  return { taskExecutions: items.map((record) => executionView(context, record)), nextToken };
}

/** GetTaskExecution. */
export function getTaskExecution(context: OnaContext, id: string): OnaTaskExecution {
  return executionView(context, getExecutionRecord(context, id));
}

/**
 * StopTaskExecution: the desired phase becomes STOPPED at once; the engine
 * aborts the running steps and the execution ends STOPPED. A finished
 * execution keeps its phase (policy `stopFinishedExecution`).
 */
export function stopTaskExecution(context: OnaContext, id: string): void {
  const record = getExecutionRecord(context, id);
  const finished = record.run?.finishedAtMs !== undefined;
  if (finished && context.options.policies.stopFinishedExecution === 'failed_precondition') {
    throw new OnaError('failed_precondition', executionFinishedMessage(id));
  }
  record.stopRequested = true;
  storeExecution(context.state, record);
  if (!finished && record.run !== undefined) context.engine.stopExecution(record.run.id);
}
