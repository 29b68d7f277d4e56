/**
 * The fake server as a user's test suite meets it: the control API over
 * HTTP under `/_taskport/`, disposal, reset, and the `taskport serve` CLI
 * seeding tasks from CTS config files.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import { expectJson, type HttpResult, http, json, parse } from '../contract/http.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/cts/', import.meta.url));

/** A task on `services: api` that runs as soon as its data changes. */
const apiTask = (name: string) => ({
  name,
  module: 'm',
  condition: { services: { names: ['api'] } },
  buffer_period: { enabled: false },
});

/**
 * OpenAPI 3.0 schemas as JSON Schema for ajv: `nullable: true` admits null
 * (with a `type`, by adding 'null' to it; without one, as the common
 * `nullable` + `allOf: [$ref]` idiom intends).
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const converted = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, toJsonSchema(value)]),
  );
  if (nullable !== true) return converted;
  if (typeof converted.type === 'string') return { ...converted, type: [converted.type, 'null'] };
  return { anyOf: [converted, { type: 'null' }] };
}

interface Journaled {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  body: string;
  status: number;
  atMs: number;
  dialect: string;
  seq: number;
}

describe('the control API over HTTP', () => {
  let fake: FakeServer;
  const api = (method: string, path: string, body?: unknown): Promise<HttpResult> =>
    http(fake.url, method, path, body === undefined ? {} : json(body));
  const control = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> => {
    const result = await api(method, `/_taskport${path}`, body);
    expect(result.status, `${method} ${path}: ${result.text}`).toBeLessThan(300);
    expect(result.headers.get('content-type')).toMatch(/^application\/json/);
    return parse<T>(result);
  };
  const eventCount = async (name: string): Promise<number> => {
    const status = parse<Record<string, { events?: unknown[] }>>(
      await api('GET', `/v1/status/tasks/${name}?include=events`),
    );
    return status[name]?.events?.length ?? 0;
  };

  beforeAll(async () => {
    fake = await startFakeServer({ clock: 'virtual', dialects: ['cts'] });
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    await control('POST', '/reset');
  });

  it('GET /clock tells the virtual time; POST /clock/advance moves it', async () => {
    const clock = await control<{ now: string; nowMs: number; controlsTime: boolean }>(
      'GET',
      '/clock',
    );
    expect(clock.controlsTime).toBe(true);
    expect(new Date(clock.now).getTime()).toBe(clock.nowMs);
    const advanced = await control<{ nowMs: number; now: string }>('POST', '/clock/advance', {
      ms: 90_000,
    });
    expect(advanced.nowMs).toBe(clock.nowMs + 90_000);
    expect(advanced.now).toBe(new Date(clock.nowMs + 90_000).toISOString());
    expect(fake.control.now()).toBe(clock.nowMs + 90_000);
  });

  it.each([{}, { ms: -1 }, { ms: 'soon' }])('POST /clock/advance %j → 400', async (body) => {
    const result = await api('POST', '/_taskport/clock/advance', body);
    expect(result.status).toBe(400);
    expect(parse<{ error: string }>(result).error).toBe('`ms` must be a non-negative number');
  });

  it('POST /clock/advance with a body that is not JSON → 400', async () => {
    const result = await http(fake.url, 'POST', '/_taskport/clock/advance', { body: '{' });
    expect(result.status).toBe(400);
    expect(parse<{ error: string }>(result).error).toBe('the body is not valid JSON');
  });

  it('POST /wait-for-idle lets a long run finish on virtual time', async () => {
    await control('POST', '/seed', { cts: { tasks: [apiTask('t')] } });
    await control('POST', '/cts/outcomes', { task: 't', outcomes: [{ durationMs: 45_000 }] });
    const start = (await control<{ nowMs: number }>('GET', '/clock')).nowMs;
    await control('POST', '/cts/services', { name: 'api' });
    expect(await eventCount('t')).toBe(0);
    const idle = await control<{ nowMs: number }>('POST', '/wait-for-idle');
    expect(idle.nowMs).toBe(start + 45_000);
    expect(await eventCount('t')).toBe(1);
  });

  it('POST /seed creates tasks through the API rules and reports refusals', async () => {
    const seeded = await control<{ failures: unknown[] }>('POST', '/seed', {
      cts: {
        run: 'now',
        tasks: [apiTask('one'), { ...apiTask('two'), name: '2bad' }, { name: 'x', module: 'm' }],
      },
    });
    expect(seeded.failures).toEqual([
      {
        name: '2bad',
        status: 500,
        message:
          'a task name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes: "2bad"',
      },
      {
        name: 'x',
        status: 400,
        message:
          'request body has an error: doesn\'t match schema #/components/schemas/TaskRequest: Error at "/task/condition": property "condition" is missing',
      },
    ]);
    expect(
      parse<{ tasks: { name: string }[] }>(await api('GET', '/v1/tasks')).tasks.map((t) => t.name),
    ).toEqual(['one']);
    expect(await eventCount('one')).toBe(1);
  });

  it('GET /journal lists requests, filtered by method, path, status and dialect', async () => {
    await api('POST', '/v1/tasks', { task: apiTask('j') });
    await api('POST', '/v1/tasks', { task: apiTask('j') });
    await api('GET', '/v1/tasks/j?x=1&x=2');
    await api('GET', '/nowhere');
    const all = (await control<{ calls: Journaled[] }>('GET', '/journal')).calls;
    expect(all.map((call) => `${call.method} ${call.path} ${call.status} ${call.dialect}`)).toEqual(
      [
        'POST /_taskport/reset 200 control',
        'POST /v1/tasks 201 cts',
        'POST /v1/tasks 400 cts',
        'GET /v1/tasks/j 200 cts',
        'GET /nowhere 404 none',
      ],
    );
    expect(all[1]?.body).toBe(JSON.stringify({ task: apiTask('j') }));
    expect(all[3]?.query).toEqual({ x: ['1', '2'] });
    expect(all.map((call) => call.seq)).toEqual(
      [...all.map((call) => call.seq)].sort((a, b) => a - b),
    );
    const posts = await control<{ calls: Journaled[] }>(
      'GET',
      '/journal?method=post&path=/v1/tasks&status=400',
    );
    expect(posts.calls.map((call) => call.status)).toEqual([400]);
    const cts = await control<{ calls: Journaled[] }>('GET', '/journal?dialect=cts');
    expect(cts.calls).toHaveLength(3);
    // The fake's own control calls are journaled too, and DELETE clears the journal.
    await control('DELETE', '/journal');
    expect((await control<{ calls: Journaled[] }>('GET', '/journal?dialect=cts')).calls).toEqual(
      [],
    );
    expect(fake.control.calls({ dialect: 'cts' })).toEqual([]);
  });

  it('GET /openapi/cts.json is an OpenAPI 3 document with every CTS route', async () => {
    const doc = await control<{
      openapi: string;
      info: { title: string; version: string };
      paths: Record<
        string,
        Record<string, { responses?: Record<string, { description?: string }> }>
      >;
      components: { schemas: Record<string, object> };
    }>('GET', '/openapi/cts.json');
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).not.toBe('');
    expect(doc.info.version).not.toBe('');
    const operations = Object.fromEntries(
      Object.entries(doc.paths).map(([path, item]) => [
        path,
        Object.keys(item)
          .filter((key) =>
            ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'].includes(key),
          )
          .sort(),
      ]),
    );
    expect(operations).toMatchObject({
      '/v1/health': ['get'],
      '/v1/status/cluster': ['get'],
      '/v1/tasks': ['get', 'post'],
      '/v1/tasks/{name}': ['delete', 'get', 'patch'],
      '/v1/status': ['get'],
      '/v1/status/tasks': ['get'],
      '/v1/status/tasks/{name}': ['get'],
    });
    // Every operation documents its responses, each with a description.
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of operations[path] ?? []) {
        const responses = item[method]?.responses ?? {};
        expect(Object.keys(responses).length, `${method} ${path}`).toBeGreaterThan(0);
        for (const [code, response] of Object.entries(responses)) {
          expect(code).toMatch(/^([1-5]\d\d|default)$/);
          expect(typeof response.description, `${method} ${path} ${code}`).toBe('string');
        }
      }
    }
    // Every $ref resolves inside the document.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]*"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const pointer = ref.slice('"$ref":"#/'.length, -1).split('/');
      let node: unknown = doc;
      for (const segment of pointer)
        node = (node as Record<string, unknown> | undefined)?.[segment];
      expect(node, ref).toBeTypeOf('object');
    }
    // The schemas compile, and describe what the server answers.
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema({ ...(toJsonSchema(doc) as object), $id: 'cts' });
    const check = (schema: string, body: unknown): void => {
      const validate = ajv.getSchema(`cts#/components/schemas/${schema}`);
      if (validate === undefined) throw new Error(`no schema ${schema}`);
      expect(validate(body), `${schema}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
    for (const name of Object.keys(doc.components.schemas)) {
      expect(ajv.getSchema(`cts#/components/schemas/${name}`), name).toBeTypeOf('function');
    }
    await control('POST', '/cts/services', { name: 'api' });
    check('TaskResponse', parse(await api('POST', '/v1/tasks?run=now', { task: apiTask('o') })));
    check('TasksResponse', parse(await api('GET', '/v1/tasks')));
    check('TaskStatusMap', parse(await api('GET', '/v1/status/tasks?include=events')));
    check('OverallStatus', parse(await api('GET', '/v1/status')));
    check('ErrorResponse', parse(await api('GET', '/v1/tasks/nope')));
    check('LegacyErrorResponse', parse(await api('GET', '/v1/status/tasks/nope')));
    check(
      'UpdateTaskResponse',
      parse(await api('PATCH', '/v1/tasks/o?run=inspect', { enabled: true })),
    );
    check('TaskDeleteResponse', parse(await api('DELETE', '/v1/tasks/o')));
    check('HealthCheckResponse', parse(await api('GET', '/v1/health')));
  });

  it('/cts/services registers, lists, changes health and deregisters instances', async () => {
    await control('POST', '/seed', { cts: { tasks: [apiTask('t')] } });
    const registered = await api('POST', '/_taskport/cts/services', { name: 'api', id: 'api-1' });
    expect(registered.status).toBe(201);
    expect(parse<{ service: object }>(registered).service).toEqual({
      id: 'api-1',
      name: 'api',
      address: '127.0.0.1',
      port: 0,
      tags: [],
      meta: {},
      node: 'node-1',
      nodeAddress: '127.0.0.1',
      nodeMeta: {},
      datacenter: 'dc1',
      namespace: 'default',
      status: 'passing',
    });
    expect(
      (await control<{ services: { id: string }[] }>('GET', '/cts/services')).services.map(
        (service) => service.id,
      ),
    ).toEqual(['api-1']);
    await control('POST', '/wait-for-idle');
    expect(await eventCount('t')).toBe(1);
    const critical = await control<{ service: { status: string } }>(
      'PUT',
      '/cts/services/api-1/health',
      { status: 'critical' },
    );
    expect(critical.service.status).toBe('critical');
    await control('POST', '/wait-for-idle');
    expect(await eventCount('t')).toBe(2);
    expect(await control('DELETE', '/cts/services/api-1')).toEqual({});
    expect((await control<{ services: unknown[] }>('GET', '/cts/services')).services).toEqual([]);
    // Unknown instances and bad input.
    const missing = await api('DELETE', '/_taskport/cts/services/api-1');
    expect({ status: missing.status, body: parse(missing) }).toEqual({
      status: 404,
      body: { error: 'no service instance api-1' },
    });
    expect(
      (await api('PUT', '/_taskport/cts/services/nope/health', { status: 'passing' })).status,
    ).toBe(404);
    expect((await api('PUT', '/_taskport/cts/services/api-1/health', {})).status).toBe(400);
    expect((await api('POST', '/_taskport/cts/services', { id: 'no-name' })).status).toBe(400);
    expect(
      (await api('POST', '/_taskport/cts/services', { name: 'x', status: 'sick' })).status,
    ).toBe(400);
  });

  it('/cts/kv/* sets and deletes keys that consul_kv tasks watch', async () => {
    await control('POST', '/seed', {
      cts: {
        tasks: [
          {
            name: 'kv',
            module: 'm',
            condition: { consul_kv: { path: 'app/', recurse: true } },
            buffer_period: { enabled: false },
          },
        ],
      },
    });
    const put = await http(fake.url, 'PUT', '/_taskport/cts/kv/app/db%20url', {
      body: 'postgres://x',
      contentType: 'text/plain',
    });
    expect(put.status).toBe(200);
    await control('PUT', '/cts/kv/other', 'not watched');
    expect((await control<{ keys: object }>('GET', '/cts/kv')).keys).toEqual({
      'app/db url': 'postgres://x',
      other: '"not watched"',
    });
    await control('POST', '/wait-for-idle');
    expect(await eventCount('kv')).toBe(1);
    expect(await control('DELETE', '/cts/kv/app?recurse')).toEqual({ deleted: 1 });
    expect(await control('DELETE', '/cts/kv/app')).toEqual({ deleted: 0 });
    await control('POST', '/wait-for-idle');
    expect(await eventCount('kv')).toBe(2);
  });

  it('/cts/outcomes scripts runs; PUT /cts/outcomes/default sets the rest', async () => {
    await control('POST', '/seed', { cts: { tasks: [apiTask('t')] } });
    await control('POST', '/cts/outcomes', {
      task: 't',
      outcomes: [{ success: false, error: 'boom' }, { plan: 'custom plan' }],
    });
    expect(await control('GET', '/cts/outcomes')).toEqual({
      pending: { t: [{ success: false, error: 'boom' }, { plan: 'custom plan' }] },
      taskDefaults: {},
      default: {},
    });
    const failed = await api('PATCH', '/v1/tasks/t?run=now', { enabled: true });
    expect(failed.status).toBe(500);
    expect(parse<{ error: { message: string } }>(failed).error.message).toBe(
      "error tf-apply for 't': boom",
    );
    expectJson(
      await api('PATCH', '/v1/tasks/t?run=inspect', { enabled: true }),
      200,
      '{"inspect":{"changes_present":false,"plan":"custom plan"}}',
    );
    expect(await control('GET', '/cts/outcomes')).toEqual({
      pending: {},
      taskDefaults: {},
      default: {},
    });
    await control('PUT', '/cts/outcomes/default', { success: false, error: 'always' });
    const again = await api('PATCH', '/v1/tasks/t?run=now', { enabled: true });
    expect(parse<{ error: { message: string } }>(again).error.message).toBe(
      "error tf-apply for 't': always",
    );
    expect((await api('POST', '/_taskport/cts/outcomes', { task: 't' })).status).toBe(400);
    expect((await api('POST', '/_taskport/cts/outcomes', { outcomes: [] })).status).toBe(400);
  });

  it('an unknown control route → 404 naming it', async () => {
    const result = await api('GET', '/_taskport/nope');
    expect({ status: result.status, body: parse(result) }).toEqual({
      status: 404,
      body: { error: 'taskport: no control route GET /_taskport/nope' },
    });
  });

  it('POST /reset forgets tasks, events, services, keys, outcomes, defaults and the journal', async () => {
    await control('POST', '/seed', { cts: { tasks: [apiTask('t')], run: 'now' } });
    await control('POST', '/cts/services', { name: 'api' });
    await control('PUT', '/cts/kv/k', 'v');
    await control('POST', '/cts/outcomes', { task: 't', outcomes: [{ success: false }] });
    await control('PUT', '/cts/outcomes/default', { success: false, error: 'sticky' });
    await control('POST', '/wait-for-idle');
    expect(await eventCount('t')).toBeGreaterThan(0);

    await control('POST', '/reset');
    const journal = (await control<{ calls: Journaled[] }>('GET', '/journal')).calls;
    expect(journal.map((call) => `${call.method} ${call.path}`)).toEqual(['POST /_taskport/reset']);
    expectJson(await api('GET', '/v1/tasks'), 200, '{"request_id":"<id>","tasks":[]}');
    expectJson(await api('GET', '/v1/status/tasks'), 200, '{}');
    expectJson(
      await api('GET', '/v1/status'),
      200,
      '{"task_summary":{"status":{"successful":0,"errored":0,"critical":0,"unknown":0},"enabled":{"true":0,"false":0}}}',
    );
    expect(await control('GET', '/cts/services')).toEqual({ services: [] });
    expect(await control('GET', '/cts/kv')).toEqual({ keys: {} });
    expect(await control('GET', '/cts/outcomes')).toEqual({
      pending: {},
      taskDefaults: {},
      default: {},
    });
    // The same name can be created again, and the default outcome is gone.
    expect((await api('POST', '/v1/tasks?run=now', { task: apiTask('t') })).status).toBe(201);
    expect(await eventCount('t')).toBe(1);
  });
});

describe('startFakeServer lifecycle', () => {
  it('`await using` closes the port when the block ends', async () => {
    let url = '';
    {
      await using fake = await startFakeServer({ clock: 'virtual', dialects: ['cts'] });
      url = fake.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expectJson(await http(url, 'GET', '/v1/health'), 200, '{}');
    }
    await expect(fetch(`${url}/v1/health`)).rejects.toThrow();
  });

  it('close() is idempotent and stops the daemon', async () => {
    const fake = await startFakeServer({ clock: 'virtual', dialects: ['cts'] });
    await Promise.all([fake.close(), fake.close()]);
    await fake.close();
    await expect(fetch(`${fake.url}/v1/health`)).rejects.toThrow();
  });

  it('a real clock says it does not control time, and advance is refused', async () => {
    await using fake = await startFakeServer({ dialects: ['cts'] });
    const clock = parse<{ controlsTime: boolean }>(await http(fake.url, 'GET', '/_taskport/clock'));
    expect(clock.controlsTime).toBe(false);
    await expect(fake.control.advance(1)).rejects.toThrow(/needs a virtual clock/);
  });
});

describe('the taskport serve CLI', () => {
  const children: ChildProcess[] = [];

  afterEach(() => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  /** Spawns the CLI from source; resolves with its URL once it prints it. */
  async function serve(...args: string[]): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', ...args],
      // Bounded: the process is killed if a test forgets it.
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 },
    );
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child.once('exit', (code) =>
        reject(new Error(`the CLI exited (${code}) before listening: ${stdout}${stderr}`)),
      );
    });
    expect(stderr).toBe('');
    return { child, url };
  }

  function exitOf(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
  }

  interface StatusEntry {
    status: string;
    enabled: boolean;
    events?: { success: boolean }[];
  }

  it('seeds the tasks of a CTS HCL config, runs each once, and exits 0 on SIGTERM', async () => {
    const { child, url } = await serve('--virtual-clock', '--config', `${FIXTURES}config.hcl`);
    const tasks = parse<{ tasks: { name: string; module: string }[] }>(
      await http(url, 'GET', '/v1/tasks'),
    ).tasks;
    expect(tasks.map((task) => [task.name, task.module])).toEqual([
      ['web-firewall', 'org/firewall/aws'],
      ['nightly-report', './modules/report'],
    ]);
    const status = parse<Record<string, StatusEntry>>(
      await http(url, 'GET', '/v1/status/tasks?include=events'),
    );
    expect(Object.keys(status)).toEqual(['nightly-report', 'web-firewall']);
    for (const entry of Object.values(status)) {
      expect(entry.status).toBe('successful');
      expect(entry.events?.map((event) => event.success)).toEqual([true]);
    }
    const clock = parse<{ controlsTime: boolean }>(await http(url, 'GET', '/_taskport/clock'));
    expect(clock.controlsTime).toBe(true);
    // The config's global buffer period (3 s min) applies to the services task.
    await http(url, 'POST', '/_taskport/cts/services', json({ name: 'web' }));
    await http(url, 'POST', '/_taskport/clock/advance', json({ ms: 2_999 }));
    const eventsOf = async (): Promise<number> =>
      parse<Record<string, StatusEntry>>(
        await http(url, 'GET', '/v1/status/tasks/web-firewall?include=events'),
      )['web-firewall']?.events?.length ?? 0;
    expect(await eventsOf()).toBe(1);
    await http(url, 'POST', '/_taskport/clock/advance', json({ ms: 1 }));
    await http(url, 'POST', '/_taskport/wait-for-idle');
    expect(await eventsOf()).toBe(2);

    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  }, 30_000);

  it('seeds a JSON array of tasks; disabled tasks do not run', async () => {
    const { child, url } = await serve('--virtual-clock', '--config', `${FIXTURES}tasks.json`);
    const status = parse<Record<string, StatusEntry>>(
      await http(url, 'GET', '/v1/status/tasks?include=events'),
    );
    expect(status['kv-sync']).toMatchObject({ status: 'successful', enabled: true });
    expect(status['kv-sync']?.events).toHaveLength(1);
    expect(status.paused).toMatchObject({ status: 'unknown', enabled: false });
    expect(status.paused?.events).toBeUndefined();
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  }, 30_000);
});
