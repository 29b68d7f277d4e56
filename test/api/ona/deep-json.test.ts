/**
 * JSON nested far deeper than protojson's recursion limit (issue #14, item
 * 4): Connect's invalid_argument, as CTS and tfc answer 400, never a 500
 * from a blown stack; the server keeps serving and the seed task stays.
 */

import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROTOJSON_RECURSION_LIMIT } from '../../../src/api/ona/json-depth.ts';
import { MESSAGE_RECURSION_DEPTH, unmarshalMessage } from '../../../src/api/ona/messages.ts';
import { type Harness, startHarness, TOKEN } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.tasks.create({
    environmentId: h.environmentId,
    metadata: { reference: 'seed', name: 'Seed' },
  });
});
afterAll(async () => {
  await h.close();
});

const post = (body: string) =>
  fetch(`${h.url}/api/gitpod.v1.EnvironmentAutomationService/CreateTask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body,
  }).then(async (response) => ({ status: response.status, json: await response.json() }));

const deep = (open: string, inner: string, close: string, depth: number) =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

it.each([
  ['arrays', deep('[', '', ']', 100_000)],
  ['objects', deep('{"a":', '1', '}', 100_000)],
  ['a known field', `{"metadata":{"name":${deep('[', '', ']', 100_000)}}}`],
  ['one past the limit', deep('[', '', ']', PROTOJSON_RECURSION_LIMIT + 1)],
])('%s nested 100 000 deep → invalid_argument', async (_what, body) => {
  expect(await post(body)).toEqual({
    status: 400,
    json: {
      code: 'invalid_argument',
      message: unmarshalMessage('CreateTaskRequest', MESSAGE_RECURSION_DEPTH),
    },
  });
});

it('nesting under the limit but past JSON.stringify’s stack still answers invalid_argument', async () => {
  const result = await post(`{"metadata":{"name":${deep('[', '', ']', 9_000)}}}`);
  expect(result.status).toBe(400);
  expect(result.json.code).toBe('invalid_argument');
  expect(result.json.message).toBe(
    unmarshalMessage('CreateTaskRequest', 'invalid value for string field name: ['),
  );
});

it('brackets inside strings do not count', async () => {
  const result = await post(JSON.stringify({ metadata: { name: '['.repeat(20_000) } }));
  expect(result.json.message).not.toContain(MESSAGE_RECURSION_DEPTH);
  const list = await h.tasks.list({});
  expect(list.tasks.map((task) => task.metadata?.reference)).toContain('seed');
});
