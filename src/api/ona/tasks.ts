/**
 * CreateTask, GetTask, UpdateTask, ListTasks and DeleteTask on the engine's
 * task verbs (every read of a task is async). Requests arrive decoded and
 * validated; these functions add the business rules (reference unique per
 * environment, presence-based partial update, filters) and return
 * wire-shaped objects.
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
export async function findOnaTask(
  context: OnaContext,
  id: string,
): Promise<OnaTaskRecord | undefined> {
  return onaRecordOf(await context.engine.findTask(id));
}

/** @internal The live Ona task with that id; rejects with `not_found`. */
export async function getOnaTask(context: OnaContext, id: string): Promise<OnaTaskRecord> {
  const record = await findOnaTask(context, id);
  if (record === undefined) throw new OnaError('not_found', taskNotFoundMessage(id));
  return record;
}

/** @internal The task of a dependency id, for {@link buildPlan}. */
export async function findDependency(
  context: OnaContext,
  id: string,
): Promise<OnaTask | undefined> {
  return (await findOnaTask(context, id))?.task;
}

async function checkDependencies(context: OnaContext, task: OnaTask): Promise<void> {
  const { policies } = context.options;
  if (policies.dependencyCheck !== 'create') return;
  // `task` is the plan's root: its own id resolves to it, not to the stored version.
  await buildPlan(task, (id) => findDependency(context, id), {
    label: 'name',
    createId: () => '',
    errorCode: policies.dependencyErrorCode,
  });
}

/** CreateTask. */
export async function createTask(
  context: OnaContext,
  input: CreateTaskInput,
  creator: OnaSubject,
): Promise<OnaTask> {
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
  const siblings = await onaRecords(engine, environmentId);
  if (siblings.some((r) => r.task.metadata.reference === reference)) {
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
  await checkDependencies(context, task);
  const record: OnaTaskRecord = { kind: 'ona.task', seq: state.nextSeq++, task };
  await engine.createTask({
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
export async function getTask(context: OnaContext, id: string): Promise<OnaTask> {
  return (await getOnaTask(context, id)).task;
}

/** UpdateTask: absent = unchanged, present = replaced (research §4.3). */
export async function updateTask(context: OnaContext, input: UpdateTaskInput): Promise<void> {
  const id = input.id ?? '';
  const record = await getOnaTask(context, id);
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
  await checkDependencies(context, next);
  await context.engine.updateTask(id, {
    name: nextMetadata.name || previous.metadata.name || previous.metadata.reference || id,
    spec: { ...record, task: next },
  });
}

function matches(values: readonly string[] | undefined, value: string): boolean {
  return values === undefined || values.length === 0 || values.includes(value);
}

/** ListTasks: AND across filter fields, OR within one. */
export async function listTasks(
  context: OnaContext,
  input: ListTasksInput,
  query: PageQuery,
): Promise<{ tasks: OnaTask[]; nextToken: string | undefined }> {
  const { policies } = context.options;
  // A bad page token is refused before the store is read.
  const page = pageRequestOf('tasks', input.pagination, query, policies);
  const filter = input.filter ?? {};
  const { items, nextToken } = pageOf(
    'tasks',
    await onaRecords(context.engine),
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
  const record = await findOnaTask(context, id);
  if (record === undefined) {
    if (context.options.policies.deleteUnknownTask === 'succeed') return;
    throw new OnaError('not_found', taskNotFoundMessage(id));
  }
  await context.engine.deleteTask(id);
}
