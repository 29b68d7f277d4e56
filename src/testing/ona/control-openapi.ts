/**
 * The OpenAPI description of the Ona control routes (`control-routes.ts`),
 * relative to `/_taskport/ona`.
 */

import { TRIGGER_KEYS } from '../../api/ona/schema.ts';
import {
  ANY_OBJECT,
  arrayOf,
  type ControlOpenApi,
  NUMBER,
  object,
  ref,
  STRING,
} from '../openapi-builder.ts';
import { outcomePaths } from '../outcome-openapi.ts';

const environment = ref('OnaEnvironment');

export const onaControlOpenApi: ControlOpenApi = {
  schemas: {
    OnaOutcome: {
      oneOf: [
        object(
          {
            kind: { const: 'succeed' },
            durationMs: { type: 'number', minimum: 0 },
            output: { type: 'object', additionalProperties: STRING },
          },
          ['kind'],
        ),
        object(
          { kind: { const: 'fail' }, message: STRING, durationMs: { type: 'number', minimum: 0 } },
          ['kind'],
        ),
        object({ kind: { const: 'hang' } }, ['kind']),
      ],
    },
    OnaEnvironment: object({ id: STRING, name: STRING, createdAtMs: NUMBER }, [
      'id',
      'name',
      'createdAtMs',
    ]),
  },
  paths: {
    '/reset': {
      post: {
        summary: 'Forget every Ona task, execution, environment and script',
        response: ref('Empty'),
      },
    },
    '/environments': {
      get: {
        summary: 'The environments tasks can live in',
        response: object({ environments: arrayOf(environment) }, ['environments']),
      },
      post: {
        summary: 'Create an environment',
        body: object({ id: STRING, name: STRING }),
        response: object({ environment }, ['environment']),
        status: 201,
      },
    },
    '/environments/{id}': {
      delete: {
        summary: 'Remove an environment and its tasks',
        response: ref('Empty'),
        errors: [404],
      },
    },
    '/environments/{id}/automations': {
      post: {
        summary: "Create or update an environment's tasks from an automations.yaml",
        body: 'yaml',
        response: ANY_OBJECT,
        errors: [404],
      },
    },
    '/environments/{id}/triggers': {
      post: {
        summary: 'Start the tasks a trigger selects',
        body: object({ trigger: { enum: [...TRIGGER_KEYS] } }, ['trigger']),
        response: object(
          {
            taskExecutions: arrayOf(ANY_OBJECT),
            failures: arrayOf(object({ taskId: STRING, code: STRING, message: STRING })),
          },
          ['taskExecutions', 'failures'],
        ),
        errors: [404],
      },
    },
    ...outcomePaths(ref('OnaOutcome')),
    '/step-runs': {
      get: {
        summary: 'Every step the scripted executor ran, oldest first',
        response: object({ stepRuns: arrayOf(ANY_OBJECT) }, ['stepRuns']),
      },
    },
  },
};
