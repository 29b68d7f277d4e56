/**
 * The CTS control API over HTTP, under `/_taskport/cts`: the simulated
 * Consul catalog and KV, the scripted outcomes, and the HA cluster.
 */

import { Hono } from 'hono';
import { controlErrorResponse } from '../control-errors.ts';
import { ControlInputError, jsonBody, textBody } from '../control-input.ts';
import { addTaskOutcomeRoutes, outcomesView } from '../outcome-routes.ts';
import type { CtsCluster } from './cluster/cluster.ts';
import { clusterRoutes } from './cluster/routes.ts';
import type { HealthStatus, ServiceRegistration } from './consul-catalog.ts';
import type { CtsControl } from './control.ts';
import type { ScriptedOutcome } from './scripted-outcomes.ts';

function expectString(value: unknown, key: string): string {
  if (typeof value !== 'string' || value === '')
    throw new ControlInputError(`\`${key}\` must be a non-empty string`);
  return value;
}

/**
 * Builds the CTS control routes. `control()` and `cluster()` are read per
 * request (a reset brings a new world) and throw when there is none.
 */
export function ctsControlRoutes(control: () => CtsControl, cluster: () => CtsCluster): Hono {
  const routes = new Hono();

  routes.get('/services', (c) => c.json({ services: control().services() }));
  routes.post('/services', async (c) =>
    c.json(
      {
        service: control().registerService((await jsonBody(c)) as unknown as ServiceRegistration),
      },
      201,
    ),
  );
  routes.delete('/services/:id', (c) => {
    const removed = control().deregisterService(c.req.param('id'), c.req.query('node'));
    return removed
      ? c.json({})
      : c.json({ error: `no service instance ${c.req.param('id')}` }, 404);
  });
  routes.put('/services/:id/health', async (c) => {
    const status = expectString((await jsonBody(c)).status, 'status') as HealthStatus;
    const service = control().setHealth(c.req.param('id'), status, c.req.query('node'));
    return service === undefined
      ? c.json({ error: `no service instance ${c.req.param('id')}` }, 404)
      : c.json({ service });
  });

  routes.get('/kv', (c) => c.json({ keys: control().keys() }));
  routes.put('/kv/*', async (c) => {
    const key = c.req.path.slice(c.req.path.indexOf('/cts/kv/') + '/cts/kv/'.length);
    control().putKey(expectString(decodeURIComponent(key), 'key'), await textBody(c));
    return c.json({});
  });
  routes.delete('/kv/*', (c) => {
    const key = c.req.path.slice(c.req.path.indexOf('/cts/kv/') + '/cts/kv/'.length);
    return c.json({
      deleted: control().deleteKey(decodeURIComponent(key), {
        recurse: c.req.query('recurse') !== undefined,
      }),
    });
  });

  routes.get('/outcomes', (c) => c.json(outcomesView(control())));
  routes.post('/outcomes', async (c) => {
    const body = await jsonBody(c);
    const task = expectString(body.task, 'task');
    if (!Array.isArray(body.outcomes)) throw new ControlInputError('`outcomes` must be an array');
    control().script(task, ...(body.outcomes as ScriptedOutcome[]));
    return c.json({});
  });
  routes.put('/outcomes/default', async (c) => {
    control().setDefaultOutcome((await jsonBody(c)) as ScriptedOutcome);
    return c.json({});
  });
  addTaskOutcomeRoutes(routes, control);

  routes.route('/cluster', clusterRoutes(cluster));

  // Mounted, a sub-app's notFound is ignored, so the catch-all is a route;
  // it must stay the last one registered. Its wording is the root routes'.
  routes.all('*', (c) =>
    c.json({ error: `taskport: no control route ${c.req.method} ${c.req.path}` }, 404),
  );
  // The root routes' error answer: these routes were theirs once, and answer alike.
  routes.onError(controlErrorResponse);
  return routes;
}
