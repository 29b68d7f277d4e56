/**
 * Fuzzing JSON:API documents and query strings against a listening fake:
 * only documented 4xx come back, the server keeps serving, and a refused
 * request changes nothing.
 */

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  associationDocument,
  startTfcHarness,
  type TfcHarness,
} from '../../fixtures/tfc/harness.ts';

const DOCUMENTED = new Set([200, 201, 204, 400, 401, 404, 409, 415, 422]);

let h: TfcHarness;
let taskId: string;

beforeAll(async () => {
  h = await startTfcHarness();
  const created = await h.api(`/api/v2/organizations/${h.org}/tasks`, {
    method: 'POST',
    body: {
      data: {
        type: 'tasks',
        attributes: { name: 'base', url: 'https://example.com', category: 'task' },
      },
    },
  });
  taskId = created.json.data.id;
});
afterAll(async () => {
  await h.close();
});

function snapshot() {
  return JSON.stringify([h.control.tasks(), h.control.workspaceTasks()]);
}

const json = fc.jsonValue({ maxDepth: 3 });
const attributeValue = fc.oneof(
  json,
  fc.constantFrom(
    'task',
    'advisory',
    'mandatory',
    'post_plan',
    'pre_plan',
    'https://example.com',
    '',
  ),
);
const attributes = fc.dictionary(
  fc.constantFrom(
    'name',
    'url',
    'description',
    'category',
    'hmac-key',
    'enabled',
    'global-configuration',
    'stage',
    'stages',
    'enforcement-level',
    'x',
  ),
  attributeValue,
  { maxKeys: 6 },
);
const documents = fc.oneof(
  json,
  fc.record({
    data: fc.record(
      {
        type: fc.constantFrom('tasks', 'workspace-tasks', 'x'),
        attributes,
        relationships: fc.option(json),
      },
      { requiredKeys: ['type'] },
    ),
  }),
);

describe('fuzz', () => {
  it('mutating documents: documented statuses, invalid ones change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        documents,
        fc.constantFrom(
          'create-task',
          'patch-task',
          'create-association',
          'patch-association-missing',
        ),
        fc.boolean(),
        async (document, target, raw) => {
          const before = snapshot();
          const [method, path] = {
            'create-task': ['POST', `/api/v2/organizations/${h.org}/tasks`],
            'patch-task': ['PATCH', `/api/v2/tasks/${taskId}`],
            'create-association': ['POST', `/api/v2/workspaces/${h.workspaceId}/tasks`],
            'patch-association-missing': [
              'PATCH',
              `/api/v2/workspaces/${h.workspaceId}/tasks/wstask-missing`,
            ],
          }[target] as [string, string];
          const body = raw ? `${JSON.stringify(document)}}` : JSON.stringify(document);
          const response = await h.api(path, { method, body });
          expect(DOCUMENTED.has(response.status)).toBe(true);
          if (response.status >= 400) {
            expect(typeof response.json.errors[0].status).toBe('string');
            expect(snapshot()).toBe(before);
          } else if (method === 'POST') {
            // Undo successful creates so later runs start from the same state.
            const id = response.json.data.id as string;
            const undo = id.startsWith('task-')
              ? `/api/v2/tasks/${id}`
              : `/api/v2/workspaces/${h.workspaceId}/tasks/${id}`;
            expect((await h.api(undo, { method: 'DELETE' })).status).toBe(204);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('query strings: include and page parameters', async () => {
    await h.api(`/api/v2/workspaces/${h.workspaceId}/tasks`, {
      method: 'POST',
      body: associationDocument(taskId, { 'enforcement-level': 'advisory' }),
    });
    const part = fc.oneof(
      fc.constantFrom(
        'include',
        'page[number]',
        'page%5Bnumber%5D',
        'page[size]',
        'page%5Bsize%5D',
        'page',
        '%',
        '&&',
        '=',
      ),
      fc.string({ maxLength: 12 }),
      fc.constantFrom(
        'workspace_tasks',
        'workspace_tasks.workspace',
        'workspace_tasks%2Cworkspace_tasks.workspace',
        '-1',
        '0',
        '1e3',
        '101',
      ),
    );
    const query = fc
      .array(fc.tuple(part, part), { maxLength: 4 })
      .map((pairs) => pairs.map(([k, v]) => `${encodeURI(k)}=${encodeURI(v)}`).join('&'));
    await fc.assert(
      fc.asyncProperty(
        query,
        fc.constantFrom(
          `/api/v2/organizations/ORG/tasks`,
          '/api/v2/tasks/TASK',
          '/api/v2/workspaces/WS/tasks',
        ),
        async (q, template) => {
          const before = snapshot();
          const path = template
            .replace('ORG', h.org)
            .replace('TASK', taskId)
            .replace('WS', h.workspaceId);
          const response = await h.api(`${path}?${q}`);
          expect([200, 400]).toContain(response.status);
          if (response.status === 400)
            expect(response.json.errors[0].detail).toBe('Invalid include parameter');
          else if (Array.isArray(response.json.data)) {
            const size = response.json.meta.pagination['page-size'];
            expect(size).toBeGreaterThanOrEqual(1);
            expect(size).toBeLessThanOrEqual(100);
          }
          expect(snapshot()).toBe(before);
        },
      ),
      { numRuns: 200 },
    );
    expect((await h.api('/api/v2/ping')).status).toBe(204);
  });
});
