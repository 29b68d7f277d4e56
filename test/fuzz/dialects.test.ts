/**
 * Every route of every dialect on one listening fake, fuzzed together
 * (fast-check, fixed seed, bounded count and time): arbitrary methods, ids,
 * media types, tokens and bodies — JSON, bytes, nesting 100 000 deep,
 * bodies of several MiB. Only each dialect's documented statuses come back,
 * never a stack overflow or a bare 500; the kept task of each dialect is
 * unchanged; the server keeps answering; the process's memory stays bounded.
 */

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECT_HTTP_STATUS } from '../../src/api/ona/errors.ts';
import { ONA_METHODS } from '../../src/api/ona/service.ts';
import {
  type Answer,
  KEPT_CTS_TASK,
  type KeptWorld,
  memoryAfterGc,
  ONA_SERVICE,
  send,
  startKeptWorld,
} from './world.ts';

const FC_OPTIONS = {
  numRuns: 400,
  seed: 20_261_114,
  interruptAfterTimeLimit: 5_000,
  markInterruptAsFailure: false,
} as const;
/** Growth of the resident set the whole run may cause (the leaks this guards against were GBs). */
const RSS_BOUND_BYTES = 256 * 1024 * 1024;
/** Growth of the heap after collection: the journal's budget and the tasks created, with room. */
const HEAP_BOUND_BYTES = 32 * 1024 * 1024;

let world: KeptWorld;
beforeAll(async () => {
  world = await startKeptWorld();
});
afterAll(async () => {
  await world?.close();
});

type Dialect = 'cts' | 'tfc' | 'ona' | 'none';

const CTS_STATUSES = new Set([200, 201, 202, 400, 404, 405]);
const TFC_STATUSES = new Set([200, 201, 204, 400, 401, 404, 409, 415, 422]);
const ONA_STATUSES = new Set([200, ...Object.values(CONNECT_HTTP_STATUS), 404, 405, 415]);

function dialectOf(method: string, path: string): Dialect {
  if (path.startsWith('/v1/') || path === '/v1') return 'cts';
  if (path.startsWith('/api/v2/')) return 'tfc';
  // The fake routes only GET and HEAD of service discovery to tfc.
  if (path === '/.well-known/terraform.json' && (method === 'GET' || method === 'HEAD')) {
    return 'tfc';
  }
  if (path.startsWith(`${ONA_SERVICE}/`)) return 'ona';
  return 'none';
}

/** Messages a program error would leave in a 500 or a Connect `internal`. */
const CRASH = /call stack|is not a function|Cannot read|undefined|TypeError|RangeError/;

/** Fails unless the answer is one the dialect documents for this request. */
function expectDocumented(method: string, path: string, answer: Answer): void {
  const route = path.split('?')[0] ?? '';
  const where = `${method} ${path} → ${answer.status} ${answer.text.slice(0, 300)}`;
  switch (dialectOf(method, route)) {
    case 'cts': {
      // CTS answers its task validation errors with 500 (see test/api/cts/fuzz.test.ts).
      const validation500 =
        answer.status === 500 &&
        ((method === 'POST' && route === '/v1/tasks') ||
          (method === 'PATCH' && route.startsWith('/v1/tasks/'))) &&
        !CRASH.test(answer.text);
      expect(CTS_STATUSES.has(answer.status) || validation500, where).toBe(true);
      return;
    }
    case 'tfc':
      expect(TFC_STATUSES.has(answer.status), where).toBe(true);
      if (answer.status >= 400 && answer.text !== '') {
        expect(answer.text, where).toMatch(/"errors":\[/);
      }
      return;
    case 'ona':
      expect(ONA_STATUSES.has(answer.status), where).toBe(true);
      expect(answer.text, where).not.toContain('"code":"internal"');
      return;
    default:
      expect([404, 405].includes(answer.status), where).toBe(true);
  }
}

/** An id: the kept ones, made-up ones, and anything URL-encoded. */
const idArb = (kept: () => string) =>
  fc.oneof(
    { arbitrary: fc.constant(null).map(kept), weight: 5 },
    {
      arbitrary: fc.constantFrom('x', 'task-AAAAAAAAAAAAAAAA', 'ws-1', '0', '..', '%00'),
      weight: 2,
    },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent), weight: 2 },
  );

