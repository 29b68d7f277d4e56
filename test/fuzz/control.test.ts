/**
 * Every route of the control API under `/_taskport/` fuzzed through a
 * listening fake (fast-check, fixed seed, bounded count and time):
 * arbitrary methods, ids, bodies, media types and browser headers. Only the
 * control API's documented statuses come back, each in its `{ error }`
 * envelope, never a 500; the kept task of each dialect is unchanged (reset
 * is left out: it is meant to change everything); the server keeps
 * answering; memory stays bounded.
 */

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeptWorld, memoryAfterGc, send, startKeptWorld } from './world.ts';

const FC_OPTIONS = {
  numRuns: 400,
  seed: 20_261_115,
  interruptAfterTimeLimit: 5_000,
  markInterruptAsFailure: false,
} as const;
const RSS_BOUND_BYTES = 256 * 1024 * 1024;
const HEAP_BOUND_BYTES = 32 * 1024 * 1024;

/** The statuses README's control API section documents. */
const DOCUMENTED = new Set([200, 201, 400, 401, 403, 404, 409, 415, 422]);

let world: KeptWorld;
beforeAll(async () => {
  world = await startKeptWorld();
});
afterAll(async () => {
  await world?.close();
});

/** Every control route (`:id` is fuzzed), reset aside. */
const ROUTES: readonly (readonly [string, string])[] = [
  ['POST', '/seed'],
  ['GET', '/clock'],
  ['POST', '/clock/advance'],
  ['POST', '/wait-for-idle'],
  ['GET', '/journal'],
  ['DELETE', '/journal'],
  ['GET', '/openapi/cts.json'],
  ['GET', '/cts/services'],
  ['POST', '/cts/services'],
  ['DELETE', '/cts/services/:id'],
  ['PUT', '/cts/services/:id/health'],
  ['GET', '/cts/kv'],
  ['PUT', '/cts/kv/:id'],
  ['DELETE', '/cts/kv/:id'],
  ['GET', '/cts/outcomes'],
  ['POST', '/cts/outcomes'],
  ['PUT', '/cts/outcomes/default'],
  ['GET', '/cts/cluster'],
  ['GET', '/cts/cluster/transitions'],
  ['POST', '/cts/cluster/failover'],
  ['POST', '/cts/cluster/members/:id/stop'],
  ['POST', '/cts/cluster/members/:id/start'],
  ['POST', '/tfc/organizations'],
  ['PATCH', '/tfc/organizations/:id/entitlements'],
  ['POST', '/tfc/workspaces'],
  ['POST', '/tfc/tokens'],
  ['POST', '/tfc/agent-pools'],
  ['POST', '/tfc/runs'],
  ['GET', '/tfc/runs'],
  ['GET', '/tfc/runs/:id'],
  ['POST', '/tfc/runs/:id/cancel'],
  ['GET', '/tfc/task-stages/:id'],
  ['GET', '/tfc/task-results/:id'],
  ['GET', '/tfc/tasks'],
  ['GET', '/tfc/webhooks'],
  ['GET', '/tfc/knobs'],
  ['PATCH', '/tfc/knobs'],
  ['POST', '/tfc/base-url'],
  ['POST', '/tfc/rate-limit'],
  ['POST', '/tfc/wait-for-idle'],
  ['GET', '/ona/environments'],
  ['POST', '/ona/environments'],
  ['DELETE', '/ona/environments/:id'],
  ['POST', '/ona/environments/:id/automations'],
  ['POST', '/ona/environments/:id/triggers'],
  ['GET', '/ona/outcomes'],
  ['POST', '/ona/outcomes'],
  ['PUT', '/ona/outcomes/default'],
  ['GET', '/ona/step-runs'],
  ['GET', '/nowhere'],
];

const idArb = fc.oneof(
  fc.constantFrom('x', 'api', 'cts-01', 'run-1', 'ENV', '..', 'a%2Fb'),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);

