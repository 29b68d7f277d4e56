/**
 * Robustness of the fake's CTS API through its real listening socket:
 * arbitrary JSON and arbitrary bytes on every route and method must never
 * produce an undocumented 5xx, must leave pre-existing tasks and events as
 * they were, and must leave the server answering. Also: oversized bodies,
 * and a catastrophic-backtracking regexp against a long service name.
 *
 * fast-check runs with a fixed seed, so a failure replays the same way.
 */

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../../src/testing/fake-server.ts';
import {
  expectJson,
  expectValidatorError,
  type HttpResult,
  http,
  legacyErrorBody,
  parse,
} from '../../contract/http.ts';

const KEEP = ['keep-a', 'keep-b'] as const;
const MAX_BODY = 4 * 1024;
const FC_OPTIONS = {
  numRuns: 200,
  seed: 20_260_101,
  // Bounds the wall time whatever the machine; a bounded run is not a failure.
  interruptAfterTimeLimit: 15_000,
  markInterruptAsFailure: false,
} as const;

/** The messages of CTS's task validation: the only 500s POST /v1/tasks may answer. */
const VALIDATION_500 = [
  /^unique name for the task is required$/,
  /^a task name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes: /,
  /^module for the task is required$/,
  /^unsupported configuration 'terraform_(version|cloud_workspace)' for task /,
  /^only one provider instance per task$/,
  /^error validating `condition "services"` block: /,
  /^unable to compile catalog-services 'regexp': /,
  /^path is required for consul-kv condition$/,
  /^cron config is required for schedule condition$/,
  /^unable to parse schedule condition's cron config /,
  /^task's condition block and module_input block both monitor "[a-z_]+" variable type/,
  /^buffer_period: (cannot be negative|min must be less than max)$/,
];
/** PATCH may answer 500 only for an active task (no failures are scripted here). */
const PATCH_500 = /^task '.*' is active and cannot be updated at this time$/s;

let fake: FakeServer;

const api = (
  method: string,
  path: string,
  body?: string | Uint8Array,
  contentType?: string | null,
) => http(fake.url, method, path, { body, contentType });

/** What the pre-existing tasks look like over HTTP, request ids aside. */
async function snapshot(): Promise<unknown> {
  const list = parse<{ tasks: { name: string }[] }>(await api('GET', '/v1/tasks'));
  const status = parse<Record<string, unknown>>(
    await api('GET', '/v1/status/tasks?include=events'),
  );
  return {
    tasks: list.tasks.filter((task) => (KEEP as readonly string[]).includes(task.name)),
    status: KEEP.map((name) => status[name]),
  };
}

/** Fails on a 5xx the reference does not document for this request. */
function expectNoUndocumented5xx(method: string, path: string, result: HttpResult): void {
  if (result.status < 500) return;
  const message = (() => {
    try {
      return parse<{ error?: { message?: string } }>(result).error?.message ?? '';
    } catch {
      return '';
    }
  })();
  const route = path.split('?')[0] ?? '';
  const documented =
    result.status === 500 &&
    ((method === 'POST' &&
      route === '/v1/tasks' &&
      VALIDATION_500.some((re) => re.test(message))) ||
      (method === 'PATCH' && route.startsWith('/v1/tasks/') && PATCH_500.test(message)));
  expect(documented, `${method} ${path} → ${result.status} ${result.text}`).toBe(true);
}

/** A path name: anything, URL-encoded; DELETE and PATCH never aim at the kept tasks. */
const nameArb = fc.oneof(
  fc.constantFrom('t', 'fz', 'fz-1', 'tasks', '_x', 'a-b', ...KEEP),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);

/** Every route, the task routes (where the logic is) more often. */
const pathArb = fc.oneof(
  { arbitrary: fc.constant('/v1/tasks'), weight: 6 },
  { arbitrary: nameArb.map((name) => `/v1/tasks/${encodeURIComponent(name)}`), weight: 4 },
  { arbitrary: nameArb.map((name) => `/v1/status/tasks/${encodeURIComponent(name)}`), weight: 2 },
  { arbitrary: nameArb.map((name) => `/v1/tasks/${encodeURIComponent(name)}/sub`), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      '/v1/health',
      '/v1/status/cluster',
      '/v1/tasks/',
      '/v1/status',
      '/v1/status/tasks',
      '/v1/status/tasks/',
      '/v1/status/other',
      '/v1/unknown',
    ),
    weight: 3,
  },
);

