/**
 * The Ona control API over HTTP (mount at `/_taskport/ona`): the same
 * operations as {@link OnaControl}, as JSON.
 */

import { Hono } from 'hono';
import { OnaError } from '../../api/ona/errors.ts';
import { TRIGGER_KEYS } from '../../api/ona/schema.ts';
import type { TriggerName } from '../../api/ona/types.ts';
import { ControlInputError, jsonBody, optionalString, textBody } from '../control-input.ts';
import { addTaskOutcomeRoutes, outcomesView } from '../outcome-routes.ts';
import { AutomationsFileError } from './automations-file.ts';
import type { OnaControl } from './control.ts';
import type { OnaOutcome } from './scripted-executor.ts';

/**
 * The control routes of an Ona fake:
 *
 * - `POST /reset`
 * - `GET /environments`, `POST /environments` `{id?, name?}`, `DELETE /environments/:id`
 * - `POST /environments/:id/automations`: the body is the `automations.yaml`
 *   text (or JSON `{"yaml": "…"}`)
 * - `POST /environments/:id/triggers` `{trigger}`: starts the tasks it triggers
 * - `GET /outcomes`, `POST /outcomes` `{task, outcomes}`, `PUT /outcomes/default` (an outcome)
 * - `PUT`/`DELETE /outcomes/tasks/:task/queue` `{outcomes}`, `PUT`/`DELETE /outcomes/tasks/:task/default`
 * - `GET /step-runs`
 */
export function onaControlRoutes(control: OnaControl): Hono {
  const routes = new Hono();

  routes.post('/reset', async (c) => {
    await control.reset();
    return c.json({});
  });

  routes.get('/environments', (c) => c.json({ environments: control.environments() }));
  routes.post('/environments', async (c) => {
    const body = await jsonBody(c);
    const environment = control.createEnvironment({
      id: optionalString(body.id, 'id'),
      name: optionalString(body.name, 'name'),
    });
    return c.json({ environment }, 201);
  });
  routes.delete('/environments/:id', async (c) =>
    (await control.deleteEnvironment(c.req.param('id')))
      ? c.json({})
      : c.json({ error: `taskport: no environment ${c.req.param('id')}` }, 404),
  );
  routes.post('/environments/:id/automations', async (c) => {
    const isJson = (c.req.header('content-type') ?? '').includes('json');
    const yaml = isJson ? optionalString((await jsonBody(c)).yaml, 'yaml') : await textBody(c);
    if (yaml === undefined) throw new ControlInputError('`yaml` must be a string');
    return c.json(await control.seedAutomations(c.req.param('id'), yaml));
  });
  routes.post('/environments/:id/triggers', async (c) => {
    const trigger = (await jsonBody(c)).trigger;
    if (!(TRIGGER_KEYS as readonly unknown[]).includes(trigger)) {
      throw new ControlInputError(`\`trigger\` must be one of ${TRIGGER_KEYS.join(', ')}`);
    }
    const fired = await control.fireTrigger(c.req.param('id'), trigger as TriggerName);
    return c.json({ taskExecutions: fired.executions, failures: fired.failures });
  });

  routes.get('/outcomes', (c) => c.json(outcomesView(control)));
  routes.post('/outcomes', async (c) => {
    const body = await jsonBody(c);
    const task = optionalString(body.task, 'task');
    if (task === undefined || task === '') throw new ControlInputError('`task` is required');
    if (!Array.isArray(body.outcomes)) throw new ControlInputError('`outcomes` must be an array');
    control.script(task, ...(body.outcomes as OnaOutcome[]));
    return c.json({});
  });
  routes.put('/outcomes/default', async (c) => {
    control.setDefaultOutcome((await jsonBody(c)) as unknown as OnaOutcome);
    return c.json({});
  });
  addTaskOutcomeRoutes(routes, () => control);
  routes.get('/step-runs', (c) => c.json({ stepRuns: control.stepRuns() }));

  // A mounted sub-app's notFound is ignored, so the catch-all is a route.
  routes.all('*', (c) =>
    c.json({ error: `taskport: no ona control route ${c.req.method} ${c.req.path}` }, 404),
  );
  routes.onError((error, c) => {
    if (error instanceof OnaError) {
      return c.json(
        { error: error.message, code: error.code },
        error.code === 'not_found' ? 404 : 400,
      );
    }
    const status =
      error instanceof ControlInputError ||
      error instanceof TypeError ||
      error instanceof AutomationsFileError
        ? 400
        : 500;
    return c.json({ error: error.message }, status);
  });
  return routes;
}
