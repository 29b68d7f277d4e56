/**
 * The OpenAPI description of the namespaces' routes (`namespace-routes.ts`),
 * relative to `/_taskport`.
 */

import {
  arrayOf,
  BOOLEAN,
  type ControlOpenApi,
  INTEGER,
  NUMBER,
  object,
  ref,
  STRING,
} from './openapi-builder.ts';

const options = object({
  clock: { enum: ['real', 'virtual'] },
  startMs: INTEGER,
  cts: object({ enterprise: BOOLEAN }),
});

export const namespaceControlOpenApi: ControlOpenApi = {
  schemas: {
    NamespaceOptions: options,
    Namespace: object(
      {
        name: STRING,
        createdAt: STRING,
        clock: { enum: ['real', 'virtual'] },
        now: STRING,
        nowMs: NUMBER,
        durable: BOOLEAN,
        options: ref('NamespaceOptions'),
      },
      ['name', 'createdAt', 'clock', 'now', 'nowMs', 'durable', 'options'],
    ),
  },
  paths: {
    '/namespaces': {
      get: {
        summary: 'Every namespace, the default first, and how many more may be made',
        response: object({ namespaces: arrayOf(ref('Namespace')), maxNamespaces: INTEGER }, [
          'namespaces',
          'maxNamespaces',
        ]),
      },
      delete: {
        summary: 'Remove every namespace but the default',
        response: object({ deleted: arrayOf(STRING) }, ['deleted']),
      },
    },
    '/namespaces/{name}': {
      get: { summary: 'One namespace', response: ref('Namespace'), errors: [404] },
      put: {
        summary: 'Create a namespace (200 when it exists with the same options)',
        description:
          '409 when it exists with other options, or when maxNamespaces are already made.',
        body: ref('NamespaceOptions'),
        response: ref('Namespace'),
        status: 201,
        errors: [409],
      },
      delete: {
        summary: 'Remove a namespace: its timers and runs stop (409 for the default)',
        response: ref('Empty'),
        errors: [404, 409],
      },
    },
  },
};