/** [template, kept id for :id, kept id for :ws] — each dialect's routes. */
const ROUTES: readonly string[] = [
  '/v1/health',
  '/v1/status',
  '/v1/status/cluster',
  '/v1/status/tasks',
  '/v1/status/tasks/:cts',
  '/v1/tasks',
  '/v1/tasks/:cts',
  '/v1/nowhere',
  '/.well-known/terraform.json',
  '/api/v2/ping',
  '/api/v2/organizations/:org',
  '/api/v2/organizations/:org/entitlement-set',
  '/api/v2/organizations/:org/workspaces/:any',
  '/api/v2/organizations/:org/tasks',
  '/api/v2/workspaces/:ws',
  '/api/v2/workspaces/:ws/tasks',
  '/api/v2/workspaces/:ws/tasks/:any',
  '/api/v2/tasks/:tfc',
  '/api/v2/tasks/:tfc/relationships/workspace-tasks',
  '/api/v2/runs/:any',
  '/api/v2/runs/:any/task-stages',
  '/api/v2/task-stages/:any',
  '/api/v2/task-stages/:any/actions/override',
  '/api/v2/task-results/:any',
  '/api/v2/task-results/:any/outcomes',
  '/api/v2/task-result-outcomes/:any',
  '/api/v2/task-result-outcomes/:any/body',
  '/api/v2/task-results/:any/callback',
  '/api/v2/nowhere',
  ...Object.keys(ONA_METHODS).map((method) => `${ONA_SERVICE}/${method}`),
  `${ONA_SERVICE}/NoSuchMethod`,
  '/nowhere',
];

const pathArb = fc
  .tuple(
    fc.constantFrom(...ROUTES),
    idArb(() => KEPT_CTS_TASK),
    idArb(() => world.tfcTaskId),
    idArb(() => world.tfcOrg),
    idArb(() => world.tfcWorkspaceId),
    idArb(() => 'x'),
    fc.constantFrom(
      '',
      '',
      '?run=now',
      '?run=inspect',
      '?include=workspace_tasks',
      '?page[size]=0',
      '?encoding=json&message=%7B%7D',
      '?%',
    ),
  )
  .map(([template, cts, tfc, org, ws, any, query]) => ({
    template,
    path:
      template
        .replace(':cts', cts)
        .replace(':tfc', tfc)
        .replace(':org', org)
        .replace(':ws', ws)
        .replace(':any', any) + query,
    touchesKept:
      (template.includes(':cts') && cts === KEPT_CTS_TASK) ||
      (template.includes(':tfc') && tfc === world.tfcTaskId),
  }));

const methodArb = fc.oneof(
  { arbitrary: fc.constantFrom('GET', 'POST'), weight: 4 },
  { arbitrary: fc.constantFrom('PATCH', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'), weight: 2 },
);

const encoder = new TextEncoder();
const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const bodyArb: fc.Arbitrary<Uint8Array | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 1 },
  {
    arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => encoder.encode(JSON.stringify(value))),
    weight: 6,
  },
  {
    arbitrary: fc
      .record({
        data: fc.record(
          {
            type: fc.constantFrom('tasks', 'workspace-tasks', 'x'),
            attributes: fc.dictionary(
              fc.constantFrom(
                'name',
                'url',
                'category',
                'enforcement-level',
                'stages',
                'hmac-key',
                'enabled',
              ),
              fc.jsonValue({ maxDepth: 1 }),
              { maxKeys: 4 },
            ),
          },
          { requiredKeys: ['type'] },
        ),
      })
      .map((value) => encoder.encode(JSON.stringify(value))),
    weight: 3,
  },
  {
    arbitrary: fc
      .record(
        {
          environmentId: fc.constantFrom('x', ''),
          metadata: fc.record({
            reference: fc.string({ maxLength: 8 }),
            name: fc.string({ maxLength: 8 }),
          }),
          id: fc.uuid(),
          spec: fc.jsonValue({ maxDepth: 2 }),
        },
        { requiredKeys: [] },
      )
      .map((value) => encoder.encode(JSON.stringify(value))),
    weight: 3,
  },
  { arbitrary: fc.uint8Array({ maxLength: 2_048 }), weight: 2 },
  {
    arbitrary: fc.constantFrom(100_000, 20_000).map((depth) => encoder.encode(deep(depth))),
    weight: 1,
  },
  {
    // Just under and past each body limit (1 MiB CTS and tfc's read-ahead, 4 MiB Ona).
    arbitrary: fc
      .constantFrom(900_000, 1_100_000, 3_900_000, 5_000_000)
      .map((size) => encoder.encode(`{"task":"${'x'.repeat(size)}"}`)),
    weight: 1,
  },
);

