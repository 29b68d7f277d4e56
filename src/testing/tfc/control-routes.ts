/**
 * The `tfc` control API over HTTP, meant to be mounted at `/_taskport/tfc`:
 * the same operations as {@link TfcControl}, as JSON.
 */

import { type Context, Hono } from 'hono';
import type { TfcSettings } from '../../api/tfc/settings.ts';
import type { TfcEntitlements, WebhookDelivery } from '../../api/tfc/types.ts';
import { ControlInputError, jsonBody } from '../control-input.ts';
import type { TfcControl } from './control.ts';

/** What the routes need beyond the control surface. */
export interface TfcControlRoutesOptions {
  readonly whenIdle: () => Promise<void>;
  readonly learnBaseUrl: (url: string) => void;
}

function requireString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') {
    throw new ControlInputError(`\`${key}\` must be a non-empty string`);
  }
  return value;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ControlInputError(`\`${key}\` must be a string`);
  return value;
}

/**
 * Routes (relative to the mount point):
 * `POST /organizations`, `PATCH /organizations/:name/entitlements`, `POST /workspaces`,
 * `POST /tokens`, `GET /tokens`, `POST /tokens/:token/organizations`, `POST /agent-pools`, `POST /runs`, `GET /runs`, `GET /runs/:id`,
 * `POST /runs/:id/cancel` (200; 404 unknown run; 409 when it had already ended),
 * `GET /task-stages/:id`, `GET /task-results/:id`, `GET /tasks`, `GET /webhooks`,
 * `GET /knobs`, `PATCH /knobs`, `POST /base-url`, `POST /rate-limit`, `POST /when-idle`
 * (`POST /wait-for-idle`, deprecated, is the same).
 */
