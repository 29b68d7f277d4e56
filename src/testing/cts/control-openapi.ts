/**
 * The OpenAPI description of the CTS control routes (`control-routes.ts`
 * and `cluster/routes.ts`), relative to `/_taskport/cts`.
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
} from '../openapi-builder.ts';
import { outcomePaths } from '../outcome-openapi.ts';

const service = ref('CtsServiceInstance');
const memberResult = object({ member: ref('CtsClusterMember'), cluster: ref('CtsCluster') }, [
  'member',
  'cluster',
]);
const stopBody = object({
  mode: { enum: ['crash', 'graceful'] },
  port: { enum: ['close', 'unhealthy'] },
  successor: STRING,
});
const health = { enum: ['passing', 'warning', 'critical'] };

export const ctsControlOpenApi: ControlOpenApi = {
  schemas: {
    CtsOutcome: object({
      initError: STRING,
      success: BOOLEAN,
      error: STRING,
      durationMs: { type: 'number', minimum: 0 },
      plan: STRING,
      changesPresent: BOOLEAN,
      mode: { enum: ['apply', 'inspect'] },
    }),
    CtsServiceInstance: {
      ...object({ id: STRING, name: STRING, node: STRING, status: health }),
      additionalProperties: true,
    },
    CtsClusterMember: {
      ...object({
        id: STRING,
        serviceName: STRING,
        address: { type: ['string', 'null'] },
        port: { type: ['integer', 'null'] },
        url: { type: ['string', 'null'] },
        state: STRING,
        healthy: BOOLEAN,
        listed: BOOLEAN,
        leader: BOOLEAN,
      }),
      additionalProperties: true,
    },
    CtsCluster: object(
      {
        name: STRING,
        leader: { type: ['string', 'null'] },
        lockHolder: { type: ['string', 'null'] },
        members: arrayOf(ref('CtsClusterMember')),
      },
      ['name', 'leader', 'lockHolder', 'members'],
    ),
  },
  paths: {
    '/services': {
      get: {
        summary: 'The simulated Consul catalog',
        response: object({ services: arrayOf(service) }, ['services']),
      },
      post: {
        summary: 'Register a service instance',
        body: {
          ...object(
            {
              name: STRING,
              id: STRING,
              address: STRING,
              port: INTEGER,
              tags: arrayOf(STRING),
              meta: { type: 'object', additionalProperties: STRING },
              node: STRING,
              datacenter: STRING,
              namespace: STRING,
              status: health,
            },
            ['name'],
          ),
        },
        response: object({ service }, ['service']),
        status: 201,
      },
    },
    '/services/{id}': {
      delete: {
        summary: 'Deregister a service instance',
        query: { node: { description: 'The node of the instance' } },
        response: ref('Empty'),
        errors: [404],
      },
    },
    '/services/{id}/health': {
      put: {
        summary: "Set an instance's health",
        query: { node: { description: 'The node of the instance' } },
        body: object({ status: health }, ['status']),
        response: object({ service }, ['service']),
        errors: [404],
      },
    },
    '/kv': {
      get: {
        summary: 'The KV store',
        response: object({ keys: { type: 'object', additionalProperties: STRING } }, ['keys']),
      },
    },
    '/kv/{key}': {
      put: {
        summary: 'Set a key (the body is the value, of any type); the key may contain slashes',
        body: 'text',
        response: ref('Empty'),
      },
      delete: {
        summary: 'Delete a key, or with `recurse` every key under it',
        query: { recurse: { description: 'Present: every key under this prefix' } },
        response: object({ deleted: INTEGER }, ['deleted']),
      },
    },
    ...outcomePaths(ref('CtsOutcome')),
    '/cluster': {
      get: {
        summary: 'The simulated HA cluster: leader, lock holder, members',
        response: ref('CtsCluster'),
        errors: [500],
      },
    },
    '/cluster/transitions': {
      get: {
        summary: "The cluster's transitions, oldest first",
        response: object(
          {
            transitions: arrayOf({
              ...object({ seq: INTEGER, atMs: NUMBER, kind: STRING, member: STRING }),
              additionalProperties: true,
            }),
          },
          ['transitions'],
        ),
        errors: [500],
      },
    },
    '/cluster/failover': {
      post: {
        summary: 'Stop the leader',
        body: stopBody,
        response: memberResult,
        errors: [404, 409, 500],
      },
    },
    '/cluster/members/{id}/stop': {
      post: {
        summary: 'Stop a member',
        body: stopBody,
        response: memberResult,
        errors: [404, 409, 500],
      },
    },
    '/cluster/members/{id}/start': {
      post: {
        summary: 'Start a member again, as a follower',
        response: memberResult,
        errors: [404, 409, 500],
      },
    },
  },
};