const queryArb = fc.oneof(
  fc.constantFrom('', '?run=now', '?run=inspect', '?run=INSPECT', '?run=', '?run=now&run=now'),
  fc.constantFrom('?status=errored', '?status=x', '?include=events', '?include=x&include=y'),
  fc.string({ maxLength: 20 }).map((value) => `?run=${encodeURIComponent(value)}`),
  fc
    .string({ maxLength: 20 })
    .map((value) => `?${encodeURIComponent(value)}=1&status=${encodeURIComponent(value)}`),
);

/** Bodies that mostly get past the schema, deep into the config checks and runs. */
const taskishArb = fc.record(
  {
    task: fc.record(
      {
        name: fc.oneof(
          { arbitrary: fc.nat(999_999).map((n) => `fz-${n}`), weight: 6 },
          { arbitrary: fc.constantFrom('1fz', '', 'a.b', 'ünï', ...KEEP), weight: 2 },
          { arbitrary: fc.string({ maxLength: 12 }), weight: 2 },
        ),
        module: fc.oneof(
          { arbitrary: fc.constant('m'), weight: 8 },
          { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
          { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 },
        ),
        enabled: fc.oneof({ arbitrary: fc.boolean(), weight: 9 }, fc.jsonValue({ maxDepth: 1 })),
        providers: fc.array(fc.constantFrom('aws', 'aws.east', '', 'gcp'), { maxLength: 3 }),
        variables: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), {
          maxKeys: 3,
        }),
        buffer_period: fc.record(
          {
            enabled: fc.boolean(),
            min: fc.constantFrom('5s', '0', '-1s', '1h', 'x', '1.5m', '9999999999h'),
            max: fc.constantFrom('20s', '1ns', '', '3µs'),
          },
          { requiredKeys: [] },
        ),
        condition: fc.oneof(
          {
            arbitrary: fc.record({
              services: fc.record(
                {
                  names: fc.array(fc.constantFrom('api', 'web', ''), { maxLength: 3 }),
                  regexp: fc.constantFrom('^api', '(', '(a+)+$', '[[:alpha:]]', '(?P<n>x)', 'a**'),
                  use_as_module_input: fc.boolean(),
                },
                { requiredKeys: [] },
              ),
            }),
            weight: 4,
          },
          {
            arbitrary: fc.record({
              schedule: fc.record({
                cron: fc.constantFrom('* * * * *', '', 'x', '*/0 * * * *', '0 0 30 2 *', '@hourly'),
              }),
            }),
            weight: 2,
          },
          {
            arbitrary: fc.record({
              consul_kv: fc.record({ path: fc.string({ maxLength: 6 }), recurse: fc.boolean() }),
            }),
            weight: 1,
          },
          {
            arbitrary: fc.record({
              catalog_services: fc.record({ regexp: fc.string({ maxLength: 6 }) }),
            }),
            weight: 1,
          },
          { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
        ),
        module_input: fc.oneof(
          { arbitrary: fc.constant({}), weight: 3 },
          { arbitrary: fc.constant({ services: { names: ['api'] } }), weight: 2 },
          { arbitrary: fc.constant({ consul_kv: { path: 'p' } }), weight: 2 },
          { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
        ),
        terraform_version: fc.constantFrom('', '1.2.0'),
      },
      { requiredKeys: ['name', 'module', 'condition'] },
    ),
  },
  { requiredKeys: ['task'] },
);

const jsonBodyArb = fc
  .oneof(
    { arbitrary: fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value)), weight: 3 },
    { arbitrary: taskishArb.map((value) => JSON.stringify(value)), weight: 4 },
    {
      arbitrary: fc
        .record({ enabled: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] })
        .map((value) => JSON.stringify(value)),
      weight: 2,
    },
  )
  .filter((text) => new TextEncoder().encode(text).byteLength <= MAX_BODY);

const contentTypeArb = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 6 },
  fc.constantFrom('application/json; charset=utf-8', 'text/plain', null),
);

/** Any method; the ones with logic behind them more often. */
const methodArb = fc.oneof(
  { arbitrary: fc.constantFrom('POST', 'PATCH'), weight: 3 },
  { arbitrary: fc.constantFrom('PUT', 'DELETE', 'OPTIONS'), weight: 2 },
);

