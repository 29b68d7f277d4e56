/**
 * The map-typed fields of CTS's generated types (`api/oapigen/types.go`:
 * `variables`, `catalog_services.node_meta`, `services.cts_user_defined_meta`
 * in a condition and in `module_input`) come out as Go's `encoding/json`
 * writes a map: keys sorted by their bytes, whatever order they were sent
 * in. A JS object would keep insertion order and put integer-like keys
 * first, so every body here is compared as text, as a client reads it.
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../../src/testing/fake-server.ts';
import { http } from '../../contract/http.ts';

/** Sent in this order; Go sorts them: "-x" < "10" < "9" < "a" < "b" < "z" < "é". */
const SENT = '{"b":"2","a":"1","9":"nine","10":"ten","-x":"dash","é":"e-acute","z":"last"}';
const SORTED = '{"-x":"dash","10":"ten","9":"nine","a":"1","b":"2","z":"last","é":"e-acute"}';

/**
 * A task whose map fields are all {@link SENT}, as raw JSON text. A services
 * condition and a services module_input may not be combined, so the
 * services condition gets a consul_kv module_input.
 */
function bodyWithMaps(name: string, condition: 'services' | 'catalog_services'): string {
  const rest =
    condition === 'services'
      ? `"condition":{"services":{"names":["api"],"cts_user_defined_meta":${SENT}}},` +
        '"module_input":{"consul_kv":{"path":"p"}}'
      : `"condition":{"catalog_services":{"regexp":"api","node_meta":${SENT}}},` +
        `"module_input":{"services":{"names":["db"],"cts_user_defined_meta":${SENT}}}`;
  return `{"task":{"name":"${name}","module":"m","variables":${SENT},${rest}}}`;
}

describe('map-typed task fields over a listening fake', () => {
  let fake: FakeServer;
  const post = (path: string, body: string) =>
    http(fake.url, 'POST', path, { body, contentType: 'application/json' });

  beforeAll(async () => {
    fake = await startFakeServer({ clock: 'virtual', dialects: ['cts'] });
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    await fake.control.reset();
  });

  it.each(['services', 'catalog_services'] as const)(
    'a %s task answers POST, GET and the list with every map sorted by bytes',
    async (condition) => {
      const created = await post('/v1/tasks', bodyWithMaps('maps', condition));
      expect(created.status, created.text).toBe(201);
      const read = await http(fake.url, 'GET', '/v1/tasks/maps');
      const listed = await http(fake.url, 'GET', '/v1/tasks');
      for (const result of [created, read, listed]) {
        expect(result.text).toContain(`"variables":${SORTED}`);
        if (condition === 'services') {
          expect(result.text).toContain(
            `"condition":{"services":{"cts_user_defined_meta":${SORTED},`,
          );
        } else {
          expect(result.text).toContain(`"node_meta":${SORTED},`);
          expect(result.text).toContain(
            `"module_input":{"services":{"cts_user_defined_meta":${SORTED},`,
          );
        }
        expect(result.text).not.toContain(SENT);
      }
    },
  );

  it('the run=inspect answer echoes the task with its maps sorted too', async () => {
    const inspected = await post('/v1/tasks?run=inspect', bodyWithMaps('peek', 'services'));
    expect(inspected.status, inspected.text).toBe(200);
    expect(inspected.text).toContain(`"variables":${SORTED}`);
    expect(inspected.text).toContain(`"cts_user_defined_meta":${SORTED}`);
    expect(inspected.text).not.toContain(SENT);
  });

  it('a `__proto__` key is a key like any other in every map', async () => {
    const map = '{"__proto__":"p","a":"1"}';
    const body =
      `{"task":{"name":"proto","module":"m","variables":${map},` +
      `"condition":{"catalog_services":{"regexp":"api","node_meta":${map}}},` +
      `"module_input":{"services":{"names":["db"],"cts_user_defined_meta":${map}}}}}`;
    const created = await post('/v1/tasks', body);
    expect(created.status, created.text).toBe(201);
    expect(created.text).toContain(`"variables":${map}`);
    expect(created.text).toContain(`"node_meta":${map}`);
    expect(created.text).toContain(`"cts_user_defined_meta":${map}`);
  });

  it('keys already in Go order and single keys come out as sent', async () => {
    const body =
      '{"task":{"name":"plain","module":"m","variables":{"a":"1","b":"2"},' +
      '"condition":{"catalog_services":{"regexp":"api","node_meta":{"only":"one"}}}}}';
    const created = await post('/v1/tasks', body);
    expect(created.status, created.text).toBe(201);
    expect(created.text).toContain('"variables":{"a":"1","b":"2"}');
    expect(created.text).toContain('"node_meta":{"only":"one"}');
  });
});
