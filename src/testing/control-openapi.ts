/**
 * The OpenAPI description of the root control routes (`control-routes.ts`),
 * relative to `/_taskport`, and the schemas shared by every part of the
 * control API's document.
 */

import {
  ANY_OBJECT,
  arrayOf,
  BOOLEAN,
  type ControlOpenApi,
  INTEGER,
  NUMBER,
  object,
  ref,
  STRING,
} from './openapi-builder.ts';

const NULLABLE_NUMBER = { type: ['number', 'null'] };
const NULLABLE_STRING = { type: ['string', 'null'] };

/** Schemas every part of the document may refer to. */
const schemas = {
  Error: object({ error: STRING }, ['error']),
  Empty: ANY_OBJECT,
  Cleared: object({ cleared: BOOLEAN }, ['cleared']),
  SeedFailure: object({ name: STRING, status: INTEGER, message: STRING }, [
    'name',
    'status',
    'message',
  ]),
  TriggerFired: object(
    {
      dialect: STRING,
      taskId: STRING,
      kind: { enum: ['change', 'cron', 'manual'] },
      result: { enum: ['started', 'coalesced', 'skipped'] },
      reason: STRING,
      executionId: STRING,
      atMs: NUMBER,
    },
    ['dialect', 'taskId', 'kind', 'result', 'atMs'],
  ),
  RunFired: object(
    {
      dialect: STRING,
      taskId: STRING,
      executionId: STRING,
      mode: { enum: ['apply', 'plan'] },
      trigger: { enum: ['change', 'cron', 'manual'] },
      phase: { enum: ['pending', 'running', 'succeeded', 'failed', 'stopped', 'skipped'] },
      startedAtMs: NULLABLE_NUMBER,
      finishedAtMs: NULLABLE_NUMBER,
      failureMessage: NULLABLE_STRING,
    },
    ['dialect', 'taskId', 'executionId', 'mode', 'trigger', 'phase'],
  ),
  WebhookSent: object(
    {
      dialect: STRING,
      id: INTEGER,
      kind: STRING,
      taskId: NULLABLE_STRING,
      resultId: NULLABLE_STRING,
      url: STRING,
      attempt: INTEGER,
      sentAtMs: NUMBER,
    },
    ['dialect', 'id', 'kind', 'url', 'attempt', 'sentAtMs'],
  ),
  Fired: object(
    {
      triggers: arrayOf(ref('TriggerFired')),
      runs: arrayOf(ref('RunFired')),
      webhooks: arrayOf(ref('WebhookSent')),
    },
    ['triggers', 'runs', 'webhooks'],
  ),
  JournalEntry: object(
    {
      seq: INTEGER,
      method: STRING,
      path: STRING,
      query: { type: 'object', additionalProperties: { type: ['string', 'array'] } },
      body: STRING,
      status: INTEGER,
      atMs: NUMBER,
      dialect: STRING,
    },
    ['seq', 'method', 'path', 'query', 'body', 'status', 'atMs', 'dialect'],
  ),
};

const timeNow = { now: { type: 'string', format: 'date-time' }, nowMs: NUMBER };

/** The root control routes. */
export const coreControlOpenApi: ControlOpenApi = {
  schemas,
  paths: {
    '/reset': {
      post: {
        summary: 'Forget every world, rewind a virtual clock to its start, empty the journal',
        response: ref('Empty'),
      },
    },
    '/seed': {
      post: {
        summary: "Create tasks through each dialect's public API",
        body: object({
          cts: object({ tasks: arrayOf(ANY_OBJECT), run: { enum: ['now', 'none'] } }, ['tasks']),
        }),
        response: object({ failures: arrayOf(ref('SeedFailure')) }, ['failures']),
      },
    },
    '/clock': {
      get: {
        summary: "The fake's time, and whether it is virtual",
        response: object({ ...timeNow, controlsTime: BOOLEAN }, ['now', 'nowMs', 'controlsTime']),
      },
    },
    '/clock/advance': {
      post: {
        summary: 'Move virtual time forward; answers what fired on the way',
        description:
          '422 when more timers than advanceMaxTimers fell due: the clock stands at the last one fired (`now`, `nowMs` in the body); 409 on a real clock.',
        body: object({ ms: { type: 'number', minimum: 0 } }, ['ms']),
        response: object({ ...timeNow, fired: ref('Fired') }, ['now', 'nowMs', 'fired']),
        errors: [409, 422],
      },
    },
    '/idle': {
      get: {
        summary: 'Whether anything is queued or running; moves no time, waits for nothing',
        response: object(
          {
            idle: BOOLEAN,
            dialects: { type: 'object', additionalProperties: BOOLEAN },
            nowMs: NUMBER,
            timers: {
              type: ['object', 'null'],
              properties: { pending: INTEGER, nextAtMs: NULLABLE_NUMBER },
            },
          },
          ['idle', 'dialects', 'nowMs', 'timers'],
        ),
      },
    },
    '/when-idle': {
      post: {
        summary: 'Wait until no run is active, moving virtual time while runs wait on it',
        response: object({ nowMs: NUMBER }, ['nowMs']),
      },
    },
    '/wait-for-idle': {
      post: {
        summary: 'The former name of POST /_taskport/when-idle',
        response: object({ nowMs: NUMBER }, ['nowMs']),
        deprecated: true,
      },
    },
    '/journal': {
      get: {
        summary: 'The requests the fake received, oldest first',
        query: {
          method: { description: 'Only this method' },
          path: { description: 'Only this exact path' },
          status: { description: 'Only this status', schema: INTEGER },
          dialect: { description: 'Only this dialect (`cts`, `tfc`, `ona`, `control`, `none`)' },
        },
        response: object({ calls: arrayOf(ref('JournalEntry')) }, ['calls']),
      },
      delete: { summary: 'Empty the journal', response: ref('Empty') },
    },
    '/openapi/control.json': {
      get: { summary: 'This document', response: ANY_OBJECT },
    },
  },
};

/** The route of a dialect's own API description, `/openapi/<dialect>.json`. */
export function dialectOpenApiPath(dialect: string): ControlOpenApi['paths'] {
  return {
    [`/openapi/${dialect}.json`]: {
      get: {
        summary: `The OpenAPI document of the ${dialect} dialect's API`,
        response: ANY_OBJECT,
      },
    },
  };
}
