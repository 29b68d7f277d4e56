/**
 * `POST /_taskport/cts/services` refuses a port Consul could not hold
 * (issue #14, item 5): 1e400 (Infinity once parsed) was stored as 0, 99999
 * was accepted. A refused registration changes nothing.
 */

import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import { http, parse } from '../contract/http.ts';

let fake: FakeServer;
beforeAll(async () => {
  fake = await startFakeServer({ clock: 'virtual', dialects: ['cts'] });
});
afterAll(async () => {
  await fake?.close();
});

const register = (body: string) => http(fake.url, 'POST', '/_taskport/cts/services', { body });

it.each([
  ['1e400', 'Infinity (number)'],
  ['99999', '99999 (number)'],
  ['-1', '-1 (number)'],
  ['80.5', '80.5 (number)'],
  ['"80"', '"80" (string)'],
])('port %s → 400; the catalog is unchanged', async (port, shown) => {
  const result = await register(`{"name":"api","port":${port}}`);
  expect({ status: result.status, body: parse(result) }).toEqual({
    status: 400,
    body: { error: `Expected \`port\` to be an integer from 0 to 65535, got ${shown}` },
  });
  expect(fake.control.cts.services()).toEqual([]);
});

it.each([0, 8080, 65_535])('port %s is stored as sent', async (port) => {
  const result = await register(JSON.stringify({ name: 'api', id: `api-${port}`, port }));
  expect(result.status, result.text).toBe(201);
  expect(parse<{ service: { port: number } }>(result).service.port).toBe(port);
});