const headersArb = fc
  .record({
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'application/vnd.api+json',
      'text/plain',
      'application/proto',
      null,
    ),
    auth: fc.constantFrom('tfc', 'tfc', 'junk', 'none'),
  })
  .map(({ contentType, auth }) => {
    const headers: Record<string, string> = {};
    if (contentType !== null) headers['content-type'] = contentType;
    if (auth === 'tfc') headers.authorization = `Bearer ${world.tfcToken}`;
    if (auth === 'junk') headers.authorization = 'Bearer ';
    return headers;
  });

/** The body with `"ENV"` replaced by the kept Ona environment's id. */
function withEnvironment(body: Uint8Array | undefined): Uint8Array | undefined {
  if (body === undefined || body.byteLength > 4_096) return body;
  const text = new TextDecoder().decode(body);
  return text.includes('"ENV"')
    ? encoder.encode(text.replace('"ENV"', JSON.stringify(world.onaEnvironmentId)))
    : body;
}

/** The method and headers a dialect's own client would send to `path`. */
function conform(
  method: string,
  path: string,
  headers: Record<string, string>,
): { method: string; headers: Record<string, string> } {
  if (path.startsWith(`${ONA_SERVICE}/`)) {
    return {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'connect-protocol-version': '1',
        authorization: 'Bearer fuzz',
      },
    };
  }
  if (path.startsWith('/api/v2/')) {
    return {
      method,
      headers: {
        'content-type': 'application/vnd.api+json',
        authorization: `Bearer ${world.tfcToken}`,
      },
    };
  }
  return { method, headers: { ...headers, 'content-type': 'application/json' } };
}

describe('fuzzing every dialect’s routes on one fake', () => {
  it('documented statuses only; kept tasks unchanged; still answering; memory bounded', async () => {
    const before = await world.snapshot();
    const memoryBefore = memoryAfterGc();
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(
        methodArb,
        pathArb,
        headersArb,
        bodyArb,
        fc.boolean(),
        async (method, { path, touchesKept }, headers, body, conforming) => {
          fc.pre(!(touchesKept && method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS'));
          // Most requests are shaped as the dialect's clients send them, to get past its
          // gates into the handlers; the rest keep whatever method and headers were drawn.
          const shaped = conforming ? conform(method, path, headers) : { method, headers };
          const answer = await send(
            world.fake.url,
            shaped.method,
            path,
            shaped.headers,
            withEnvironment(body),
          );
          requests++;
          expectDocumented(shaped.method, path, answer);
        },
      ),
      FC_OPTIONS,
    );
    expect(requests).toBeGreaterThan(100);
    await world.fake.control.waitForIdle();
    expect(await world.snapshot()).toBe(before);
    expect((await send(world.fake.url, 'GET', '/v1/health', {}, undefined)).status).toBe(200);
    expect((await send(world.fake.url, 'GET', '/api/v2/ping', {}, undefined)).status).toBe(204);
    const memoryAfter = memoryAfterGc();
    expect(memoryAfter.rss - memoryBefore.rss).toBeLessThan(RSS_BOUND_BYTES);
    expect(memoryAfter.heapUsed - memoryBefore.heapUsed).toBeLessThan(HEAP_BOUND_BYTES);
  }, 30_000);
});
