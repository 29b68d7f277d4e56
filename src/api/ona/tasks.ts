/**
 * CreateTask, GetTask, UpdateTask, ListTasks and DeleteTask on the engine's
 * TaskManager. Requests arrive decoded and validated; these functions add
 * the business rules (reference unique per environment, presence-based
 * partial update, filters) and return wire-shaped objects.
 */

import type { OnaContext } from './context.ts';
import { OnaError } from './errors.ts';
import {
  duplicateReferenceMessage,
  environmentNotFoundMessage,
  MESSAGE_METADATA_REQUIRED,
  taskNotFoundMessage,
} from './messages.ts';
import { type PageQuery, pageOf, pageRequestOf } from './pagination.ts';
import { buildPlan } from './plan.ts';
import { formatTimestamp } from './proto-json.ts';
import { type OnaTaskRecord, onaRecordOf, onaRecords } from './state.ts';
import type {
  AutomationTrigger,
  EnvironmentVariableItem,
  OnaSubject,
  OnaTask,
  RunsOn,
  TaskMetadata,
  TaskSpec,
} from './types.ts';

/** `CreateTaskRequest`, decoded. */
export interface CreateTaskInput {
  readonly environmentId?: string;
  readonly metadata?: TaskMetadata;
  readonly spec?: TaskSpec;
  readonly dependsOn?: readonly string[];
}

/** `UpdateTaskRequest`, decoded: keys present = fields set. */
export interface UpdateTaskInput {
  readonly id?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly description?: string;
    readonly triggeredBy?: { readonly trigger?: readonly AutomationTrigger[] };
  };
  readonly spec?: {
    readonly command?: string;
    readonly runsOn?: RunsOn;
    readonly env?: readonly EnvironmentVariableItem[];
    readonly prebuildRequiresSuccess?: boolean;
  };
  readonly dependsOn?: readonly string[];
}

/** `ListTasksRequest`, decoded. */
export interface ListTasksInput {
  readonly pagination?: { readonly pageSize?: number; readonly token?: string };
  readonly filter?: {
    readonly environmentIds?: readonly string[];
    readonly references?: readonly string[];
    readonly taskIds?: readonly string[];
  };
}

/** @internal The live Ona task with that id, if any. */
export function findOnaTask(context: OnaContext, id: string): OnaTaskRecord | undefined {
  return onaRecordOf(context.engine.tasks.find(id));
}

/** @internal The live Ona task with that id; throws `not_found`. */
export function getOnaTask(context: OnaContext, id: string): OnaTaskRecord {
  const record = findOnaTask(context, id);
  if (record === undefined) throw new OnaError('not_found', taskNotFoundMessage(id));
  return record;
}

function checkDependencies(context: OnaContext, task: OnaTask): void {
  const { policies } = context.options;
  if (policies.dependencyCheck !== 'create') return;
  buildPlan(task, (id) => (id === task.id ? task : findOnaTask(context, id)?.task), {
    label: 'name',
    createId: () => '',
    errorCode: policies.dependencyErrorCode,
  });
}

/** CreateTask. */
export function createTask(
  context: OnaContext,
  input: CreateTaskInput,
  creator: OnaSubject,
): OnaTask {
  const { engine, options, state } = context;
  const environmentId = input.environmentId ?? '';
  if (input.metadata === undefined) {
    throw new OnaError('invalid_argument', MESSAGE_METADATA_REQUIRED);
  }
  if (options.environments !== undefined && !options.environments.has(environmentId)) {
    throw new OnaError(
      options.policies.unknownEnvironment,
      environmentNotFoundMessage(environmentId),
    );
  }
  const reference = input.metadata.reference ?? '';
  if (onaRecords(engine, environmentId).some((r) => r.task.metadata.reference === reference)) {
    throw new OnaError(options.policies.duplicateReference, duplicateReferenceMessage(reference));
  }
  const { createdAt: _createdAt, creator: _creator, ...metadata } = input.metadata;
  const task: OnaTask = {
    id: crypto.randomUUID(),
    environmentId,
    // The server sets createdAt and creator; what the client sent is ignored.
    metadata: { ...metadata, createdAt: formatTimestamp(engine.clock.now()), creator },
    spec: input.spec ?? {},
    dependsOn: input.dependsOn ?? [],
  };
  checkDependencies(context, task);
  const record: OnaTaskRecord = { kind: 'ona.task', seq: state.nextSeq++, task };
  engine.tasks.create({
    id: task.id,
    name: metadata.name ?? reference,
    scope: environmentId,
    spec: record,
    triggers: [],
    dependsOn: [],
  });
  return task;
}

