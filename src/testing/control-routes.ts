/**
 * The control API over HTTP, under `/_taskport/`: the same operations as
 * {@link FakeControl}'s methods, as JSON, for clients in other languages.
 */

import { Hono } from 'hono';
import ctsOpenApi from '../api/cts/openapi.json' with { type: 'json' };
import type { FakeControl, SeedInput } from './control.ts';
import { controlErrorResponse, rethrowAsError } from './control-errors.ts';
import { ControlInputError, jsonBody, textBody } from './control-input.ts';
import { clusterRoutes } from './cts/cluster/routes.ts';
import type { HealthStatus, ServiceRegistration } from './cts/consul-catalog.ts';
import type { ScriptedOutcome } from './cts/scripted-outcomes.ts';

function expectNumber(body: Record<string, unknown>, key: string): number {
  const value = body[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ControlInputError(`\`${key}\` must be a non-negative number`);
  }
  return value;
}

function expectString(value: unknown, key: string): string {
  if (typeof value !== 'string' || value === '')
    throw new ControlInputError(`\`${key}\` must be a non-empty string`);
  return value;
}

/** Builds the `/_taskport` routes for `control()` (a getter, so a reset swaps nothing here). */
export function controlRoutes(control: FakeControl): Hono {
  const routes = new Hono();

  routes.post('/reset', async (c) => {
    await control.reset();
    return c.json({});
  });
  routes.post('/seed', async (c) =>
    c.json({ failures: await control.seed((await jsonBody(c)) as SeedInput) }),
  );

  routes.get('/clock', (c) =>
    c.json({
      now: new Date(control.now()).toISOString(),
      nowMs: control.now(),
      controlsTime: control.controlsTime,
    }),
  );
  routes.post('/clock/advance', async (c) => {
    const ms = expectNumber(await jsonBody(c), 'ms');
    // The request's signal aborts when its client goes away: stop advancing then.
    await control.advance(ms, { signal: c.req.raw.signal }).catch(rethrowAsError);
    return c.json({ now: new Date(control.now()).toISOString(), nowMs: control.now() });
  });
  routes.post('/wait-for-idle', async (c) => {
    await control.waitForIdle();
    return c.json({ nowMs: control.now() });
  });

  routes.get('/journal', (c) =>
    c.json({
      calls: control.calls({
        method: c.req.query('method'),
        path: c.req.query('path'),
        status: c.req.query('status') === undefined ? undefined : Number(c.req.query('status')),
        dialect: c.req.query('dialect'),
      }),
    }),
  );
  routes.delete('/journal', (c) => {
    control.journal.clear();
    return c.json({});
  });

  routes.get('/openapi/cts.json', (c) => c.json(ctsOpenApi));

  routes.get('/cts/services', (c) => c.json({ services: control.cts.services() }));
  routes.post('/cts/services', async (c) =>
    c.json(
      {
        service: control.cts.registerService((await jsonBody(c)) as unknown as ServiceRegistration),
      },
      201,
    ),
  );
  routes.delete('/cts/services/:id', (c) => {
    const removed = control.cts.deregisterService(c.req.param('id'), c.req.query('node'));
    return removed
      ? c.json({})
      : c.json({ error: `no service instance ${c.req.param('id')}` }, 404);
  });
  routes.put('/cts/services/:id/health', async (c) => {
    const status = expectString((await jsonBody(c)).status, 'status') as HealthStatus;
    const service = control.cts.setHealth(c.req.param('id'), status, c.req.query('node'));
    return service === undefined
      ? c.json({ error: `no service instance ${c.req.param('id')}` }, 404)
      : c.json({ service });
  });

  routes.get('/cts/kv', (c) => c.json({ keys: control.cts.keys() }));
  routes.put('/cts/kv/*', async (c) => {
    const key = c.req.path.slice(c.req.path.indexOf('/cts/kv/') + '/cts/kv/'.length);
    control.cts.putKey(expectString(decodeURIComponent(key), 'key'), await textBody(c));
    return c.json({});
  });
  routes.delete('/cts/kv/*', (c) => {
    const key = c.req.path.slice(c.req.path.indexOf('/cts/kv/') + '/cts/kv/'.length);
    return c.json({
      deleted: control.cts.deleteKey(decodeURIComponent(key), {
        recurse: c.req.query('recurse') !== undefined,
      }),
    });
  });

  routes.get('/cts/outcomes', (c) => c.json({ pending: control.cts.pendingOutcomes() }));
  routes.post('/cts/outcomes', async (c) => {
    const body = await jsonBody(c);
    const task = expectString(body.task, 'task');
    if (!Array.isArray(body.outcomes)) throw new ControlInputError('`outcomes` must be an array');
    control.cts.script(task, ...(body.outcomes as ScriptedOutcome[]));
    return c.json({});
  });
  routes.put('/cts/outcomes/default', async (c) => {
    control.cts.setDefaultOutcome((await jsonBody(c)) as ScriptedOutcome);
    return c.json({});
  });

  routes.route(
    '/cts/cluster',
    clusterRoutes(() => control.ctsCluster),
  );

  // A sub-app's notFound is ignored once mounted, so the catch-all is a
  // route; it must stay the last one registered.
  routes.all('*', (c) =>
    c.json({ error: `taskport: no control route ${c.req.method} ${c.req.path}` }, 404),
  );
  routes.onError(controlErrorResponse);
  return routes;
}
