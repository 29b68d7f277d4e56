/**
 * CTS's root router (`api/api.go`: `r.Use(withCORS)` before any route)
 * labels every response with the CORS headers and answers any OPTIONS with
 * 200, paths outside `/v1` included: chi's 404 carries them too. The fake,
 * when it serves cts, answers the paths no dialect claims the same way.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../../src/testing/fake-server.ts';
import { type HttpResult, http } from '../../contract/http.ts';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'Content-Type',
  'access-control-allow-methods': 'GET, PUT, PATCH, POST, DELETE',
};

function corsOf(result: HttpResult): Record<string, string | null> {
  return Object.fromEntries(Object.keys(CORS).map((name) => [name, result.headers.get(name)]));
}

describe.each([
  ['cts alone', ['cts'] as const],
  ['every dialect', ['cts', 'tfc', 'ona'] as const],
])('a fake serving %s, outside /v1', (_label, dialects) => {
  let fake: FakeServer;

  beforeAll(async () => {
    fake = await startFakeServer({ clock: 'virtual', dialects });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it.each(['/', '/nope', '/v2/tasks', '/v1x'])(
    "GET %s is chi's 404 with the CORS headers",
    async (path) => {
      const result = await http(fake.url, 'GET', path);
      expect({ status: result.status, body: result.text, cors: corsOf(result) }).toEqual({
        status: 404,
        body: '404 page not found\n',
        cors: CORS,
      });
      expect(result.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(result.headers.get('x-content-type-options')).toBe('nosniff');
    },
  );

  it.each(['/', '/nope', '/v2/tasks'])(
    'OPTIONS %s is 200, empty, with the CORS headers',
    async (path) => {
      const result = await http(fake.url, 'OPTIONS', path);
      expect({ status: result.status, body: result.text, cors: corsOf(result) }).toEqual({
        status: 200,
        body: '',
        cors: CORS,
      });
    },
  );

  it('journals those requests under no dialect', async () => {
    fake.control.journal.clear();
    await http(fake.url, 'GET', '/elsewhere');
    expect(fake.control.calls({ path: '/elsewhere' }).map((call) => call.dialect)).toEqual([
      'none',
    ]);
  });
});

describe('a fake not serving cts', () => {
  let fake: FakeServer;

  beforeAll(async () => {
    fake = await startFakeServer({ clock: 'virtual', dialects: ['tfc', 'ona'] });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('answers paths no dialect claims with a plain 404, no CORS headers', async () => {
    const result = await http(fake.url, 'GET', '/nope');
    expect({ status: result.status, body: result.text }).toEqual({
      status: 404,
      body: '404 page not found\n',
    });
    expect(result.headers.get('access-control-allow-origin')).toBeNull();
  });
});
