/**
 * The OpenAPI description of the scripted-outcome routes a dialect has when
 * it scripts its runs (`/outcomes…`, `outcome-routes.ts`), for an outcome
 * schema of its own.
 */

import {
  arrayOf,
  type JsonSchema,
  object,
  type PathSpecs,
  ref,
  STRING,
} from './openapi-builder.ts';

/** The `/outcomes` routes of a dialect whose outcomes are `outcome` (a schema reference). */
export function outcomePaths(outcome: JsonSchema): PathSpecs {
  const queues = { type: 'object', additionalProperties: arrayOf(outcome) };
  return {
    '/outcomes': {
      get: {
        summary: 'The queued outcomes, the task defaults and the default',
        response: object(
          {
            pending: queues,
            taskDefaults: { type: 'object', additionalProperties: outcome },
            default: outcome,
          },
          ['pending', 'taskDefaults', 'default'],
        ),
      },
      post: {
        summary: "Queue outcomes for a task's next runs, after those queued",
        body: object({ task: STRING, outcomes: arrayOf(outcome) }, ['task', 'outcomes']),
        response: ref('Empty'),
      },
    },
    '/outcomes/default': {
      put: {
        summary: 'The outcome of runs nobody scripted',
        body: outcome,
        response: ref('Empty'),
      },
    },
    '/outcomes/tasks/{task}/queue': {
      put: {
        summary: "Replace a task's queue (an empty list empties it)",
        body: object({ outcomes: arrayOf(outcome) }, ['outcomes']),
        response: object({ pending: arrayOf(outcome) }, ['pending']),
      },
      delete: { summary: "Empty a task's queue", response: ref('Cleared') },
    },
    '/outcomes/tasks/{task}/default': {
      put: {
        summary:
          "The outcome of the task's runs that find nothing queued, from now on until changed",
        body: outcome,
        response: object({ default: outcome }, ['default']),
      },
      delete: { summary: "Forget a task's default", response: ref('Cleared') },
    },
  };
}