beforeAll(async () => {
  fake = await startFakeServer({ clock: 'virtual', dialects: ['cts'] });
  const base = {
    module: 'm',
    condition: { services: { names: ['api'] } },
    buffer_period: { enabled: false },
  };
  for (const name of KEEP) {
    const result = await api(
      'POST',
      '/v1/tasks?run=now',
      JSON.stringify({ task: { name, ...base } }),
    );
    expect(result.status, result.text).toBe(201);
  }
  fake.control.cts.script('keep-b', { success: false, error: 'kept failure' });
  expect((await api('PATCH', '/v1/tasks/keep-b?run=now', '{"enabled":true}')).status).toBe(500);
  expect((await api('PATCH', '/v1/tasks/keep-b', '{"enabled":false}')).status).toBe(200);
});

afterAll(async () => {
  await fake?.close();
});

describe('fuzzing every CTS route and method', () => {
  it('arbitrary JSON bodies: no undocumented 5xx; kept tasks unchanged; still healthy', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant('GET'), methodArb),
        pathArb,
        queryArb,
        jsonBodyArb,
        contentTypeArb,
        async (method, path, query, body, contentType) => {
          const route = path.split('?')[0] ?? '';
          fc.pre(
            !(
              (method === 'DELETE' || method === 'PATCH') &&
              KEEP.some((name) => route === `/v1/tasks/${name}`)
            ),
          );
          const result = await api(
            method,
            `${path}${query}`,
            method === 'GET' ? undefined : body,
            contentType,
          );
          expectNoUndocumented5xx(method, `${path}${query}`, result);
        },
      ),
      FC_OPTIONS,
    );
    await fake.control.waitForIdle();
    expect(await snapshot()).toEqual(before);
    expectJson(await api('GET', '/v1/health'), 200, '{}');
  }, 40_000);

  it('arbitrary bytes: no undocumented 5xx; kept tasks unchanged; still healthy', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        methodArb,
        pathArb,
        queryArb,
        fc.uint8Array({ maxLength: MAX_BODY }),
        contentTypeArb,
        async (method, path, query, bytes, contentType) => {
          const route = path.split('?')[0] ?? '';
          fc.pre(
            !(
              (method === 'DELETE' || method === 'PATCH') &&
              KEEP.some((name) => route === `/v1/tasks/${name}`)
            ),
          );
          const result = await api(method, `${path}${query}`, bytes, contentType);
          expectNoUndocumented5xx(method, `${path}${query}`, result);
        },
      ),
      FC_OPTIONS,
    );
    await fake.control.waitForIdle();
    expect(await snapshot()).toEqual(before);
    expectJson(await api('GET', '/v1/health'), 200, '{}');
  }, 40_000);

  it('task-shaped bodies through create, update and delete: no undocumented 5xx', async () => {
    const before = await snapshot();
    let created = 0;
    await fc.assert(
      fc.asyncProperty(
        taskishArb,
        fc.constantFrom('', '?run=now', '?run=inspect'),
        fc.record(
          { enabled: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })) },
          { requiredKeys: [] },
        ),
        fc.constantFrom('', '?run=now', '?run=inspect', '?run=NOW'),
        fc.boolean(),
        async (body, createQuery, update, updateQuery, remove) => {
          const posted = await api('POST', `/v1/tasks${createQuery}`, JSON.stringify(body));
          expectNoUndocumented5xx('POST', `/v1/tasks${createQuery}`, posted);
          if (posted.status !== 201) return;
          created++;
          const name = encodeURIComponent(body.task.name as string);
          const path = `/v1/tasks/${name}${updateQuery}`;
          expectNoUndocumented5xx('PATCH', path, await api('PATCH', path, JSON.stringify(update)));
          await fake.control.advance(60_000);
          const status = await api('GET', `/v1/status/tasks/${name}?include=events`);
          expect(status.status, status.text).toBe(200);
          if (remove) {
            expect((await api('DELETE', `/v1/tasks/${name}`)).status).toBe(202);
            await fake.control.waitForIdle();
          }
        },
      ),
      FC_OPTIONS,
    );
    // The generator reaches the handlers, not only the validator.
    expect(created).toBeGreaterThan(10);
    await fake.control.waitForIdle();
    expect(await snapshot()).toEqual(before);
    expectJson(await api('GET', '/v1/health'), 200, '{}');
  }, 40_000);
});

