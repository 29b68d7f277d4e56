/**
 * Records → JSON:API resource objects (research §2.1, §3.1, §6).
 */

import type { ResourceObject } from './json-api.ts';
import { JsonCache } from './json-cache.ts';
import type { TfcState } from './state.ts';
import type {
  OrganizationRecord,
  OutcomeRecord,
  RunRecord,
  RunTaskRecord,
  TaskResultRecord,
  TaskStageRecord,
  WorkspaceRecord,
  WorkspaceTaskRecord,
} from './types.ts';

/** `created-at` style: RFC3339 with milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `status-timestamps` style: RFC3339 without a fraction. */
export function secondsTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `{"running-at": …}` from `{running: ms}`; `awaiting_override` becomes `awaiting-override-at`. */
export function statusTimestamps(stamps: Record<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [status, ms] of Object.entries(stamps)) {
    out[`${status.replaceAll('_', '-')}-at`] = secondsTime(ms);
  }
  return out;
}

/** A run task; `hmac-key` is write-only and always `null`. */
export function taskResource(
  state: TfcState,
  task: RunTaskRecord,
  withAssociations: readonly WorkspaceTaskRecord[],
): ResourceObject {
  const attributes: Record<string, unknown> = {
    category: task.category,
    name: task.name,
    url: task.url,
    description: task.description,
    enabled: task.enabled,
    'hmac-key': null,
    'created-at': isoTime(task.createdAtMs),
    'updated-at': isoTime(task.updatedAtMs),
  };
  const organization = state.organizations.get(task.organization);
  if (organization?.entitlements.globalRunTasks === true) {
    // go-tfe v1 drops the object unless it has a boolean `enabled` (research §8).
    attributes['global-configuration'] = {
      enabled: task.global.enabled,
      stages: [...task.global.stages],
      'enforcement-level': task.global.enforcementLevel,
    };
  }
  return {
    id: task.id,
    type: 'tasks',
    attributes,
    relationships: {
      organization: { data: { id: task.organization, type: 'organizations' } },
      'workspace-tasks': {
        data: withAssociations.map((item) => ({ id: item.id, type: 'workspace-tasks' })),
      },
      'agent-pool': {
        data: task.agentPoolId === null ? null : { id: task.agentPoolId, type: 'agent-pools' },
      },
    },
    links: { self: `/api/v2/tasks/${task.id}` },
  };
}

const taskJsonCache = new JsonCache<RunTaskRecord>();
const workspaceTaskJsonCache = new JsonCache<WorkspaceTaskRecord>();
const workspaceJsonCache = new JsonCache<WorkspaceRecord>();

/**
 * `JSON.stringify(taskResource(…))`, cached per task. The inputs list every
 * value `taskResource` reads: keep the two in step.
 */
export function taskResourceJson(
  state: TfcState,
  task: RunTaskRecord,
  withAssociations: readonly WorkspaceTaskRecord[],
): string {
  const inputs: unknown[] = [
    state.organizations.get(task.organization)?.entitlements.globalRunTasks === true,
    task.id,
    task.organization,
    task.category,
    task.name,
    task.url,
    task.description,
    task.enabled,
    task.createdAtMs,
    task.updatedAtMs,
    task.agentPoolId,
    task.global.enabled,
    task.global.enforcementLevel,
    task.global.stages.length,
    ...task.global.stages,
    withAssociations.length,
  ];
  for (const item of withAssociations) inputs.push(item.id);
  return taskJsonCache.json(task, inputs, () => taskResource(state, task, withAssociations));
}

/** `JSON.stringify(workspaceTaskResource(item))`, cached per association. */
export function workspaceTaskResourceJson(item: WorkspaceTaskRecord): string {
  return workspaceTaskJsonCache.json(
    item,
    [
      item.id,
      item.enforcementLevel,
      item.createdAtMs,
      item.updatedAtMs,
      item.taskId,
      item.workspaceId,
      item.stages.length,
      ...item.stages,
    ],
    () => workspaceTaskResource(item),
  );
}

/** `JSON.stringify(workspaceResource(workspace))`, cached per workspace. */
export function workspaceResourceJson(workspace: WorkspaceRecord): string {
  const { vcs } = workspace;
  return workspaceJsonCache.json(
    workspace,
    [
      workspace.id,
      workspace.organization,
      workspace.name,
      workspace.workingDirectory,
      workspace.createdAtMs,
      vcs === null,
      vcs?.branch,
      vcs?.repoUrl,
    ],
    () => workspaceResource(workspace),
  );
}

/** A workspace association; `stage` is the first of `stages`. */
export function workspaceTaskResource(item: WorkspaceTaskRecord): ResourceObject {
  return {
    id: item.id,
    type: 'workspace-tasks',
    attributes: {
      'enforcement-level': item.enforcementLevel,
      stage: item.stages[0] ?? 'post_plan',
      stages: [...item.stages],
      'created-at': isoTime(item.createdAtMs),
      'updated-at': isoTime(item.updatedAtMs),
    },
    relationships: {
      task: { data: { id: item.taskId, type: 'tasks' } },
      workspace: { data: { id: item.workspaceId, type: 'workspaces' } },
    },
    links: { self: `/api/v2/workspaces/${item.workspaceId}/tasks/${item.id}` },
  };
}