/** GetTask. */
export function getTask(context: OnaContext, id: string): OnaTask {
  return getOnaTask(context, id).task;
}

/** UpdateTask: absent = unchanged, present = replaced (research §4.3). */
export function updateTask(context: OnaContext, input: UpdateTaskInput): void {
  const id = input.id ?? '';
  const record = getOnaTask(context, id);
  const keepEmpty = context.options.policies.emptyListInUpdate === 'keep';
  const previous = record.task;
  const metadata: TaskMetadata = { ...previous.metadata };
  const patchMetadata = input.metadata ?? {};
  const nextMetadata: TaskMetadata = {
    ...metadata,
    ...(patchMetadata.name === undefined ? {} : { name: patchMetadata.name }),
    ...(patchMetadata.description === undefined ? {} : { description: patchMetadata.description }),
    ...(patchMetadata.triggeredBy === undefined
      ? {}
      : { triggeredBy: patchMetadata.triggeredBy.trigger ?? [] }),
  };
  let spec: TaskSpec = previous.spec;
  if (input.spec !== undefined) {
    const patch = input.spec;
    const env = patch.env ?? [];
    spec = {
      ...spec,
      ...(patch.command === undefined ? {} : { command: patch.command }),
      ...(patch.runsOn === undefined ? {} : { runsOn: patch.runsOn }),
      ...(env.length === 0 && keepEmpty ? {} : { env }),
      ...(patch.prebuildRequiresSuccess === undefined
        ? {}
        : { prebuildRequiresSuccess: patch.prebuildRequiresSuccess }),
    };
  }
  const dependsOn = input.dependsOn ?? [];
  const next: OnaTask = {
    ...previous,
    metadata: nextMetadata,
    spec,
    dependsOn: dependsOn.length === 0 && keepEmpty ? previous.dependsOn : dependsOn,
  };
  checkDependencies(context, next);
  context.engine.tasks.update(id, {
    name: nextMetadata.name || previous.metadata.name || previous.metadata.reference || id,
    spec: { ...record, task: next },
  });
}

function matches(values: readonly string[] | undefined, value: string): boolean {
  return values === undefined || values.length === 0 || values.includes(value);
}

/** ListTasks: AND across filter fields, OR within one. */
export function listTasks(
  context: OnaContext,
  input: ListTasksInput,
  query: PageQuery,
): { tasks: OnaTask[]; nextToken: string | undefined } {
  const { policies } = context.options;
  const page = pageRequestOf('tasks', input.pagination, query, policies);
  const filter = input.filter ?? {};
  const { items, nextToken } = pageOf(
    'tasks',
    onaRecords(context.engine),
    page,
    policies.listOrder,
    ({ task }) =>
      matches(filter.environmentIds, task.environmentId) &&
      matches(filter.references, task.metadata.reference ?? '') &&
      matches(filter.taskIds, task.id),
  );
  return { tasks: items.map((record) => record.task), nextToken };
}

/** DeleteTask: the task goes at once; its executions stay readable. */
export async function deleteTask(context: OnaContext, id: string): Promise<void> {
  const record = findOnaTask(context, id);
  if (record === undefined) {
    if (context.options.policies.deleteUnknownTask === 'succeed') return;
    throw new OnaError('not_found', taskNotFoundMessage(id));
  }
  await context.engine.tasks.delete(id);
}
