/**
 * The namespaces over HTTP, under `/_taskport/namespaces`: list, show,
 * create (`PUT`, with options), delete one, delete all but the default.
 * Served the same from every namespace (`/ns/a/_taskport/namespaces` lists
 * them all too), behind the control guard like every control route.
 */

import { Hono } from 'hono';
import { controlErrorResponse } from './control-errors.ts';
import { ControlInputError, jsonBody } from './control-input.ts';
import { unknownNamespaceMessage } from './namespace-messages.ts';
import {
  describeNamespace,
  NamespaceError,
  type NamespaceOptions,
  type NamespaceRegistry,
} from './namespaces.ts';

/** Where the routes are mounted. */
export const NAMESPACES_PATH = '/_taskport/namespaces';

const OPTION_KEYS = ['clock', 'startMs', 'cts'];

/** `PUT`'s body as {@link NamespaceOptions}; a 400 for anything else. */
export function parseNamespaceOptions(body: Record<string, unknown>): NamespaceOptions {
  for (const key of Object.keys(body)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new ControlInputError(
        `\`${key}\` is not a namespace option; the options are clock, startMs and cts.enterprise`,
      );
    }
  }
  const { clock, startMs, cts } = body;
  if (clock !== undefined && clock !== 'real' && clock !== 'virtual') {
    throw new ControlInputError("`clock` must be 'real' or 'virtual'");
  }
  if (startMs !== undefined) {
    if (typeof startMs !== 'number' || !Number.isSafeInteger(startMs) || startMs < 0) {
      throw new ControlInputError('`startMs` must be a non-negative integer (epoch ms)');
    }
    if (clock !== 'virtual') throw new ControlInputError("`startMs` needs `clock: 'virtual'`");
  }
  let enterprise: boolean | undefined;
  if (cts !== undefined) {
    if (typeof cts !== 'object' || cts === null || Array.isArray(cts)) {
      throw new ControlInputError('`cts` must be an object');
    }
    const { enterprise: value, ...rest } = cts as Record<string, unknown>;
    const [extra] = Object.keys(rest);
    if (extra !== undefined) {
      throw new ControlInputError(`\`cts.${extra}\` is not a namespace option`);
    }
    if (value !== undefined && typeof value !== 'boolean') {
      throw new ControlInputError('`cts.enterprise` must be a boolean');
    }
    enterprise = value;
  }
  return {
    ...(clock === undefined ? {} : { clock }),
    ...(startMs === undefined ? {} : { startMs }),
    ...(enterprise === undefined ? {} : { cts: { enterprise } }),
  };
}

/** Builds the `/_taskport/namespaces` routes on `registry`. */
export function namespaceRoutes(registry: NamespaceRegistry): Hono {
  const routes = new Hono();

  routes.get(NAMESPACES_PATH, (c) =>
    c.json({ namespaces: registry.list(), maxNamespaces: registry.maxNamespaces }),
  );
  routes.delete(NAMESPACES_PATH, async (c) => c.json({ deleted: await registry.deleteAll() }));

  routes.get(`${NAMESPACES_PATH}/:name`, (c) => {
    const name = c.req.param('name');
    const namespace = registry.get(name);
    if (namespace === undefined) throw new NamespaceError(unknownNamespaceMessage(name), 404);
    return c.json(describeNamespace(namespace));
  });
  routes.put(`${NAMESPACES_PATH}/:name`, async (c) => {
    const options = parseNamespaceOptions(await jsonBody(c));
    const { namespace, created } = registry.create(c.req.param('name'), options);
    return c.json(describeNamespace(namespace), created ? 201 : 200);
  });
  routes.delete(`${NAMESPACES_PATH}/:name`, async (c) => {
    await registry.delete(c.req.param('name'));
    return c.json({});
  });

  routes.all('*', (c) =>
    c.json({ error: `taskport: no control route ${c.req.method} ${c.req.path}` }, 404),
  );
  routes.onError((error, c) =>
    error instanceof NamespaceError
      ? c.json({ error: error.message }, error.status)
      : controlErrorResponse(error, c),
  );
  return routes;
}