/** A reduced workspace: what run-task clients read (go-tfe decodes any subset). */
export function workspaceResource(workspace: WorkspaceRecord): ResourceObject {
  return {
    id: workspace.id,
    type: 'workspaces',
    attributes: {
      name: workspace.name,
      'working-directory': workspace.workingDirectory,
      'created-at': isoTime(workspace.createdAtMs),
      'vcs-repo':
        workspace.vcs === null
          ? null
          : { branch: workspace.vcs.branch, 'repository-http-url': workspace.vcs.repoUrl },
      permissions: { 'can-manage-run-tasks': true, 'can-update': true },
    },
    relationships: {
      organization: { data: { id: workspace.organization, type: 'organizations' } },
    },
    links: { self: `/api/v2/organizations/${workspace.organization}/workspaces/${workspace.name}` },
  };
}

/** An organization (ID = name). */
export function organizationResource(organization: OrganizationRecord): ResourceObject {
  return {
    id: organization.name,
    type: 'organizations',
    attributes: {
      name: organization.name,
      email: organization.email,
      'created-at': isoTime(organization.createdAtMs),
      permissions: { 'can-manage-run-tasks': true, 'can-read-run-tasks': true },
    },
    relationships: {
      'entitlement-set': {
        data: { id: `org-${organization.name}`, type: 'entitlement-sets' },
      },
    },
    links: { self: `/api/v2/organizations/${organization.name}` },
  };
}

/** The entitlement set of an organization (run-task entitlements only). */
export function entitlementSetResource(organization: OrganizationRecord): ResourceObject {
  const e = organization.entitlements;
  return {
    id: `org-${organization.name}`,
    type: 'entitlement-sets',
    attributes: {
      'run-tasks': e.runTasks,
      'global-run-tasks': e.globalRunTasks,
      'private-run-tasks': e.privateRunTasks,
      'run-task-limit': e.runTaskLimit,
      'run-task-workspace-limit': e.runTaskWorkspaceLimit,
      'run-task-mandatory-enforcement-limit': e.runTaskMandatoryEnforcementLimit,
    },
    links: { self: `/api/v2/entitlement-sets/org-${organization.name}` },
  };
}

/** A run, reduced to what run-task clients read. */
export function runResource(run: RunRecord): ResourceObject {
  return {
    id: run.id,
    type: 'runs',
    attributes: {
      status: run.status,
      message: run.message,
      'is-speculative': run.isSpeculative,
      'plan-only': run.isSpeculative,
      'created-at': isoTime(run.createdAtMs),
      'status-timestamps': statusTimestamps(run.statusTimestamps),
    },
    relationships: {
      workspace: { data: { id: run.workspaceId, type: 'workspaces' } },
      'task-stages': { data: run.stageIds.map((id) => ({ id, type: 'task-stages' })) },
    },
    links: { self: `/api/v2/runs/${run.id}` },
  };
}

/** A task stage; `task-results` are identifiers. */
export function taskStageResource(stage: TaskStageRecord): ResourceObject {
  const overridable = stage.status === 'awaiting_override';
  return {
    id: stage.id,
    type: 'task-stages',
    attributes: {
      status: stage.status,
      stage: stage.stage,
      'status-timestamps': statusTimestamps(stage.statusTimestamps),
      'created-at': isoTime(stage.createdAtMs),
      'updated-at': isoTime(stage.updatedAtMs),
      permissions: {
        'can-override-policy': true,
        'can-override-tasks': true,
        'can-override': true,
      },
      actions: { 'is-overridable': overridable },
    },
    relationships: {
      run: { data: { id: stage.runId, type: 'runs' } },
      'task-results': { data: stage.resultIds.map((id) => ({ id, type: 'task-results' })) },
      'policy-evaluations': { data: [] },
    },
    links: { self: `/api/v2/task-stages/${stage.id}` },
  };
}

/** A task result. */
export function taskResultResource(result: TaskResultRecord): ResourceObject {
  return {
    id: result.id,
    type: 'task-results',
    attributes: {
      message: result.message,
      status: result.status,
      'status-timestamps': statusTimestamps(result.statusTimestamps),
      url: result.url,
      'created-at': isoTime(result.createdAtMs),
      'updated-at': isoTime(result.updatedAtMs),
      'task-id': result.taskId,
      'task-name': result.taskName,
      'task-url': result.taskUrl,
      stage: result.stage,
      'is-speculative': result.isSpeculative,
      'workspace-task-id': result.workspaceTaskId,
      'workspace-task-enforcement-level': result.enforcementLevel,
      'task-result-outcomes-count': result.outcomes.length,
      'agent-pool-id': result.agentPoolId,
    },
    relationships: {
      'task-stage': { data: { id: result.stageId, type: 'task-stages' } },
    },
    links: { self: `/api/v2/task-results/${result.id}` },
  };
}

/**
 * A structured outcome as the read API shows it (research §6.4): `tags` become
 * an array of `{label: <tag name>, value: [{label, level}]}`, the markdown
 * body is a `links.body` URL, present only when the callback sent a body.
 */
export function taskResultOutcomeResource(outcome: OutcomeRecord): ResourceObject {
  const self = `/api/v2/task-result-outcomes/${outcome.id}`;
  return {
    id: outcome.id,
    type: 'task-result-outcomes',
    attributes: {
      'outcome-id': outcome.outcomeId,
      description: outcome.description,
      url: outcome.url,
      'created-at': isoTime(outcome.createdAtMs),
      tags: Object.entries(outcome.tags).map(([label, value]) => ({
        label,
        value: value.map((tag) => ({ label: tag.label, level: tag.level })),
      })),
    },
    relationships: {
      'task-result': { data: { id: outcome.resultId, type: 'task-results' } },
    },
    links: outcome.body === null ? { self } : { self, body: `${self}/body` },
  };
}
