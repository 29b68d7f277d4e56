/**
 * The fake's Terraform Cloud run-task list against its floor (raw node:http
 * and Hono answering the same JSON:API document, serialised per request),
 * pair by pair, with the same harness as bench:http.
 *
 * Setup, over HTTP like a test would: an organization, a token and 10
 * workspaces through `/_taskport/tfc/…`, verification on create switched
 * off (`PATCH /_taskport/tfc/knobs`), then 200 run tasks and 400
 * associations (every task on two workspaces) through the public API with
 * the Bearer token.
 *
 *   npm run bench:http:tfc                 # ~1 minute, merges `tfc` into bench/results/http-<date>.json
 *   BENCH_QUICK=1 npm run bench:http:tfc   # smoke run, nothing written
 */

import type { ServerHandle } from './harness.ts';
import { httpRequest } from './load.ts';
import { type PairRoute, ratioTarget, runDialectBench } from './pairs.ts';
import type { BaselineRoute } from './server-child.ts';

const ORGANIZATION = 'bench-org';
const TOKEN = 'bench-tfc-token';
const TASKS = 200;
const WORKSPACES = 10;
const PAGE_SIZE = 20;
const PAGE = 3;
const JSON_API = 'application/vnd.api+json';

async function call(
  url: string,
  method: string,
  body: unknown,
  headers: Record<string, string>,
  expect: number,
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expect)
    throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 300)}`);
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

const control = (fake: ServerHandle, path: string, body: unknown, method = 'POST', expect = 201) =>
  call(
    `${fake.url}/_taskport/tfc${path}`,
    method,
    body,
    { 'content-type': 'application/json' },
    expect,
  );

const api = (fake: ServerHandle, path: string, body: unknown) =>
  call(
    `${fake.url}/api/v2${path}`,
    'POST',
    body,
    { 'content-type': JSON_API, authorization: `Bearer ${TOKEN}` },
    201,
  );

/** Seeds the tfc world; returns the number of associations. */
async function seed(fake: ServerHandle): Promise<number> {
  await control(fake, '/organizations', { name: ORGANIZATION, email: 'bench@example.com' });
  await control(fake, '/tokens', { token: TOKEN, organizations: [ORGANIZATION] });
  // No verification request to the task URL on create: nothing listens there.
  await control(fake, '/knobs', { verifyOnCreate: false }, 'PATCH', 200);
  const workspaces: string[] = [];
  for (let i = 0; i < WORKSPACES; i++) {
    const answer = (await control(fake, '/workspaces', {
      organization: ORGANIZATION,
      name: `bench-ws-${i}`,
    })) as { workspace: { id: string } };
    workspaces.push(answer.workspace.id);
  }
  let associations = 0;
  for (let i = 0; i < TASKS; i++) {
    const created = (await api(fake, `/organizations/${ORGANIZATION}/tasks`, {
      data: {
        type: 'tasks',
        attributes: {
          name: `bench-task-${String(i).padStart(3, '0')}`,
          url: `https://run-tasks.example.com/hooks/${i}`,
          category: 'task',
          description: 'A run task of the HTTP bench',
          'hmac-key': 'secret',
          enabled: true,
        },
      },
    })) as { data: { id: string } };
    for (const workspace of [workspaces[i % WORKSPACES], workspaces[(i + 1) % WORKSPACES]]) {
      await api(fake, `/workspaces/${workspace}/tasks`, {
        data: {
          type: 'workspace-tasks',
          attributes: { 'enforcement-level': 'advisory', stages: ['pre_plan', 'post_plan'] },
          relationships: { task: { data: { id: created.data.id, type: 'tasks' } } },
        },
      });
      associations++;
    }
  }
  return associations;
}

function listRoute(id: string, label: string, query: string): PairRoute {
  const path = `/api/v2/organizations/${ORGANIZATION}/tasks?${query}`;
  const headers = { authorization: `Bearer ${TOKEN}`, accept: JSON_API };
  const bytes = httpRequest('GET', path, undefined, headers);
  return {
    id,
    label,
    tasks: TASKS,
    status: 200,
    requests: () => () => bytes,
    async baseline(fake): Promise<BaselineRoute> {
      const response = await fetch(`${fake.url}${path}`, { headers });
      if (response.status !== 200)
        throw new Error(`${label}: the fake answered ${response.status}`);
      return {
        method: 'GET',
        pattern: '/api/v2/organizations/:organization_name/tasks',
        status: 200,
        body: await response.json(),
        headers: {},
        contentType: JSON_API,
        trailingNewline: false,
      };
    },
  };
}

// go-tfe's query encoding: brackets percent-encoded, page parameters first.
const PAGE_QUERY = `page%5Bnumber%5D=${PAGE}&page%5Bsize%5D=${PAGE_SIZE}`;

await runDialectBench({
  key: 'tfc',
  title: 'bench:http:tfc',
  clock: 'real',
  async setup(fake) {
    const associations = await seed(fake);
    return {
      seeded: {
        organization: ORGANIZATION,
        workspaces: WORKSPACES,
        tasks: TASKS,
        associations,
        verifyOnCreate: false,
        page: { number: PAGE, size: PAGE_SIZE },
      },
      routes: [
        listRoute(
          'tfc-list-page',
          `GET /api/v2/organizations/:org/tasks?page[size]=${PAGE_SIZE} (page ${PAGE} of ${TASKS} tasks)`,
          PAGE_QUERY,
        ),
        listRoute(
          'tfc-list-include',
          `GET /api/v2/organizations/:org/tasks?page[size]=${PAGE_SIZE}&include=workspace_tasks (page ${PAGE}, 2 associations per task)`,
          `${PAGE_QUERY}&include=workspace_tasks`,
        ),
      ],
    };
  },
  targets: (results) => results.map((result) => ratioTarget(result, 0.75)),
});