/** Field values the routes read, and anything else. */
const fieldArb = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    'api',
    'passing',
    'critical',
    'sick',
    'postEnvironmentStart',
    'succeed',
    'hang',
    -1,
    1e308,
    0,
    5_000,
    1e12,
    '',
  ),
);
const bodyObjectArb = fc.dictionary(
  fc.constantFrom(
    'ms',
    'name',
    'id',
    'port',
    'status',
    'task',
    'outcomes',
    'organization',
    'workspaceId',
    'trigger',
    'kind',
    'yaml',
    'cts',
    'tasks',
    'run',
    'mode',
    'successor',
    'speculative',
    'organizations',
    'token',
    'count',
    'url',
  ),
  fieldArb,
  { maxKeys: 5 },
);

const encoder = new TextEncoder();
const bodyArb: fc.Arbitrary<Uint8Array | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 2 },
  { arbitrary: bodyObjectArb.map((value) => encoder.encode(JSON.stringify(value))), weight: 8 },
  {
    arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => encoder.encode(JSON.stringify(value))),
    weight: 2,
  },
  { arbitrary: fc.uint8Array({ maxLength: 1_024 }), weight: 1 },
  {
    arbitrary: fc
      .constant(null)
      .map(() => encoder.encode(`${'['.repeat(50_000)}${']'.repeat(50_000)}`)),
    weight: 1,
  },
);

const headersArb = fc
  .record({
    contentType: fc.oneof(
      { arbitrary: fc.constant('application/json'), weight: 8 },
      fc.constantFrom('text/plain', 'application/yaml', 'application/x-www-form-urlencoded', null),
    ),
    browser: fc.oneof(
      { arbitrary: fc.constant('none'), weight: 8 },
      fc.constantFrom('cross-origin', 'cross-site', 'same-origin'),
    ),
  })
  .map(({ contentType, browser }) => {
    const headers: Record<string, string> = {};
    if (contentType !== null) headers['content-type'] = contentType;
    if (browser === 'cross-origin') headers.origin = 'http://evil.example';
    if (browser === 'cross-site') headers['sec-fetch-site'] = 'cross-site';
    if (browser === 'same-origin') headers.origin = world.fake.url;
    return headers;
  });

describe('fuzzing every control route', () => {
  it('documented statuses in the { error } envelope; kept tasks unchanged; still answering', async () => {
    const before = await world.snapshot();
    const memoryBefore = memoryAfterGc();
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.boolean(),
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        idArb,
        headersArb,
        bodyArb,
        async ([routeMethod, template], ownMethod, otherMethod, id, headers, body) => {
          const method = ownMethod ? routeMethod : otherMethod;
          const path = `/_taskport${template.replace(':id', id === 'ENV' ? world.onaEnvironmentId : id)}`;
          // Deleting the kept environment would take the kept Ona task with it.
          fc.pre(!(method === 'DELETE' && id === 'ENV'));
          const text =
            body === undefined
              ? undefined
              : new TextDecoder()
                  .decode(body)
                  .replace('"ENV"', JSON.stringify(world.onaEnvironmentId));
          const answer = await send(
            world.fake.url,
            method,
            path,
            headers,
            text === undefined ? undefined : encoder.encode(text),
          );
          const where = `${method} ${path} → ${answer.status} ${answer.text.slice(0, 300)}`;
          expect(DOCUMENTED.has(answer.status), where).toBe(true);
          expect(answer.contentType, where).toMatch(/^application\/json/);
          if (answer.status >= 400) {
            const parsed = JSON.parse(answer.text) as { error?: unknown };
            expect(typeof parsed.error, where).toBe('string');
          }
          answered++;
        },
      ),
      FC_OPTIONS,
    );
    expect(answered).toBeGreaterThan(100);
    await world.fake.control.waitForIdle();
    expect(await world.snapshot()).toBe(before);
    expect((await send(world.fake.url, 'GET', '/_taskport/clock', {}, undefined)).status).toBe(200);
    expect((await send(world.fake.url, 'GET', '/v1/health', {}, undefined)).status).toBe(200);
    const memoryAfter = memoryAfterGc();
    expect(memoryAfter.rss - memoryBefore.rss).toBeLessThan(RSS_BOUND_BYTES);
    expect(memoryAfter.heapUsed - memoryBefore.heapUsed).toBeLessThan(HEAP_BOUND_BYTES);
  }, 30_000);
});
