/**
 * The `ona` dialect as the fake server serves it: the Connect service
 * under `/api`, its control routes under `/_taskport/ona`.
 */

import type { FakeDialect } from '../fake-dialect.ts';
import { isUnder, mountedAt } from '../mount.ts';
import { engineSnapshot } from '../world-snapshot.ts';
import { createOnaFake, type OnaFake, type OnaFakeOptions } from './ona-fake.ts';

/** The fake's `ona` dialect. */
export const onaDialect: FakeDialect<OnaFakeOptions, OnaFake> = {
  title: 'Ona automation (/api/gitpod.v1.EnvironmentAutomationService)',
  waitsOn: 'clock',
  // Everything under /api that tfc did not claim; only the service's own
  // paths are journaled as `ona`.
  claim: (path) =>
    isUnder(path, '/api') ? (path.startsWith('/api/gitpod.') ? 'ona' : 'none') : undefined,
  handler: (world) => mountedAt('/api', world.app).fetch,
  create: ({ clock }, options) => createOnaFake(clock, options),
  snapshot: async (world) => ({
    ...(await engineSnapshot(world.engine)),
    pendingOutcomes: world.control.pendingOutcomes(),
  }),
  startHint: {
    path: '/api/gitpod.v1.EnvironmentAutomationService',
    // Any non-empty bearer token passes by default (OnaFakeOptions.auth).
    example: (url) =>
      `curl -X POST -H 'authorization: Bearer any' -H 'content-type: application/json' -d '{}' ${url}/api/gitpod.v1.EnvironmentAutomationService/ListTasks`,
  },
};
