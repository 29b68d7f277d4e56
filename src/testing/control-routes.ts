/**
 * The control API over HTTP, under `/_taskport/`: the same operations as
 * {@link FakeControl}'s methods, as JSON, for clients in other languages.
 * Each served dialect's own routes are mounted by the fake's dispatcher at
 * `/_taskport/<dialect>` (`FakeWorld.controlRoutes`).
 */

import { type Context, Hono } from 'hono';
import type { FakeControl, SeedInput } from './control.ts';
import { controlErrorResponse, rethrowAsError } from './control-errors.ts';
import { ControlInputError, jsonBody } from './control-input.ts';
import { controlOpenApiDocument } from './control-openapi-document.ts';
import { ALL_DIALECTS, FAKE_DIALECTS } from './dialects.ts';
import { uiRoutes } from './ui/routes.ts';

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
    const ms = expectNumber(await jsonBody(c), 'ms');
    // The request's signal aborts when its client goes away: stop advancing then.
    const fired = await control.advance(ms, { signal: c.req.raw.signal }).catch(rethrowAsError);
    return c.json({ now: new Date(control.now()).toISOString(), nowMs: control.now(), fired });
  });
  // Side-effect free, unlike when-idle: it moves no time and waits for nothing.
  routes.get('/idle', (c) => c.json(control.idle()));
  const whenIdle = async (c: Context): Promise<Response> => {
    await control.whenIdle();
    return c.json({ nowMs: control.now() });
  };
  routes.post('/when-idle', whenIdle);
  /** @deprecated `POST /_taskport/when-idle`, the same operation under the one idle word. */
  routes.post('/wait-for-idle', whenIdle);

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

  routes.get('/openapi/control.json', (c) => c.json(controlOpenApiDocument()));
  // Served whether or not the fake serves the dialect, as a reference.
  for (const name of ALL_DIALECTS) {
    const { openApi } = FAKE_DIALECTS[name] as { readonly openApi?: unknown };
    if (openApi !== undefined) routes.get(`/openapi/${name}.json`, (c) => c.json(openApi));
  }

  // The dashboard: its page and the snapshot it shows.
  routes.route('/', uiRoutes(control));

  // A sub-app's notFound is ignored once mounted, so the catch-all is a
  // route; it must stay the last one registered.
  routes.all('*', (c) =>
    c.json({ error: `taskport: no control route ${c.req.method} ${c.req.path}` }, 404),
  );
  routes.onError(controlErrorResponse);
  return routes;
}
