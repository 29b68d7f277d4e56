/**
 * The Ona control routes over HTTP, driving the world an SDK client sees.
 */

import { afterEach, beforeEach, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const control = (path: string, init: RequestInit = {}) =>
  fetch(`${h.url}/_taskport/ona${path}`, init).then(async (r) => ({
    status: r.status,
    json: (await r.json()) as Record<string, unknown>,
  }));
const post = (path: string, body: unknown) =>
  control(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

it('creates environments, seeds automations, scripts outcomes and fires triggers', async () => {
  const created = await post('/environments', { name: 'dev' });
  expect(created.status).toBe(201);
  const env = (created.json.environment as { id: string }).id;
  expect((await control('/environments')).json.environments).toHaveLength(2);

  const seeded = await control(`/environments/${env}/automations`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml' },
    body: 'tasks:\n  boot:\n    name: Boot\n    command: ./boot\n    triggeredBy: [postEnvironmentStart]\n',
  });
  expect(seeded.status).toBe(200);
  expect(
    await post('/outcomes', { task: 'boot', outcomes: [{ kind: 'fail', message: 'no' }] }),
  ).toEqual({
    status: 200,
    json: {},
  });
  expect((await control('/outcomes')).json.pending).toEqual({
    boot: [{ kind: 'fail', message: 'no' }],
  });

  const fired = await post(`/environments/${env}/triggers`, { trigger: 'postEnvironmentStart' });
  const [execution] = fired.json.taskExecutions as { id: string }[];
  await h.clock.runUntilIdle();
  const read = await h.executions.retrieve({ id: execution?.id });
  expect(read.taskExecution?.status?.phase).toBe('TASK_EXECUTION_PHASE_FAILED');
  expect(read.taskExecution?.metadata?.startedBy).toBe('postEnvironmentStart');
  expect((await control('/step-runs')).json.stepRuns).toMatchObject([
    { reference: 'boot', command: './boot' },
  ]);
});

it.each([
  ['a bad environment id', '/environments', { id: 'nope' }],
  ['an unknown trigger', '/environments/x/triggers', { trigger: 'daily' }],
  ['an outcome without a task', '/outcomes', { outcomes: [] }],
  ['an unknown outcome kind', '/outcomes', { task: 't', outcomes: [{ kind: 'explode' }] }],
])('answers %s with 400', async (_label, path, body) => {
  const result = await post(path, body);
  expect(result.status).toBe(400);
  expect(typeof result.json.error).toBe('string');
});

it('deletes an environment with its tasks, and resets everything', async () => {
  const { task } = await h.tasks.create({
    environmentId: h.environmentId,
    metadata: { reference: 'a', name: 'A' },
  });
  h.fake.control.script('a', { kind: 'hang' });
  await h.tasks.start({ id: task?.id });
  expect((await control(`/environments/${h.environmentId}`, { method: 'DELETE' })).status).toBe(
    200,
  );
  await expect(h.tasks.retrieve({ id: task?.id })).rejects.toMatchObject({ status: 404 });
  expect((await control(`/environments/${h.environmentId}`, { method: 'DELETE' })).status).toBe(
    404,
  );
  expect(await post('/reset', {})).toEqual({ status: 200, json: {} });
  expect(h.fake.isIdle()).toBe(true);
  expect((await h.executions.list({})).taskExecutions).toEqual([]);
  expect((await control('/environments')).json.environments).toEqual([]);
  expect((await control('/nowhere')).status).toBe(404);
});
