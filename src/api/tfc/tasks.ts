/**
 * Organization run tasks: `/organizations/:org/tasks` and `/tasks/:id`
 * (research §2).
 */

import { runTaskOrganization, type TfcContext, type TfcRequest, visibleTask } from './context.ts';
import { invalidAttribute, notFound } from './errors.ts';
import { newId } from './ids.ts';
import {
  documentJson,
  IncludedJson,
  jsonApi,
  jsonApiText,
  noContent,
  parseInclude,
  queryOf,
  readDocument,
  requireJsonApiContentType,
} from './json-api.ts';
import {
  DETAIL_AGENT_POOL_MISSING,
  DETAIL_NAME_TAKEN,
  DETAIL_TASK_LIMIT,
  DETAIL_TASK_STILL_ASSOCIATED,
  DETAIL_URL_VERIFICATION_FAILED,
} from './messages.ts';
import { paginate, parsePage } from './pagination.ts';
import {
  taskResource,
  taskResourceJson,
  workspaceResourceJson,
  workspaceTaskResourceJson,
} from './representation.ts';
import { sendRunTaskRequest, verificationPayload } from './run-task-request.ts';
import { readTaskFields, type TaskFields } from './task-validation.ts';
import type { OrganizationRecord, RunTaskRecord } from './types.ts';
import { workspaceTaskList } from './workspace-tasks.ts';

/** The `include` values run-task reads accept (research §1.6). */
export const TASK_INCLUDES = ['workspace_tasks', 'workspace_tasks.workspace'] as const;

function checkAgentPool(
  context: TfcContext,
  organization: OrganizationRecord,
  agentPoolId: string | null | undefined,
): void {
  if (agentPoolId === undefined || agentPoolId === null) return;
  const pool = context.state.agentPools.get(agentPoolId);
  if (
    pool === undefined ||
    pool.organization !== organization.name ||
    !organization.entitlements.privateRunTasks
  ) {
    throw invalidAttribute(DETAIL_AGENT_POOL_MISSING, '/data/relationships/agent-pool');
  }
}

function checkNameFree(
  context: TfcContext,
  organization: string,
  name: string | undefined,
  selfId?: string,
): void {
  if (name === undefined) return;
  for (const task of context.state.tasksOf(organization)) {
    if (task.name === name && task.id !== selfId) {
      throw invalidAttribute(DETAIL_NAME_TAKEN, '/data/attributes/name');
    }
  }
}

/** Sends the verification request; a non-200 answer refuses the change (research §4.3). */
async function verify(
  context: TfcContext,
  taskId: string | null,
  organization: string,
  url: string,
  hmacKey: string | null,
): Promise<void> {
  const delivery = await sendRunTaskRequest(context, {
    kind: 'verification',
    taskId,
    resultId: null,
    url,
    hmacKey,
    attempt: 1,
    payload: verificationPayload({
      baseUrl: context.state.baseUrl,
      organization,
      stage: context.state.settings.verificationStageValue,
      nowMs: context.clock.now(),
    }),
  });
  if (!delivery.accepted) {
    throw invalidAttribute(DETAIL_URL_VERIFICATION_FAILED, '/data/attributes/url');
  }
}

/**
 * The task resources of a document with the requested includes, as JSON
 * texts (cached per record in `representation.ts`): a list serialises only
 * the records that changed since the last request, not the whole page.
 */
function taskDocumentJson(
  context: TfcContext,
  tasks: readonly RunTaskRecord[],
  include: ReadonlySet<string>,
  included: IncludedJson | undefined,
): string[] {
  const { state } = context;
  const withWorkspaces = include.has('workspace_tasks.workspace');
  return tasks.map((task) => {
    const associations = state.associationsOfTaskView(task.id);
    if (included !== undefined) {
      for (const item of associations) {
        // Full linkage: the intermediate workspace-tasks come along with their workspaces.
        included.add('workspace-tasks', item.id, () => workspaceTaskResourceJson(item));
        if (withWorkspaces) {
          const workspace = state.workspaces.get(item.workspaceId);
          if (workspace !== undefined)
            included.add('workspaces', workspace.id, () => workspaceResourceJson(workspace));
        }
      }
    }
    return taskResourceJson(state, task, associations);
  });
}

function applyGlobal(
  organization: OrganizationRecord,
  task: RunTaskRecord,
  fields: TaskFields,
): void {
  // Non-entitled organizations silently ignore global-configuration (research §2.1).
  if (fields.global === undefined || !organization.entitlements.globalRunTasks) return;
  task.global = {
    enabled: fields.global.enabled ?? task.global.enabled,
    stages: fields.global.stages ?? task.global.stages,
    enforcementLevel:
      fields.global.enforcementLevel !== undefined
        ? fields.global.enforcementLevel
        : task.global.enforcementLevel,
  };
}

