/**
 * The cluster's control API, mounted at `/_taskport/cts/cluster`: the same
 * operations as {@link CtsCluster}'s methods, as JSON.
 *
 * - `GET  /`                      the snapshot (leader, lock holder, members with their URLs)
 * - `GET  /transitions`           every transition, oldest first
 * - `POST /failover`              stops the leader; body: {@link CtsMemberStopOptions}
 * - `POST /members/{id}/stop`     stops a member; same body
 * - `POST /members/{id}/start`    starts it again, as a follower
 */

import { type Context, Hono } from 'hono';
import { jsonBody } from '../../control-input.ts';
import type { CtsCluster } from './cluster.ts';
import { CtsClusterError } from './errors.ts';
import type { CtsMemberStopOptions } from './options.ts';

async function stopOptions(c: Context): Promise<CtsMemberStopOptions> {
  // A bad body is a ControlInputError, which onError answers with 400.
  const { mode, port, successor } = await jsonBody(c);
  if (mode !== undefined && mode !== 'crash' && mode !== 'graceful')
    throw new CtsClusterError("`mode` must be 'crash' or 'graceful'");
  if (port !== undefined && port !== 'close' && port !== 'unhealthy')
    throw new CtsClusterError("`port` must be 'close' or 'unhealthy'");
  if (successor !== undefined && (typeof successor !== 'string' || successor === ''))
    throw new CtsClusterError('`successor` must be a member id');
  return { mode, port, successor } as CtsMemberStopOptions;
}

/** Builds the cluster routes; `cluster()` throws when the fake runs no cluster. */
export function clusterRoutes(cluster: () => CtsCluster): Hono {
  const routes = new Hono();
  routes.get('/', (c) => c.json(cluster().snapshot()));
  routes.get('/transitions', (c) => c.json({ transitions: cluster().transitions() }));
  routes.post('/failover', async (c) => {
    const member = await cluster().failover(await stopOptions(c));
    return c.json({ member, cluster: cluster().snapshot() });
  });
  routes.post('/members/:id/stop', async (c) => {
    const member = await cluster().stop(c.req.param('id'), await stopOptions(c));
    return c.json({ member, cluster: cluster().snapshot() });
  });
  routes.post('/members/:id/start', async (c) => {
    const member = await cluster().start(c.req.param('id'));
    return c.json({ member, cluster: cluster().snapshot() });
  });
  routes.onError((error, c) =>
    error instanceof CtsClusterError
      ? c.json({ error: error.message }, error.status)
      : c.json({ error: error.message }, 400),
  );
  return routes;
}
