/**
 * The control API over HTTP, under `/_taskport/`: the same operations as
 * {@link FakeControl}'s methods, as JSON, for clients in other languages.
 */

import { Hono } from 'hono';
import ctsOpenApi from '../api/cts/openapi.json' with { type: 'json' };
import type { FakeControl, SeedInput } from './control.ts';
import { ControlInputError, jsonBody } from './control-input.ts';
import { ctsControlRoutes } from './cts/control-routes.ts';

function expectNumber(body: Record<string, unknown>, key: string): number {
  const value = body[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ControlInputError(`\`${key}\` must be a non-negative number`);
  }
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
    await control.advance(expectNumber(await jsonBody(c), 'ms'));
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

  routes.route(
    '/cts',
    ctsControlRoutes(
      () => control.cts,
      () => control.ctsCluster,
    ),
  );

  // A sub-app's notFound is ignored once mounted, so the catch-all is a
  // route; it must stay the last one registered.
  routes.all('*', (c) =>
    c.json({ error: `taskport: no control route ${c.req.method} ${c.req.path}` }, 404),
  );
  routes.onError((error, c) => {
    const status = error instanceof ControlInputError || error instanceof TypeError ? 400 : 500;
    return c.json({ error: error.message }, status);
  });
  return routes;
}
