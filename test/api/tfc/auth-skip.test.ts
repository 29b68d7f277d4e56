/**
 * Which tfc routes go without a token (issue #14, item 5): ping and a task
 * result's callback, and only those paths. The skip used to match any path
 * ending in `/api/v2/ping` (or `/task-results/…/callback`).
 */

import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTfcHarness, type TfcHarness } from '../../fixtures/tfc/harness.ts';

let h: TfcHarness;
beforeAll(async () => {
  h = await startTfcHarness();
});
afterAll(async () => {
  await h.close();
});

it('GET /api/v2/ping needs no token', async () => {
  expect((await h.api('/api/v2/ping', { token: null })).status).toBe(204);
});

it.each([
  `/api/v2/tasks/x/api/v2/ping`,
  `/api/v2/organizations/ORG/api/v2/ping`,
  `/api/v2/workspaces/ws-x/api/v2/task-results/r/callback`,
])('%s without a token → 401, as any other route', async (template) => {
  const response = await h.api(template.replace('ORG', h.org), { token: null });
  expect(response.status).toBe(401);
});
