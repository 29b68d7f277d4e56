/**
 * Workspace run task associations: `/workspaces/:workspace_id/tasks`
 * (research §3). Create answers 201 with the document, not the docs' 204.
 */

import {
  runTaskOrganization,
  type TfcContext,
  type TfcRequest,
  visibleWorkspace,
  visibleWorkspaceTask,
} from './context.ts';
import { invalidAttribute, notFound } from './errors.ts';
import { newId } from './ids.ts';
import {
  documentJson,
  isObject,
  jsonApi,
  jsonApiText,
  noContent,
  queryOf,
  readDocument,
  requireJsonApiContentType,
} from './json-api.ts';
import {
  DETAIL_ENFORCEMENT_NOT_IN_LIST,
  DETAIL_MANDATORY_LIMIT,
  DETAIL_STAGE_NOT_IN_LIST,
  DETAIL_STAGES_BLANK,
  DETAIL_STAGES_NOT_IN_LIST,
  DETAIL_TASK_REQUIRED,
  DETAIL_TASK_TAKEN,
  DETAIL_WORKSPACE_TASK_LIMIT,
} from './messages.ts';
import { paginate, parsePage } from './pagination.ts';
import { workspaceTaskResource, workspaceTaskResourceJson } from './representation.ts';
import { attributesOf, enforcementLevel, requestData, stageName } from './task-validation.ts';
import type {
  EnforcementLevel,
  OrganizationRecord,
  TaskStageName,
  WorkspaceTaskRecord,
} from './types.ts';

const ATTRIBUTES = '/data/attributes';

interface AssociationFields {
  enforcementLevel?: EnforcementLevel;
  stages?: TaskStageName[];
}

/**
 * `stages` wins over `stage`; a lone `stage` becomes `[stage]`; order is kept
 * as sent, duplicates dropped; an empty list is 422 (research §3.2).
 */
function readAssociationFields(attributes: Record<string, unknown>): AssociationFields {
  const fields: AssociationFields = {};
  const level = attributes['enforcement-level'];
  if (level !== undefined) {
    const parsed = enforcementLevel(level);
    if (parsed === undefined) {
      throw invalidAttribute(DETAIL_ENFORCEMENT_NOT_IN_LIST, `${ATTRIBUTES}/enforcement-level`);
    }
    fields.enforcementLevel = parsed;
  }
  const stage = attributes.stage;
  let single: TaskStageName | undefined;
  if (stage !== undefined && stage !== null) {
    single = stageName(stage);
    if (single === undefined)
      throw invalidAttribute(DETAIL_STAGE_NOT_IN_LIST, `${ATTRIBUTES}/stage`);
  }
  const stages = attributes.stages;
  if (stages !== undefined && stages !== null) {
    if (!Array.isArray(stages)) {
      throw invalidAttribute(DETAIL_STAGES_NOT_IN_LIST, `${ATTRIBUTES}/stages`);
    }
    if (stages.length === 0) throw invalidAttribute(DETAIL_STAGES_BLANK, `${ATTRIBUTES}/stages`);
    const list: TaskStageName[] = [];
    for (const item of stages) {
      const parsed = stageName(item);
      if (parsed === undefined) {
        throw invalidAttribute(DETAIL_STAGES_NOT_IN_LIST, `${ATTRIBUTES}/stages`);
      }
      if (!list.includes(parsed)) list.push(parsed);
    }
    fields.stages = list;
  } else if (single !== undefined) {
    fields.stages = [single];
  }
  return fields;
}

function taskIdOf(data: Record<string, unknown>): string {
  const pointer = '/data/relationships/task';
  const relationships = data.relationships;
  if (!isObject(relationships)) throw invalidAttribute(DETAIL_TASK_REQUIRED, pointer);
  const task = relationships.task;
  if (!isObject(task) || !isObject(task.data) || typeof task.data.id !== 'string') {
    throw invalidAttribute(DETAIL_TASK_REQUIRED, pointer);
  }
  return task.data.id;
}

function checkLimits(
  context: TfcContext,
  organization: OrganizationRecord,
  workspaceId: string,
  level: EnforcementLevel,
  selfId?: string,
): void {
  const { runTaskWorkspaceLimit, runTaskMandatoryEnforcementLimit } = organization.entitlements;
  if (selfId === undefined && runTaskWorkspaceLimit !== null) {
    if (context.state.workspaceTasksOf(workspaceId).length >= runTaskWorkspaceLimit) {
      throw invalidAttribute(DETAIL_WORKSPACE_TASK_LIMIT, '/data');
    }
  }
  if (level === 'mandatory' && runTaskMandatoryEnforcementLimit !== null) {
    let mandatory = 0;
    for (const item of context.state.workspaceTasks.values()) {
      const workspace = context.state.workspaces.get(item.workspaceId);
      if (
        item.id !== selfId &&
        item.enforcementLevel === 'mandatory' &&
        workspace?.organization === organization.name
      ) {
        mandatory++;
      }
    }
    if (mandatory >= runTaskMandatoryEnforcementLimit) {
      throw invalidAttribute(DETAIL_MANDATORY_LIMIT, `${ATTRIBUTES}/enforcement-level`);
    }
  }
}

