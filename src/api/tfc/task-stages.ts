/**
 * Runs as run tasks see them: task stages, task results, and the override
 * action (research §5.4, §6).
 */

import { type TfcContext, type TfcRequest, visibleOrganization } from './context.ts';
import { notFound, TfcError } from './errors.ts';
import {
  IncludedSet,
  jsonApi,
  parseInclude,
  queryOf,
  readOptionalBody,
  requireJsonApiContentType,
} from './json-api.ts';
import { DETAIL_TRANSITION_NOT_ALLOWED } from './messages.ts';
import { paginate, parsePage } from './pagination.ts';
import {
  runResource,
  taskResultResource,
  taskStageResource,
  workspaceResource,
} from './representation.ts';
import type { RunRecord, TaskStageRecord } from './types.ts';

/**
 * Task-stage includes: the spec's underscore forms, which clients send, and
 * the docs' dashed spellings (research §1.6). `policy_evaluations` and
 * `cost_estimate` are accepted and include nothing: the fake has neither.
 */
export const TASK_STAGE_INCLUDES = [
  'run',
  'run.workspace',
  'task_results',
  'task-results',
  'policy_evaluations',
  'policy-evaluations',
  'cost_estimate',
  'cost-estimate',
] as const;

/** A run the token may see, or 404. */
export function visibleRun(context: TfcContext, c: TfcRequest, id: string): RunRecord {
  const run = context.state.runs.get(id);
  if (run === undefined) throw notFound();
  visibleOrganization(context, c, run.organization);
  return run;
}

function visibleStage(context: TfcContext, c: TfcRequest, id: string): TaskStageRecord {
  const stage = context.state.stages.get(id);
  if (stage === undefined) throw notFound();
  visibleRun(context, c, stage.runId);
  return stage;
}

function includeForStage(
  context: TfcContext,
  stage: TaskStageRecord,
  include: ReadonlySet<string>,
  included: IncludedSet,
): void {
  if (include.has('task_results') || include.has('task-results')) {
    for (const id of stage.resultIds) {
      const result = context.state.results.get(id);
      if (result !== undefined) included.add(taskResultResource(result));
    }
  }
  if (include.has('run') || include.has('run.workspace')) {
    const run = context.state.runs.get(stage.runId);
    if (run !== undefined) {
      included.add(runResource(run));
      const workspace = context.state.workspaces.get(run.workspaceId);
      if (include.has('run.workspace') && workspace !== undefined) {
        included.add(workspaceResource(workspace));
      }
    }
  }
}

/** `GET /runs/:run_id/task-stages`. */
export function listRunTaskStages(context: TfcContext, c: TfcRequest): Response {
  const run = visibleRun(context, c, c.req.param('run_id') ?? '');
  const query = queryOf(c);
  const include = parseInclude(query, TASK_STAGE_INCLUDES);
  const stages = run.stageIds
    .map((id) => context.state.stages.get(id))
    .filter((stage) => stage !== undefined);
  const page = paginate(stages, parsePage(query), c.req.url);
  const included = new IncludedSet();
  for (const stage of page.items) includeForStage(context, stage, include, included);
  return jsonApi(200, {
    data: page.items.map(taskStageResource),
    ...(include.size > 0 ? { included: included.toArray() } : {}),
    links: page.links,
    meta: page.meta,
  });
}

/** `GET /task-stages/:id`. */
export function showTaskStage(context: TfcContext, c: TfcRequest): Response {
  const stage = visibleStage(context, c, c.req.param('id') ?? '');
  const include = parseInclude(queryOf(c), TASK_STAGE_INCLUDES);
  const included = new IncludedSet();
  includeForStage(context, stage, include, included);
  return jsonApi(200, {
    data: taskStageResource(stage),
    ...(include.size > 0 ? { included: included.toArray() } : {}),
  });
}

/** `POST /task-stages/:id/actions/override`: only `awaiting_override` can be overridden. */
export async function overrideTaskStage(context: TfcContext, c: TfcRequest): Promise<Response> {
  const stage = visibleStage(context, c, c.req.param('id') ?? '');
  requireJsonApiContentType(c, context.state.settings.strictContentType);
  // go-tfe v1 sends plain `{"comment":…}` or `{}`, v2 nothing; the comment is not kept.
  await readOptionalBody(c);
  if (stage.status !== 'awaiting_override') {
    throw new TfcError('conflict', { detail: DETAIL_TRANSITION_NOT_ALLOWED });
  }
  const now = context.clock.now();
  stage.status = 'running';
  stage.statusTimestamps.running = now;
  stage.updatedAtMs = now;
  context.state.touch('stages', stage);
  const document = { data: taskStageResource(stage) };
  context.state.events.emit('task-stage:overridden', stage);
  return jsonApi(200, document);
}

/** `GET /task-results/:id`. */
export function showTaskResult(context: TfcContext, c: TfcRequest): Response {
  const result = context.state.results.get(c.req.param('id') ?? '');
  if (result === undefined) throw notFound();
  visibleRun(context, c, result.runId);
  return jsonApi(200, { data: taskResultResource(result) });
}

/** `GET /runs/:id[?include=task_stages]`. */
export function showRun(context: TfcContext, c: TfcRequest): Response {
  const run = visibleRun(context, c, c.req.param('id') ?? '');
  const include = parseInclude(queryOf(c), ['task_stages', 'workspace']);
  const included = new IncludedSet();
  if (include.has('task_stages')) {
    for (const id of run.stageIds) {
      const stage = context.state.stages.get(id);
      if (stage !== undefined) included.add(taskStageResource(stage));
    }
  }
  const workspace = context.state.workspaces.get(run.workspaceId);
  if (include.has('workspace') && workspace !== undefined) {
    included.add(workspaceResource(workspace));
  }
  return jsonApi(200, {
    data: runResource(run),
    ...(include.size > 0 ? { included: included.toArray() } : {}),
  });
}