describe('oversized bodies', () => {
  const TWO_MIB = 2 * 1024 * 1024;
  /** A syntactically valid task whose description makes it 2 MiB. */
  const hugeTask = (): string =>
    JSON.stringify({
      task: {
        name: 'huge',
        module: 'm',
        description: 'x'.repeat(TWO_MIB),
        condition: { services: { names: ['api'] } },
      },
    });

  it('POST with a declared 2 MiB body → 400 body too large; nothing changes', async () => {
    const before = await snapshot();
    const result = await api('POST', '/v1/tasks', hugeTask());
    expectValidatorError(
      result,
      'request body has an error: reading failed: http: request body too large',
    );
    expect(await snapshot()).toEqual(before);
    expectJson(
      await api('GET', '/v1/tasks/huge'),
      404,
      JSON.stringify({
        error: {
          message: "a task with name 'huge' does not exist or has not been initialized yet",
        },
        request_id: '<id>',
      }),
    );
    expectJson(await api('GET', '/v1/health'), 200, '{}');
  });

  it('POST with a streamed 2 MiB body (no Content-Length) → 400 body too large', async () => {
    const bytes = new TextEncoder().encode(hugeTask());
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.byteLength; offset += 64 * 1024)
          controller.enqueue(bytes.subarray(offset, offset + 64 * 1024));
        controller.close();
      },
    });
    const response = await fetch(`${fake.url}/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expectValidatorError(
      { status: response.status, headers: response.headers, text: await response.text() },
      'request body has an error: reading failed: http: request body too large',
    );
    expectJson(await api('GET', '/v1/health'), 200, '{}');
  });

  it('PATCH with a 2 MiB body → 400 (legacy body); the task is untouched', async () => {
    const before = await snapshot();
    const body = JSON.stringify({ enabled: false, pad: 'x'.repeat(TWO_MIB) });
    expectJson(
      await api('PATCH', '/v1/tasks/keep-a', body),
      400,
      legacyErrorBody('http: request body too large'),
    );
    expect(await snapshot()).toEqual(before);
  });
});

describe('hostile regexps run on RE2', () => {
  it('(a+)+$ against a 100 000-character service name does not hang', async () => {
    for (const [name, condition] of [
      ['re-services', { services: { regexp: '(a+)+$' } }],
      ['re-catalog', { catalog_services: { regexp: '(a+)+$' } }],
    ] as const) {
      const result = await api(
        'POST',
        '/v1/tasks',
        JSON.stringify({
          task: { name, module: 'm', condition, buffer_period: { enabled: false } },
        }),
      );
      expect(result.status, result.text).toBe(201);
    }
    const started = performance.now();
    // No match: the name ends in '!'. Backtracking engines take exponential time here.
    fake.control.cts.registerService({ name: `${'a'.repeat(100_000)}!`, id: 'evil' });
    await fake.control.advance(0);
    await fake.control.waitForIdle();
    expect(performance.now() - started).toBeLessThan(5_000);
    const status = parse<Record<string, { events?: unknown[] }>>(
      await api('GET', '/v1/status/tasks?include=events'),
    );
    expect(status['re-services']?.events).toBeUndefined();
    expect(status['re-catalog']?.events).toBeUndefined();
    // A name that matches does trigger both: the patterns really are applied.
    fake.control.cts.registerService({ name: 'a'.repeat(50_000), id: 'long' });
    await fake.control.advance(0);
    await fake.control.waitForIdle();
    const after = parse<Record<string, { events?: unknown[] }>>(
      await api('GET', '/v1/status/tasks?include=events'),
    );
    expect(after['re-services']?.events).toHaveLength(1);
    expect(after['re-catalog']?.events).toHaveLength(1);
    expectJson(await api('GET', '/v1/health'), 200, '{}');
  });

  it('a hostile pattern is rejected or accepted by RE2 grammar alone, quickly', async () => {
    const started = performance.now();
    const result = await api(
      'POST',
      '/v1/tasks',
      JSON.stringify({
        task: { name: 're-bad', module: 'm', condition: { services: { regexp: '(a+)+\\1' } } },
      }),
    );
    expect(performance.now() - started).toBeLessThan(5_000);
    expectJson(
      result,
      500,
      JSON.stringify({
        error: {
          message:
            'error validating `condition "services"` block: unable to compile services regexp: error parsing regexp: invalid escape sequence: `\\1`',
        },
        request_id: '<id>',
      }),
    );
  });
});