/** `POST /workspaces/:workspace_id/tasks` → 201. */
export async function createWorkspaceTask(context: TfcContext, c: TfcRequest): Promise<Response> {
  const workspace = visibleWorkspace(context, c, c.req.param('workspace_id') ?? '');
  const organization = runTaskOrganization(context, c, workspace.organization);
  requireJsonApiContentType(c, context.state.settings.strictContentType);
  const data = requestData(await readDocument(c), 'workspace-tasks');
  const fields = readAssociationFields(attributesOf(data));
  if (fields.enforcementLevel === undefined) {
    throw invalidAttribute(DETAIL_ENFORCEMENT_NOT_IN_LIST, `${ATTRIBUTES}/enforcement-level`);
  }
  const task = context.state.tasks.get(taskIdOf(data));
  // A task of another organization is as unknown as a missing one.
  if (task === undefined || task.organization !== workspace.organization) throw notFound();
  if (context.state.workspaceTasksOf(workspace.id).some((item) => item.taskId === task.id)) {
    throw invalidAttribute(DETAIL_TASK_TAKEN, '/data/relationships/task');
  }
  checkLimits(context, organization, workspace.id, fields.enforcementLevel);
  const now = context.clock.now();
  const item: WorkspaceTaskRecord = {
    id: newId('wstask-'),
    workspaceId: workspace.id,
    taskId: task.id,
    enforcementLevel: fields.enforcementLevel,
    stages: fields.stages ?? ['post_plan'],
    createdAtMs: now,
    updatedAtMs: now,
  };
  context.state.workspaceTasks.set(item.id, item);
  return jsonApi(201, { data: workspaceTaskResource(item) });
}

/** `GET /workspaces/:workspace_id/tasks`. */
export function listWorkspaceTasks(context: TfcContext, c: TfcRequest): Response {
  const workspace = visibleWorkspace(context, c, c.req.param('workspace_id') ?? '');
  runTaskOrganization(context, c, workspace.organization);
  return workspaceTaskList(c, context.state.workspaceTasksOf(workspace.id));
}

/** A paginated document of workspace-task associations (both association lists share it). */
export function workspaceTaskList(c: TfcRequest, items: readonly WorkspaceTaskRecord[]): Response {
  const page = paginate(items, parsePage(queryOf(c)), c.req.url);
  const data = page.items.map(workspaceTaskResourceJson);
  return jsonApiText(
    200,
    documentJson(`[${data.join(',')}]`, undefined, { links: page.links, meta: page.meta }),
  );
}

/** `GET /workspaces/:workspace_id/tasks/:id`. */
export function showWorkspaceTask(context: TfcContext, c: TfcRequest): Response {
  const workspace = visibleWorkspace(context, c, c.req.param('workspace_id') ?? '');
  runTaskOrganization(context, c, workspace.organization);
  const item = visibleWorkspaceTask(context, workspace, c.req.param('id') ?? '');
  return jsonApi(200, { data: workspaceTaskResource(item) });
}

/** `PATCH /workspaces/:workspace_id/tasks/:id`; `data.id` is optional. */
export async function updateWorkspaceTask(context: TfcContext, c: TfcRequest): Promise<Response> {
  const workspace = visibleWorkspace(context, c, c.req.param('workspace_id') ?? '');
  const organization = runTaskOrganization(context, c, workspace.organization);
  const item = visibleWorkspaceTask(context, workspace, c.req.param('id') ?? '');
  requireJsonApiContentType(c, context.state.settings.strictContentType);
  const data = requestData(await readDocument(c), 'workspace-tasks');
  const fields = readAssociationFields(attributesOf(data));
  if (fields.enforcementLevel !== undefined) {
    checkLimits(context, organization, workspace.id, fields.enforcementLevel, item.id);
    item.enforcementLevel = fields.enforcementLevel;
  }
  if (fields.stages !== undefined) item.stages = fields.stages;
  item.updatedAtMs = context.clock.now();
  context.state.touch('workspaceTasks', item);
  return jsonApi(200, { data: workspaceTaskResource(item) });
}

/** `DELETE /workspaces/:workspace_id/tasks/:id` → 204. */
export function deleteWorkspaceTask(context: TfcContext, c: TfcRequest): Response {
  const workspace = visibleWorkspace(context, c, c.req.param('workspace_id') ?? '');
  runTaskOrganization(context, c, workspace.organization);
  const item = visibleWorkspaceTask(context, workspace, c.req.param('id') ?? '');
  requireJsonApiContentType(c, context.state.settings.strictContentType);
  context.state.workspaceTasks.delete(item.id);
  return noContent();
}