/** `POST /organizations/:organization_name/tasks`. */
export async function createTask(context: TfcContext, c: TfcRequest): Promise<Response> {
  const organization = runTaskOrganization(context, c, c.req.param('organization_name') ?? '');
  requireJsonApiContentType(c, context.state.settings.strictContentType);
  const fields = readTaskFields(await readDocument(c), true);
  const limit = organization.entitlements.runTaskLimit;
  if (limit !== null) {
    if (context.state.taskCountOf(organization.name) >= limit)
      throw invalidAttribute(DETAIL_TASK_LIMIT, '/data');
  }
  checkNameFree(context, organization.name, fields.name);
  checkAgentPool(context, organization, fields.agentPoolId);
  const hmacKey = fields.hmacKey ?? null;
  if (context.state.settings.verifyOnCreate) {
    await verify(context, null, organization.name, fields.url ?? '', hmacKey);
    // Another request may have taken the name while the verification ran.
    checkNameFree(context, organization.name, fields.name);
  }
  const now = context.clock.now();
  const task: RunTaskRecord = {
    id: newId('task-'),
    organization: organization.name,
    name: fields.name ?? '',
    url: fields.url ?? '',
    description: fields.description ?? null,
    category: 'task',
    hmacKey,
    enabled: fields.enabled ?? true,
    global: { enabled: false, stages: [], enforcementLevel: null },
    agentPoolId: fields.agentPoolId ?? null,
    createdAtMs: now,
    updatedAtMs: now,
  };
  applyGlobal(organization, task, fields);
  context.state.tasks.set(task.id, task);
  return jsonApi(201, { data: taskResource(context.state, task, []) });
}

/** `GET /organizations/:organization_name/tasks`. */
export function listTasks(context: TfcContext, c: TfcRequest): Response {
  const organization = runTaskOrganization(context, c, c.req.param('organization_name') ?? '');
  const query = queryOf(c);
  const include = parseInclude(query, TASK_INCLUDES);
  const page = paginate(context.state.tasksOf(organization.name), parsePage(query), c.req.url);
  const included = include.size > 0 ? new IncludedJson() : undefined;
  const data = taskDocumentJson(context, page.items, include, included);
  return jsonApiText(
    200,
    documentJson(`[${data.join(',')}]`, included, { links: page.links, meta: page.meta }),
  );
}

/** `GET /tasks/:id`. */
export function showTask(context: TfcContext, c: TfcRequest): Response {
  const task = visibleTask(context, c, c.req.param('id') ?? '');
  const include = parseInclude(queryOf(c), TASK_INCLUDES);
  const included = include.size > 0 ? new IncludedJson() : undefined;
  const [data] = taskDocumentJson(context, [task], include, included);
  return jsonApiText(200, documentJson(data as string, included, {}));
}

/** `PATCH /tasks/:id`: absent attributes keep their values (research §2.6). */
export async function updateTask(context: TfcContext, c: TfcRequest): Promise<Response> {
  const task = visibleTask(context, c, c.req.param('id') ?? '');
  requireJsonApiContentType(c, context.state.settings.strictContentType);
  const fields = readTaskFields(await readDocument(c), false);
  const organization = runTaskOrganization(context, c, task.organization);
  checkNameFree(context, task.organization, fields.name, task.id);
  checkAgentPool(context, organization, fields.agentPoolId);
  const nextUrl = fields.url ?? task.url;
  const nextKey = fields.hmacKey !== undefined ? fields.hmacKey : task.hmacKey;
  const reverify =
    nextUrl !== task.url ||
    nextKey !== task.hmacKey ||
    (fields.agentPoolId !== undefined && fields.agentPoolId !== task.agentPoolId);
  if (reverify && context.state.settings.verifyOnUpdate) {
    await verify(context, task.id, task.organization, nextUrl, nextKey);
    if (!context.state.tasks.has(task.id)) throw notFound();
    checkNameFree(context, task.organization, fields.name, task.id);
  }
  if (fields.name !== undefined) task.name = fields.name;
  task.url = nextUrl;
  task.hmacKey = nextKey;
  if (fields.description !== undefined) task.description = fields.description;
  if (fields.enabled !== undefined) task.enabled = fields.enabled;
  if (fields.agentPoolId !== undefined) task.agentPoolId = fields.agentPoolId;
  applyGlobal(organization, task, fields);
  task.updatedAtMs = context.clock.now();
  context.state.touch('tasks', task);
  return jsonApi(200, {
    data: taskResource(context.state, task, context.state.associationsOfTask(task.id)),
  });
}

/** `DELETE /tasks/:id`: 204; with associations, 422 or cascade per the switch (research §2.7). */
export function deleteTask(context: TfcContext, c: TfcRequest): Response {
  const task = visibleTask(context, c, c.req.param('id') ?? '');
  requireJsonApiContentType(c, context.state.settings.strictContentType);
  const associations = context.state.associationsOfTask(task.id);
  if (associations.length > 0) {
    if (context.state.settings.taskDeletePolicy === 'reject') {
      throw invalidAttribute(DETAIL_TASK_STILL_ASSOCIATED, '/data');
    }
    for (const item of associations) context.state.workspaceTasks.delete(item.id);
  }
  context.state.tasks.delete(task.id);
  return noContent();
}

/** `GET /tasks/:id/relationships/workspace-tasks` (spec only). */
export function listTaskAssociations(context: TfcContext, c: TfcRequest): Response {
  const task = visibleTask(context, c, c.req.param('id') ?? '');
  return workspaceTaskList(c, context.state.associationsOfTask(task.id));
}
