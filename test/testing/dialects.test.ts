/**
 * The fake's dialect registry as a user meets it over HTTP: each served
 * dialect's world behind `control.fake(name)` and its control routes under
 * `/_taskport/<name>`, and the one idle verb (`whenIdle`, `POST
 * /_taskport/when-idle`) with its deprecated names still answering.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';
import { ALL_DIALECTS, FAKE_DIALECTS } from '../../src/testing/dialects.ts';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import { type HttpResult, http, json, parse } from '../contract/http.ts';

/** A task on `services: api` that runs as soon as its data changes. */
const apiTask = (name: string) => ({
  name,
  module: 'm',
  condition: { services: { names: ['api'] } },
  buffer_period: { enabled: false },
});

describe('the registry', () => {
  it('lists every dialect once, in the order the fake asks them', () => {
    expect(ALL_DIALECTS).toEqual(['cts', 'tfc', 'ona']);
    expect(Object.keys(FAKE_DIALECTS)).toEqual([...ALL_DIALECTS]);
  });

  it('gives every dialect a title for the CLI and a claim on its own paths only', () => {
    const claims = (path: string, method = 'GET') =>
      ALL_DIALECTS.filter((name) => FAKE_DIALECTS[name].claim(path, method) !== undefined);
    expect(claims('/v1/tasks')).toEqual(['cts']);
    expect(claims('/api/v2/organizations/acme/tasks')).toEqual(['tfc', 'ona']);
    expect(claims('/api/gitpod.v1.EnvironmentAutomationService/ListTasks', 'POST')).toEqual([
      'ona',
    ]);
    expect(claims('/.well-known/terraform.json')).toEqual(['tfc']);
    expect(claims('/.well-known/terraform.json', 'POST')).toEqual([]);
    expect(claims('/nothing')).toEqual([]);
    for (const name of ALL_DIALECTS) expect(FAKE_DIALECTS[name].title).not.toBe('');
  });
});

describe('a fake serving every dialect', () => {
  let fake: FakeServer;
  const api = (method: string, path: string, body?: unknown): Promise<HttpResult> =>
    http(fake.url, method, path, body === undefined ? {} : json(body));

  beforeAll(async () => {
    fake = await startFakeServer({ clock: 'virtual' });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('control.fake(name) is the world behind the per-dialect getters', () => {
    expect(fake.control.fake('cts')).toBe(fake.control.ctsFake);
    expect(fake.control.fake('tfc')).toBe(fake.control.tfcFake);
    expect(fake.control.fake('ona')).toBe(fake.control.onaFake);
    expect(fake.control.fake('ona').control).toBe(fake.control.ona);
  });

  it.each(ALL_DIALECTS)(
    'answers an unknown %s control route with a 404 naming it',
    async (name) => {
      const result = await api('GET', `/_taskport/${name}/no-such-route`);
      expect(result.status).toBe(404);
      expect(parse<{ error: string }>(result).error).toMatch(
        new RegExp(`^taskport: no (${name} )?control route GET /_taskport/${name}/no-such-route$`),
      );
    },
  );

  it('a reset gives each dialect a new world', async () => {
    const before = ALL_DIALECTS.map((name) => fake.control.fake(name));
    expect((await api('POST', '/_taskport/reset')).status).toBe(200);
    const after = ALL_DIALECTS.map((name) => fake.control.fake(name));
    for (const [index, world] of after.entries()) expect(world).not.toBe(before[index]);
  });

  it.each(['/when-idle', '/wait-for-idle'])('POST /_taskport/tfc%s answers {}', async (path) => {
    const result = await api('POST', `/_taskport/tfc${path}`);
    expect({ status: result.status, body: result.text }).toEqual({ status: 200, body: '{}' });
  });
});

describe('a fake serving cts alone', () => {
  let fake: FakeServer;
  const api = (method: string, path: string, body?: unknown): Promise<HttpResult> =>
    http(fake.url, method, path, body === undefined ? {} : json(body));
  const eventCount = async (name: string): Promise<number> => {
    const status = parse<Record<string, { events?: unknown[] }>>(
      await api('GET', `/v1/status/tasks/${name}?include=events`),
    );
    return status[name]?.events?.length ?? 0;
  };
  /** A task whose one run takes 45 s of virtual time, started by a catalog change. */
  const startLongRun = async (): Promise<number> => {
    await api('POST', '/_taskport/reset');
    await api('POST', '/_taskport/seed', { cts: { tasks: [apiTask('t')] } });
    await api('POST', '/_taskport/cts/outcomes', { task: 't', outcomes: [{ durationMs: 45_000 }] });
    const start = fake.control.now();
    await api('POST', '/_taskport/cts/services', { name: 'api' });
    expect(await eventCount('t')).toBe(0);
    return start;
  };

  beforeAll(async () => {
    fake = await startFakeServer({ clock: 'virtual', dialects: ['cts'] });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it.each(['/when-idle', '/wait-for-idle'])(
    'POST /_taskport%s lets a long run finish on virtual time',
    async (path) => {
      const start = await startLongRun();
      const result = await api('POST', `/_taskport${path}`);
      expect(result.status).toBe(200);
      expect(parse<{ nowMs: number }>(result).nowMs).toBe(start + 45_000);
      expect(await eventCount('t')).toBe(1);
    },
  );

  it.each(['whenIdle', 'waitForIdle'] as const)(
    'control.%s() lets a long run finish on virtual time',
    async (method) => {
      const start = await startLongRun();
      await fake.control[method]();
      expect(fake.control.now()).toBe(start + 45_000);
      expect(await eventCount('t')).toBe(1);
    },
  );

  it('control.fake() of a dialect it does not serve says how to serve it', () => {
    expect(() => fake.control.fake('tfc')).toThrow(
      "taskport: this fake server does not serve the 'tfc' dialect; start it with dialects: ['tfc'].",
    );
  });

  it('answers the control routes of a dialect it does not serve with the 404 of an unknown route', async () => {
    for (const name of ['tfc', 'ona']) {
      const result = await api('GET', `/_taskport/${name}/runs`);
      expect(result.status).toBe(404);
      expect(parse<{ error: string }>(result).error).toBe(
        `taskport: no control route GET /_taskport/${name}/runs`,
      );
    }
  });

  it('serves the OpenAPI document of every dialect that has one', async () => {
    const result = await api('GET', '/_taskport/openapi/cts.json');
    expect(result.status).toBe(200);
    expect(parse<{ openapi: string }>(result).openapi).toMatch(/^3\./);
  });
});

describe('VirtualClock.whenIdle', () => {
  it.each(['whenIdle', 'runUntilIdle'] as const)(
    '%s() runs the timers that work in flight waits on',
    async (method) => {
      const clock = new VirtualClock({ startMs: 0 });
      let busy = true;
      let resolveIdle: () => void = () => {};
      const idle = new Promise<void>((resolve) => {
        resolveIdle = resolve;
      });
      const untrack = clock.track({ isIdle: () => !busy, whenIdle: () => idle });
      clock.setTimer(() => {
        busy = false;
        resolveIdle();
      }, 60_000);
      await clock[method]();
      expect(clock.now()).toBe(60_000);
      untrack();
    },
  );
});
