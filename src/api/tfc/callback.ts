/**
 * `PATCH /task-results/:guid/callback`: the run task reports progress and its
 * result (research §4.4). The bearer token is the request's `access_token`.
 */

import type { Context } from 'hono';
import type { TfcContext } from './context.ts';
import { invalidAttribute, notFound, TfcError } from './errors.ts';
import { newId } from './ids.ts';
import { isObject, jsonApi, readDocument, requireJsonApiContentType } from './json-api.ts';
import {
  DETAIL_CALLBACK_MESSAGE_INVALID,
  DETAIL_CALLBACK_STATUS,
  DETAIL_CALLBACK_URL_INVALID,
  DETAIL_DATA_REQUIRED,
  DETAIL_OUTCOMES_INVALID,
  DETAIL_RESULT_FINAL,
  DETAIL_TYPE_INVALID,
} from './messages.ts';
import { taskResultResource } from './representation.ts';
import type { OutcomeRecord, TaskResultRecord, TaskResultStatus } from './types.ts';

/** Statuses a run task may report; anything else is 422. */
export const CALLBACK_STATUSES: readonly TaskResultStatus[] = ['running', 'passed', 'failed'];

/** Whether a result status is final. */
export function isFinalResultStatus(status: TaskResultStatus): boolean {
  return status !== 'pending' && status !== 'running';
}

interface CallbackFields {
  status: 'running' | 'passed' | 'failed';
  message?: string;
  url?: string;
  outcomes: Omit<OutcomeRecord, 'id' | 'resultId' | 'createdAtMs'>[];
}

function optionalString(value: unknown, detail: string, pointer: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidAttribute(detail, pointer);
  return value;
}

function readTags(value: unknown, pointer: string): OutcomeRecord['tags'] {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalidAttribute(DETAIL_OUTCOMES_INVALID, pointer);
  const tags: OutcomeRecord['tags'] = {};
  for (const [key, list] of Object.entries(value)) {
    if (!Array.isArray(list)) throw invalidAttribute(DETAIL_OUTCOMES_INVALID, pointer);
    tags[key] = list.map((tag) => {
      if (!isObject(tag) || typeof tag.label !== 'string') {
        throw invalidAttribute(DETAIL_OUTCOMES_INVALID, pointer);
      }
      const level = tag.level ?? 'none';
      if (typeof level !== 'string') throw invalidAttribute(DETAIL_OUTCOMES_INVALID, pointer);
      return { label: tag.label, level };
    });
  }
  return tags;
}

function readOutcomes(data: Record<string, unknown>): CallbackFields['outcomes'] {
  const relationships = data.relationships;
  if (relationships === undefined || relationships === null) return [];
  const pointer = '/data/relationships/outcomes';
  if (!isObject(relationships)) throw invalidAttribute(DETAIL_OUTCOMES_INVALID, pointer);
  // The docs name the relationship `outcomes`, the spec's read model `task-result-outcomes`.
  const relationship = relationships.outcomes ?? relationships['task-result-outcomes'];
  if (relationship === undefined || relationship === null) return [];
  if (!isObject(relationship) || !Array.isArray(relationship.data)) {
    throw invalidAttribute(DETAIL_OUTCOMES_INVALID, pointer);
  }
  return relationship.data.map((item, index) => {
    const at = `${pointer}/data/${index}`;
    if (!isObject(item) || item.type !== 'task-result-outcomes' || !isObject(item.attributes)) {
      throw invalidAttribute(DETAIL_OUTCOMES_INVALID, at);
    }
    const attributes = item.attributes;
    const outcomeId = attributes['outcome-id'];
    if (typeof outcomeId !== 'string' || outcomeId === '') {
      throw invalidAttribute(DETAIL_OUTCOMES_INVALID, `${at}/attributes/outcome-id`);
    }
    return {
      outcomeId,
      description: optionalString(attributes.description, DETAIL_OUTCOMES_INVALID, at) ?? null,
      body: optionalString(attributes.body, DETAIL_OUTCOMES_INVALID, at) ?? null,
      url: optionalString(attributes.url, DETAIL_OUTCOMES_INVALID, at) ?? null,
      tags: readTags(attributes.tags, `${at}/attributes/tags`),
    };
  });
}

/** Reads a callback document; only `type`, `status` and basic types are enforced (research §4.4). */
export function readCallback(document: Record<string, unknown>): CallbackFields {
  const data = document.data;
  if (!isObject(data)) throw invalidAttribute(DETAIL_DATA_REQUIRED, '/data');
  if (data.type !== 'task-results' && data.type !== 'task_results') {
    throw invalidAttribute(DETAIL_TYPE_INVALID, '/data/type');
  }
  const attributes = isObject(data.attributes) ? data.attributes : {};
  const status = attributes.status;
  if (status !== 'running' && status !== 'passed' && status !== 'failed') {
    throw invalidAttribute(DETAIL_CALLBACK_STATUS, '/data/attributes/status');
  }
  return {
    status,
    message: optionalString(
      attributes.message,
      DETAIL_CALLBACK_MESSAGE_INVALID,
      '/data/attributes/message',
    ),
    url: optionalString(attributes.url, DETAIL_CALLBACK_URL_INVALID, '/data/attributes/url'),
    outcomes: readOutcomes(data),
  };
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** The result behind a callback URL, if `token` is its live access token. */
function authorizedResult(
  context: TfcContext,
  guid: string,
  token: string | undefined,
): TaskResultRecord {
  const result = context.state.resultsByCallback.get(guid);
  // An unknown callback URL answers like a bad token: the caller learns nothing.
  if (
    result === undefined ||
    token === undefined ||
    result.accessToken === null ||
    token !== result.accessToken ||
    context.clock.now() >= result.tokenExpiresAtMs
  ) {
    throw new TfcError('unauthorized');
  }
  return result;
}

/**
 * The callback route. Order: token (401), content type (415; `application/json`
 * is admitted here), final result (409), document (400/422).
 */
export async function taskResultCallback(context: TfcContext, c: Context): Promise<Response> {
  const guid = c.req.param('guid') ?? '';
  if (guid === '') throw notFound();
  const result = authorizedResult(context, guid, bearerToken(c.req.header('authorization')));
  requireJsonApiContentType(c, context.state.settings.strictContentType, true);
  if (isFinalResultStatus(result.status)) {
    throw new TfcError('conflict', { detail: DETAIL_RESULT_FINAL });
  }
  const fields = readCallback(await readDocument(c));
  // The result may have timed out while the body was read.
  if (isFinalResultStatus(result.status)) {
    throw new TfcError('conflict', { detail: DETAIL_RESULT_FINAL });
  }
  const now = context.clock.now();
  result.status = fields.status;
  if (fields.status !== 'running' || result.statusTimestamps.running === undefined) {
    result.statusTimestamps[fields.status] = now;
  }
  if (fields.message !== undefined) result.message = fields.message;
  if (fields.url !== undefined) result.url = fields.url;
  for (const outcome of fields.outcomes) {
    const record: OutcomeRecord = {
      ...outcome,
      id: newId('taskrout-'),
      resultId: result.id,
      createdAtMs: now,
    };
    result.outcomes.push(record);
    context.state.outcomes.set(record.id, record);
  }
  result.updatedAtMs = now;
  // Each accepted callback keeps the token alive for another idle period (research §4.5).
  result.tokenExpiresAtMs = now + context.state.settings.callbackIdleTimeoutMs;
  context.state.touch('results', result);
  const document = { data: taskResultResource(result) };
  context.state.events.emit('task-result:updated', result);
  return jsonApi(200, document);
}
