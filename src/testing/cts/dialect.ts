/**
 * The `cts` dialect as the fake server serves it: one simulated CTS daemon
 * (or, with `cts.cluster`, an HA cluster) under `/v1`, its control routes
 * under `/_taskport/cts`, and seeding through `POST /v1/tasks`.
 */

import ctsOpenApi from '../../api/cts/openapi.json' with { type: 'json' };
import type { TaskRequestTask } from '../../api/cts/types.ts';
import type { FakeDialect, SeedFailure } from '../fake-dialect.ts';
import { isUnder } from '../mount.ts';
import { withPrefixedMember } from '../prefixed-links.ts';
import { engineSnapshot } from '../world-snapshot.ts';
import { CtsCluster } from './cluster/cluster.ts';
import { createProcessHaMember } from './cluster/process-member.ts';
import { ctsControlOpenApi } from './control-openapi.ts';
import {
  type CtsFake,
  type CtsFakeOptions,
  createCtsClusterFake,
  createCtsFake,
  createCtsProcessHaFake,
} from './cts-fake.ts';

/** What `seed({ cts })` creates. */
export interface CtsSeedInput {
  /** Tasks as the `task` object of `POST /v1/tasks`. */
  readonly tasks: readonly TaskRequestTask[];
  /** `now` runs each task once, in order, as CTS's once mode does at start-up. @default 'none' */
  readonly run?: 'now' | 'none';
}

/** The fake's `cts` dialect. */
export const ctsDialect: FakeDialect<CtsFakeOptions, CtsFake, CtsSeedInput> = {
  title: 'Consul-Terraform-Sync (/v1)',
  waitsOn: 'clock',
  claim: (path) => (isUnder(path, '/v1') ? 'cts' : undefined),
  handler: (world) => world.app.fetch,
  // `withCORS` is the root router's first middleware (`api/api.go`): paths
  // outside /v1 get its headers, and OPTIONS its 200, as /v1 paths do.
  answersUnclaimed: true,
  // A status's `events_url` (empty when the task has no events): only the
  // task status routes have one, the others' bodies are left unread.
  withPrefix: (response, at) =>
    isUnder(at.path, '/v1/status/tasks')
      ? withPrefixedMember(response, at, 'events_url')
      : response,
  create({ clock, journal }, options) {
    const { cluster, globalBufferPeriod, processHa } = options;
    if (processHa !== undefined) {
      return createCtsProcessHaFake(
        createProcessHaMember(clock, processHa, globalBufferPeriod, journal),
      );
    }
    if (cluster === undefined) return createCtsFake(clock, options);
    return createCtsClusterFake(new CtsCluster({ clock, cluster, globalBufferPeriod, journal }));
  },
  async seed(world, input) {
    const failures: SeedFailure[] = [];
    const query = input.run === 'now' ? '?run=now' : '';
    for (const task of input.tasks) {
      // Once mode runs tasks sequentially, in order.
      const response = await world.app.request(`/v1/tasks${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ task }),
      });
      if (response.status >= 300) {
        const body = (await response.json()) as { error?: { message?: string } };
        failures.push({
          name: String((task as { name?: unknown }).name),
          status: response.status,
          message: body.error?.message ?? '',
        });
      }
    }
    return failures;
  },
  openApi: ctsOpenApi,
  controlOpenApi: ctsControlOpenApi,
  snapshot: async (world) => ({
    ...(await engineSnapshot(world.engine)),
    pendingOutcomes: world.control.pendingOutcomes(),
  }),
  startHint: { path: '/v1', example: (url) => `curl ${url}/v1/tasks` },
};
