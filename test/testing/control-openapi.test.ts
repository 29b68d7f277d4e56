/**
 * The control API's OpenAPI document: valid OpenAPI 3.1, served over HTTP,
 * and in step with the routes: every control route registered (the root
 * routes and each dialect's) is in it with its method, and it describes no
 * route that is not registered. A route added without a description fails
 * here.
 */

import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';
import { FakeControl } from '../../src/testing/control.ts';
import { controlRoutes } from '../../src/testing/control-routes.ts';
import { ALL_DIALECTS } from '../../src/testing/dialects.ts';
import { createFakeApp } from '../../src/testing/fake-app.ts';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import { namespaceRoutes } from '../../src/testing/namespace-routes.ts';
import { http, json, parse } from '../contract/http.ts';

interface Document {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; responses: object }>>;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/** A path with every parameter (`:id`, `{id}`, a trailing `*`) written `{}`. */
function shape(path: string): string {
  return path
    .replace(/\/:[^/]+/g, '/{}')
    .replace(/\/\{[^}]+\}/g, '/{}')
    .replace(/\/\*$/, '/{}');
}

/** `METHOD shape` of every route of `app` under `prefix`, less catch-alls and middleware. */
function registered(prefix: string, app: Hono): string[] {
  return app.routes
    .filter((route) => !(route.method === 'ALL' && route.path.endsWith('*')))
    .map((route) => `${route.method} ${shape(`${prefix}${route.path}`)}`);
}

/** `METHOD shape` of every operation of the document. */
function documented(doc: Document): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => METHODS.has(method))
      .map((method) => `${method.toUpperCase()} ${shape(path)}`),
  );
}

let fake: FakeServer;
let doc: Document;
let control: FakeControl;
const namespaced = createFakeApp({ clock: 'virtual' });

beforeAll(async () => {
  fake = await startFakeServer({ clock: 'virtual' });
  const result = await http(fake.url, 'GET', '/_taskport/openapi/control.json');
  expect(result.status).toBe(200);
  doc = parse<Document>(result);
  control = new FakeControl({ clock: new VirtualClock(), dialects: ALL_DIALECTS });
});
afterAll(async () => {
  await fake?.close();
  await control?.close();
  await namespaced.control.close();
});

/** Every control route the fake registers: the root routes, the namespaces' and each dialect's. */
function allRegistered(root: Hono = controlRoutes(control)): string[] {
  return [
    ...registered('/_taskport', root),
    // Its paths are whole (`/_taskport/namespaces`): it is served ahead of any namespace.
    ...registered('', namespaceRoutes(namespaced.namespaces)),
    ...ALL_DIALECTS.flatMap((name) =>
      registered(`/_taskport/${name}`, control.fake(name).controlRoutes),
    ),
  ];
}

describe('GET /_taskport/openapi/control.json', () => {
  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    const validator = new Validator();
    const result = await validator.validate(
      structuredClone(doc) as unknown as Record<string, unknown>,
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('has schemas that compile as JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'doc', components: (doc as { components?: unknown }).components });
    const schemas = JSON.stringify(doc.paths).replaceAll('"#/components/', '"doc#/components/');
    for (const item of Object.values(JSON.parse(schemas) as Document['paths'])) {
      for (const operation of Object.values(item)) {
        for (const response of Object.values(operation.responses)) {
          const schema = (response as { content?: Record<string, { schema: object }> }).content?.[
            'application/json'
          ]?.schema;
          if (schema !== undefined) expect(() => ajv.compile(schema)).not.toThrow();
        }
      }
    }
  });

  it('describes every registered control route with its method, and nothing else', () => {
    const routes = allRegistered();
    const operations = documented(doc);
    expect(routes.length).toBeGreaterThan(50);
    expect(routes.filter((route) => !operations.includes(route))).toEqual([]);
    expect(operations.filter((operation) => !routes.includes(operation))).toEqual([]);
    // One operation id per operation, for generated clients.
    const ids = Object.values(doc.paths).flatMap((item) =>
      Object.values(item).map((operation) => operation.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('would fail for a route registered without a description', () => {
    const root = controlRoutes(control);
    root.get('/undescribed/:name', (c) => c.json({}));
    const operations = documented(doc);
    expect(allRegistered(root).filter((route) => !operations.includes(route))).toEqual([
      'GET /_taskport/undescribed/{}',
    ]);
  });

  it('answers as it says: GET /idle and POST /clock/advance match their schemas', async () => {
    const validator = new Validator();
    await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    const resolved = validator.resolveRefs() as unknown as Document;
    const ajv = new Ajv2020({ strict: false });
    const schemaOf = (path: string, method: string): object => {
      const responses = resolved.paths[path]?.[method]?.responses as
        | Record<string, { content: Record<string, { schema: object }> }>
        | undefined;
      const schema = responses?.['200']?.content['application/json']?.schema;
      if (schema === undefined) throw new Error(`no 200 schema for ${method} ${path}`);
      return schema;
    };
    const idle = parse(await http(fake.url, 'GET', '/_taskport/idle'));
    expect(ajv.validate(schemaOf('/_taskport/idle', 'get'), idle), ajv.errorsText()).toBe(true);
    const advanced = parse(
      await http(fake.url, 'POST', '/_taskport/clock/advance', json({ ms: 1 })),
    );
    expect(
      ajv.validate(schemaOf('/_taskport/clock/advance', 'post'), advanced),
      ajv.errorsText(),
    ).toBe(true);
  });
});
