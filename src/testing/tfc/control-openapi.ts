/**
 * The OpenAPI description of the tfc control routes (`control-routes.ts`),
 * relative to `/_taskport/tfc`. Records are described by their main keys;
 * they carry more, as `GET` answers show.
 */

import {
  ANY_OBJECT,
  arrayOf,
  BOOLEAN,
  type ControlOpenApi,
  type JsonSchema,
  NUMBER,
  object,
  ref,
  STRING,
} from '../openapi-builder.ts';

/** A record with these keys among others. */
function record(properties: Readonly<Record<string, JsonSchema>>, required: string[]): JsonSchema {
  return { ...object(properties, required), additionalProperties: true };
}

const organizations = { oneOf: [{ const: 'all' }, arrayOf(STRING)] };
const idle = {
  summary: 'Wait until no request to a run task is in flight',
  response: ref('Empty'),
};

export const tfcControlOpenApi: ControlOpenApi = {
  schemas: {
    TfcOrganization: record({ name: STRING, email: STRING, entitlements: ANY_OBJECT }, ['name']),
    TfcWorkspace: record({ id: STRING, organization: STRING, name: STRING }, [
      'id',
      'organization',
      'name',
    ]),
    TfcToken: object({ token: STRING, organizations }, ['token', 'organizations']),
    TfcRun: record(
      {
        id: STRING,
        workspaceId: STRING,
        organization: STRING,
        status: STRING,
        isSpeculative: BOOLEAN,
        stages: arrayOf(ref('TfcTaskStage')),
      },
      ['id', 'workspaceId', 'status', 'stages'],
    ),
    TfcTaskStage: record(
      { id: STRING, stage: STRING, status: STRING, results: arrayOf(ref('TfcTaskResult')) },
      ['id', 'stage', 'status'],
    ),
    TfcTaskResult: record({ id: STRING, status: STRING, message: STRING }, ['id', 'status']),
    TfcWebhook: record(
      {
        id: NUMBER,
        kind: { enum: ['verification', 'run-task'] },
        taskId: { type: ['string', 'null'] },
        resultId: { type: ['string', 'null'] },
        url: STRING,
        attempt: NUMBER,
        body: STRING,
        sentAtMs: NUMBER,
        accepted: BOOLEAN,
      },
      ['id', 'kind', 'url'],
    ),
  },
  paths: {
    '/organizations': {
      post: {
        summary: 'Create an organization',
        body: object({ name: STRING, email: STRING, entitlements: ANY_OBJECT }, ['name']),
        response: object({ organization: ref('TfcOrganization') }, ['organization']),
        status: 201,
      },
    },
    '/organizations/{name}/entitlements': {
      patch: {
        summary: "Change an organization's entitlements",
        body: ANY_OBJECT,
        response: object({ entitlements: ANY_OBJECT }, ['entitlements']),
      },
    },
    '/workspaces': {
      post: {
        summary: 'Create a workspace in an organization',
        body: object(
          { organization: STRING, name: STRING, workingDirectory: STRING, vcs: ANY_OBJECT },
          ['organization', 'name'],
        ),
        response: object({ workspace: ref('TfcWorkspace') }, ['workspace']),
        status: 201,
      },
    },
    '/tokens': {
      get: {
        summary: 'Every bearer token, with the organizations it sees',
        response: object({ tokens: arrayOf(ref('TfcToken')) }, ['tokens']),
      },
      post: {
        summary: 'Create a bearer token (a token string that exists is replaced)',
        body: object({ token: STRING, organizations }),
        response: object({ token: STRING }, ['token']),
        status: 201,
      },
    },
    '/tokens/{token}/organizations': {
      post: {
        summary: 'Let a token see more organizations, keeping those it sees',
        body: object({ organizations }, ['organizations']),
        response: object({ token: ref('TfcToken') }, ['token']),
        errors: [404],
      },
    },
    '/agent-pools': {
      post: {
        summary: 'Create an agent pool',
        body: object({ organization: STRING, name: STRING }, ['organization']),
        response: object({ agentPool: ANY_OBJECT }, ['agentPool']),
        status: 201,
      },
    },
    '/runs': {
      get: {
        summary: 'Runs, oldest first',
        query: { workspace: { description: 'Only the runs of this workspace id' } },
        response: object({ runs: arrayOf(ref('TfcRun')) }, ['runs']),
      },
      post: {
        summary: 'Start a run on a workspace',
        body: object(
          { workspaceId: STRING, message: STRING, speculative: BOOLEAN, createdBy: STRING },
          ['workspaceId'],
        ),
        response: object({ run: ref('TfcRun') }, ['run']),
        status: 201,
      },
    },
    '/runs/{id}': {
      get: {
        summary: 'A run with its stages and results',
        response: object({ run: ref('TfcRun') }, ['run']),
        errors: [404],
      },
    },
    '/runs/{id}/cancel': {
      post: {
        summary: 'Cancel a run',
        response: object({ run: ref('TfcRun') }, ['run']),
        errors: [404, 409],
      },
    },
    '/task-stages/{id}': {
      get: {
        summary: 'A task stage with its results',
        response: object({ stage: ref('TfcTaskStage') }, ['stage']),
        errors: [404],
      },
    },
    '/task-results/{id}': {
      get: {
        summary: 'A task result',
        response: object({ result: ref('TfcTaskResult') }, ['result']),
        errors: [404],
      },
    },
    '/tasks': {
      get: {
        summary: 'Run tasks and their workspace associations, as stored',
        response: object({ tasks: arrayOf(ANY_OBJECT), workspaceTasks: arrayOf(ANY_OBJECT) }, [
          'tasks',
          'workspaceTasks',
        ]),
      },
    },
    '/webhooks': {
      get: {
        summary: 'Every request sent to a run task, with its answer',
        query: {
          kind: { description: '`verification` or `run-task`' },
          task: { description: 'Only the requests to this task id' },
          result: { description: 'Only the requests of this task result id' },
        },
        response: object({ webhooks: arrayOf(ref('TfcWebhook')) }, ['webhooks']),
      },
    },
    '/knobs': {
      get: {
        summary: 'The behaviour switches',
        response: object({ knobs: ANY_OBJECT }, ['knobs']),
      },
      patch: {
        summary: 'Change behaviour switches',
        body: ANY_OBJECT,
        response: object({ knobs: ANY_OBJECT }, ['knobs']),
      },
    },
    '/base-url': {
      post: {
        summary: 'The public base URL put in payloads and callback URLs',
        body: object({ url: STRING }, ['url']),
        response: ref('Empty'),
      },
    },
    '/rate-limit': {
      post: {
        summary: 'The next `count` API requests answer 429',
        body: object({ count: { type: 'integer', minimum: 0 } }, ['count']),
        response: ref('Empty'),
      },
    },
    '/when-idle': { post: idle },
    '/wait-for-idle': {
      post: {
        ...idle,
        summary: 'The former name of POST /_taskport/tfc/when-idle',
        deprecated: true,
      },
    },
  },
};
