/**
 * Fuzzing bodies and query strings (fast-check, bounded): every answer is a
 * 200 or a Connect JSON error with the table's status, a failed request
 * changes nothing, and the server keeps serving.
 */

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONNECT_CODES, CONNECT_HTTP_STATUS } from '../../../src/api/ona/errors.ts';
import { ONA_METHODS } from '../../../src/api/ona/service.ts';
import { onaStateOf } from '../../../src/api/ona/state.ts';
import { type Harness, startHarness, TOKEN } from './harness.ts';

let h: Harness;
let taskId = '';

beforeAll(async () => {
  h = await startHarness();
  taskId = (
    await h.tasks.create({
      environmentId: h.environmentId,
      metadata: { reference: 'seed', name: 'Seed' },
    })
  ).task!.id;
});
afterAll(async () => {
  await h.close();
});

const METHODS = Object.keys(ONA_METHODS);
const KEYS = [
  'id',
  'environmentId',
  'environment_id',
  'metadata',
  'spec',
  'dependsOn',
  'filter',
  'pagination',
  'reference',
  'name',
  'triggeredBy',
  'trigger',
  'runsOn',
  'pageSize',
  'token',
  'phases',
];

const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.uuid(),
  fc.constantFrom('TASK_EXECUTION_PHASE_RUNNING', '', 'manual'),
  fc.constant(null).map(() => taskId),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 4 }),
  ),
})).node;
const body = fc.oneof(
  fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 5 }).map((v) => JSON.stringify(v)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }),
);
const query = fc.option(
  fc
    .record(
      {
        token: fc.oneof(fc.string({ maxLength: 20 }), fc.base64String({ maxLength: 24 })),
        pageSize: fc.oneof(
          fc.integer({ min: -5, max: 200 }).map(String),
          fc.string({ maxLength: 5 }),
        ),
      },
      { requiredKeys: [] },
    )
    .map((q) => `?${new URLSearchParams(q as Record<string, string>).toString()}`),
  { nil: '' },
);

async function snapshot(): Promise<string> {
  const tasks = (await h.fake.engine.listTasks()).map((task) => task.spec);
  const executions = [...onaStateOf(h.fake.engine).executions.values()].map((r) => ({
    id: r.id,
    stop: r.stopRequested,
  }));
  return JSON.stringify({ tasks, executions });
}

it('answers anything with 200 or a Connect error, and failures change nothing', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...METHODS), body, query, async (method, text, search) => {
      const before = await snapshot();
      const response = await fetch(
        `${h.url}/api/gitpod.v1.EnvironmentAutomationService/${method}${search}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: text,
        },
      );
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const json = (await response.json()) as { code?: string; message?: unknown };
      if (response.status === 200) return;
      expect(CONNECT_CODES).toContain(json.code);
      expect(response.status).toBe(
        CONNECT_HTTP_STATUS[json.code as keyof typeof CONNECT_HTTP_STATUS],
      );
      expect(json.code).not.toBe('internal');
      expect(await snapshot()).toBe(before);
    }),
    { numRuns: 300 },
  );
  await h.clock.runUntilIdle();
  // Still serving (a fuzzed DeleteTask may have removed the seed task).
  await expect(h.tasks.list({})).resolves.toBeTruthy();
});
