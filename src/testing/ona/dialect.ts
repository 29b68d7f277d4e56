/**
 * The `ona` dialect as the fake server serves it: the Connect service
 * under `/api`, its control routes under `/_taskport/ona`.
 */

import { onaStateOf } from '../../api/ona/state.ts';
import type { FakeDialect } from '../fake-dialect.ts';
import { isUnder, mountedAt } from '../mount.ts';
import { engineSnapshot } from '../world-snapshot.ts';
import { onaControlOpenApi } from './control-openapi.ts';
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
  controlOpenApi: onaControlOpenApi,
  snapshot: async (world) => ({
    // Ona records no task history, and runs each execution as a task of its
    // own: health, events and executions come from its execution records.
    ...(await engineSnapshot(world.engine, {
      history: 'executions',
      executions: [...onaStateOf(world.engine).executions.values()].flatMap((record) =>
        record.run === undefined ? [] : [{ taskId: record.taskId, execution: record.run }],
      ),
    })),
    pendingOutcomes: world.control.pendingOutcomes(),
  }),
  startHint: {
    path: '/api/gitpod.v1.EnvironmentAutomationService',
    // Any non-empty bearer token passes by default (OnaFakeOptions.auth).
    example: (url) =>
      `curl -X POST -H 'authorization: Bearer any' -H 'content-type: application/json' -d '{}' ${url}/api/gitpod.v1.EnvironmentAutomationService/ListTasks`,
  },
};
