/**
 * The read side of structured outcomes (research §6.4, spec only): the
 * outcomes of a task result, one outcome, and an outcome's markdown body.
 * They show what callbacks stored; nothing here changes them.
 */

import type { TfcContext, TfcRequest } from './context.ts';
import { notFound } from './errors.ts';
import { jsonApi, parseInclude, queryOf } from './json-api.ts';
import { paginate, parsePage } from './pagination.ts';
import { taskResultOutcomeResource } from './representation.ts';
import { visibleRun } from './task-stages.ts';
import type { OutcomeRecord, TaskResultRecord } from './types.ts';

/** The spec lists no `include` for these reads: any value is 400 (research §1.6). */
const NO_INCLUDES: readonly string[] = [];

function visibleResult(context: TfcContext, c: TfcRequest, id: string): TaskResultRecord {
  const result = context.state.results.get(id);
  if (result === undefined) throw notFound();
  visibleRun(context, c, result.runId);
  return result;
}

function visibleOutcome(context: TfcContext, c: TfcRequest, id: string): OutcomeRecord {
  const outcome = context.state.outcomes.get(id);
  if (outcome === undefined) throw notFound();
  visibleResult(context, c, outcome.resultId);
  return outcome;
}

/** `GET /task-results/:id/outcomes`: paginated, in the order callbacks sent them. */
export function listTaskResultOutcomes(context: TfcContext, c: TfcRequest): Response {
  const result = visibleResult(context, c, c.req.param('id') ?? '');
  const query = queryOf(c);
  parseInclude(query, NO_INCLUDES);
  const page = paginate(result.outcomes, parsePage(query), c.req.url);
  return jsonApi(200, {
    data: page.items.map(taskResultOutcomeResource),
    links: page.links,
    meta: page.meta,
  });
}

/** `GET /task-result-outcomes/:id`. */
export function showTaskResultOutcome(context: TfcContext, c: TfcRequest): Response {
  const outcome = visibleOutcome(context, c, c.req.param('id') ?? '');
  parseInclude(queryOf(c), NO_INCLUDES);
  return jsonApi(200, { data: taskResultOutcomeResource(outcome) });
}

/** `GET /task-result-outcomes/:id/body`: the markdown a callback sent; 404 when it sent none. */
export function showTaskResultOutcomeBody(context: TfcContext, c: TfcRequest): Response {
  const outcome = visibleOutcome(context, c, c.req.param('id') ?? '');
  if (outcome.body === null) throw notFound();
  return new Response(outcome.body, {
    status: 200,
    headers: { 'content-type': 'text/markdown; charset=utf-8' },
  });
}