export function tfcControlRoutes(control: TfcControl, options: TfcControlRoutesOptions): Hono {
  const routes = new Hono();
  routes.use('*', async (c, next) => {
    options.learnBaseUrl(c.req.url);
    await next();
  });

  routes.post('/organizations', async (c) => {
    const body = await jsonBody(c);
    const organization = control.createOrganization({
      name: requireString(body, 'name'),
      email: optionalString(body, 'email'),
      entitlements: body.entitlements as Partial<TfcEntitlements> | undefined,
    });
    return c.json({ organization }, 201);
  });
  routes.patch('/organizations/:name/entitlements', async (c) =>
    c.json({
      entitlements: control.setEntitlements(
        c.req.param('name'),
        (await jsonBody(c)) as Partial<TfcEntitlements>,
      ),
    }),
  );
  routes.post('/workspaces', async (c) => {
    const body = await jsonBody(c);
    const workspace = control.createWorkspace({
      organization: requireString(body, 'organization'),
      name: requireString(body, 'name'),
      workingDirectory: optionalString(body, 'workingDirectory'),
      vcs: (body.vcs ?? null) as never,
    });
    return c.json({ workspace }, 201);
  });
  routes.post('/tokens', async (c) => {
    const body = await jsonBody(c);
    const organizations = body.organizations;
    if (
      organizations !== undefined &&
      organizations !== 'all' &&
      !(Array.isArray(organizations) && organizations.every((item) => typeof item === 'string'))
    ) {
      throw new ControlInputError("`organizations` must be 'all' or an array of names");
    }
    const token = control.createToken({
      token: optionalString(body, 'token'),
      organizations: organizations as 'all' | string[] | undefined,
    });
    return c.json({ token }, 201);
  });
  routes.get('/tokens', (c) => c.json({ tokens: control.tokens() }));
  routes.post('/tokens/:token/organizations', async (c) => {
    const organizations = (await jsonBody(c)).organizations;
    if (
      organizations !== 'all' &&
      !(Array.isArray(organizations) && organizations.every((item) => typeof item === 'string'))
    ) {
      throw new ControlInputError("`organizations` must be 'all' or an array of names");
    }
    const token = control.grantToken(c.req.param('token'), organizations as 'all' | string[]);
    return token === undefined
      ? c.json({ error: 'taskport: no such token; create it with POST /_taskport/tfc/tokens' }, 404)
      : c.json({ token });
  });
  routes.post('/agent-pools', async (c) => {
    const body = await jsonBody(c);
    return c.json(
      {
        agentPool: control.createAgentPool(
          requireString(body, 'organization'),
          optionalString(body, 'name'),
        ),
      },
      201,
    );
  });

  routes.post('/runs', async (c) => {
    const body = await jsonBody(c);
    if (body.speculative !== undefined && typeof body.speculative !== 'boolean') {
      throw new ControlInputError('`speculative` must be a boolean');
    }
    const run = control.startRun({
      workspaceId: requireString(body, 'workspaceId'),
      message: optionalString(body, 'message'),
      speculative: body.speculative as boolean | undefined,
      createdBy: optionalString(body, 'createdBy'),
    });
    return c.json({ run }, 201);
  });
  routes.get('/runs', (c) =>
    c.json({ runs: control.runs({ workspaceId: c.req.query('workspace') }) }),
  );
  routes.get('/runs/:id', (c) => {
    const run = control.run(c.req.param('id'));
    return run === undefined
      ? c.json({ error: `no run ${c.req.param('id')}` }, 404)
      : c.json({ run });
  });
  routes.post('/runs/:id/cancel', (c) => {
    const outcome = control.cancelRun(c.req.param('id'));
    if (outcome === undefined) return c.json({ error: `no run ${c.req.param('id')}` }, 404);
    if (!outcome.canceled) {
      return c.json({ error: `run ${outcome.run.id} has ended (${outcome.run.status})` }, 409);
    }
    return c.json({ run: outcome.run });
  });
  routes.get('/task-stages/:id', (c) => {
    const stage = control.stage(c.req.param('id'));
    return stage === undefined
      ? c.json({ error: `no task stage ${c.req.param('id')}` }, 404)
      : c.json({ stage });
  });
  routes.get('/task-results/:id', (c) => {
    const result = control.result(c.req.param('id'));
    return result === undefined
      ? c.json({ error: `no task result ${c.req.param('id')}` }, 404)
      : c.json({ result });
  });
  routes.get('/tasks', (c) =>
    c.json({ tasks: control.tasks(), workspaceTasks: control.workspaceTasks() }),
  );
  routes.get('/webhooks', (c) => {
    const kind = c.req.query('kind');
    if (kind !== undefined && kind !== 'verification' && kind !== 'run-task') {
      throw new ControlInputError("`kind` must be 'verification' or 'run-task'");
    }
    return c.json({
      webhooks: control.webhooks({
        kind: kind as WebhookDelivery['kind'] | undefined,
        taskId: c.req.query('task'),
        resultId: c.req.query('result'),
      }),
    });
  });

  routes.get('/knobs', (c) => c.json({ knobs: control.knobs() }));
  routes.patch('/knobs', async (c) =>
    c.json({ knobs: control.setKnobs((await jsonBody(c)) as Partial<TfcSettings>) }),
  );
  routes.post('/base-url', async (c) => {
    control.setBaseUrl(requireString(await jsonBody(c), 'url'));
    return c.json({});
  });
  routes.post('/rate-limit', async (c) => {
    const count = (await jsonBody(c)).count;
    control.injectRateLimit(typeof count === 'number' ? count : Number.NaN);
    return c.json({});
  });
  const whenIdle = async (c: Context): Promise<Response> => {
    await options.whenIdle();
    return c.json({});
  };
  routes.post('/when-idle', whenIdle);
  /** @deprecated `POST /_taskport/tfc/when-idle`, the same operation under the one idle word. */
  routes.post('/wait-for-idle', whenIdle);

  routes.notFound((c) =>
    c.json({ error: `taskport: no tfc control route ${c.req.method} ${c.req.path}` }, 404),
  );
  routes.onError((error, c) => {
    const status = error instanceof ControlInputError || error instanceof TypeError ? 400 : 500;
    return c.json({ error: error.message }, status);
  });
  return routes;
}
