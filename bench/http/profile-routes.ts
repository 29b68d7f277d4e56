/**
 * The routes the profiler takes, every dialect alike: how to seed a fresh
 * fake for a route and the request bytes to load it with.
 *
 * The CTS routes come from routes.ts. The tfc and Ona routes repeat the
 * setup of tfc.bench.ts and ona.bench.ts: those scripts run their bench at
 * import time and export nothing, so the seeding is copied here (same
 * organization, tokens, counts, page and bodies). Keep the two in step.
 */

import type { ServerHandle } from './harness.ts';
import { httpRequest, type RequestFactory } from './load.ts';
import { CTS_ROUTES, FAKE_TASKS, requestsFor, seedCts } from './routes.ts';

/** One profiled route: a fresh fake is started on `clock`, then `prepare`d. */
export interface ProfileRoute {
  readonly id: string;
  readonly label: string;
  readonly status: number;
  readonly clock: 'real' | 'virtual';
  /**
   * Seeds `fake`; returns a maker of request factories, called once per load
   * (a CTS POST needs new task names on every load).
   */
  prepare(fake: ServerHandle): Promise<() => RequestFactory>;
}

// ─── shared ─────────────────────────────────────────────────────────────────

async function call(
  url: string,
  method: string,
  body: unknown,
  headers: Record<string, string>,
  expect: number,
): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expect)
    throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 300)}`);
  return text === '' ? {} : JSON.parse(text);
}

// ─── CTS ────────────────────────────────────────────────────────────────────

const CTS_PROFILE_ROUTES: readonly ProfileRoute[] = CTS_ROUTES.map((route) => ({
  id: route.id,
  label: route.label,
  status: route.status,
  clock: 'real',
  async prepare(fake) {
    await seedCts(fake.url, FAKE_TASKS[route.setup]);
    return () => requestsFor(route);
  },
}));

// ─── tfc (as tfc.bench.ts) ──────────────────────────────────────────────────

const TFC_ORGANIZATION = 'bench-org';
const TFC_TOKEN = 'bench-tfc-token';
const TFC_TASKS = 200;
const TFC_WORKSPACES = 10;
const TFC_PAGE_SIZE = 20;
const TFC_PAGE = 3;
const JSON_API = 'application/vnd.api+json';

/** 10 workspaces, 200 tasks, each on two workspaces (400 associations). */
async function seedTfc(fake: ServerHandle): Promise<void> {
  const control = (path: string, body: unknown, method = 'POST', expect = 201) =>
    call(
      `${fake.url}/_taskport/tfc${path}`,
      method,
      body,
      { 'content-type': 'application/json' },
      expect,
    );
  const api = (path: string, body: unknown) =>
    call(
      `${fake.url}/api/v2${path}`,
      'POST',
      body,
      { 'content-type': JSON_API, authorization: `Bearer ${TFC_TOKEN}` },
      201,
    );
  await control('/organizations', { name: TFC_ORGANIZATION, email: 'bench@example.com' });
  await control('/tokens', { token: TFC_TOKEN, organizations: [TFC_ORGANIZATION] });
  await control('/knobs', { verifyOnCreate: false }, 'PATCH', 200);
  const workspaces: string[] = [];
  for (let i = 0; i < TFC_WORKSPACES; i++) {
    const answer = (await control('/workspaces', {
      organization: TFC_ORGANIZATION,
      name: `bench-ws-${i}`,
    })) as { workspace: { id: string } };
    workspaces.push(answer.workspace.id);
  }
  for (let i = 0; i < TFC_TASKS; i++) {
    const created = (await api(`/organizations/${TFC_ORGANIZATION}/tasks`, {
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
    for (const workspace of [
      workspaces[i % TFC_WORKSPACES],
      workspaces[(i + 1) % TFC_WORKSPACES],
    ]) {
      await api(`/workspaces/${workspace}/tasks`, {
        data: {
          type: 'workspace-tasks',
          attributes: { 'enforcement-level': 'advisory', stages: ['pre_plan', 'post_plan'] },
          relationships: { task: { data: { id: created.data.id, type: 'tasks' } } },
        },
      });
    }
  }
}

// go-tfe's query encoding: brackets percent-encoded, page parameters first.
const TFC_PAGE_QUERY = `page%5Bnumber%5D=${TFC_PAGE}&page%5Bsize%5D=${TFC_PAGE_SIZE}`;

function tfcListRoute(id: string, label: string, query: string): ProfileRoute {
  return {
    id,
    label,
    status: 200,
    clock: 'real',
    async prepare(fake) {
      await seedTfc(fake);
      const bytes = httpRequest(
        'GET',
        `/api/v2/organizations/${TFC_ORGANIZATION}/tasks?${query}`,
        undefined,
        { authorization: `Bearer ${TFC_TOKEN}`, accept: JSON_API },
      );
      return () => () => bytes;
    },
  };
}

const TFC_PROFILE_ROUTES: readonly ProfileRoute[] = [
  tfcListRoute(
    'tfc-list-page',
    `GET /api/v2/organizations/:org/tasks?page[size]=${TFC_PAGE_SIZE} (page ${TFC_PAGE} of ${TFC_TASKS} tasks)`,
    TFC_PAGE_QUERY,
  ),
  tfcListRoute(
    'tfc-list-include',
    `GET /api/v2/organizations/:org/tasks?page[size]=${TFC_PAGE_SIZE}&include=workspace_tasks (page ${TFC_PAGE})`,
    `${TFC_PAGE_QUERY}&include=workspace_tasks`,
  ),
];

// ─── Ona (as ona.bench.ts) ──────────────────────────────────────────────────

const ONA_SERVICE = '/api/gitpod.v1.EnvironmentAutomationService';
const ONA_TOKEN = 'bench-ona-token';
const ONA_TASKS = 100;
const ONA_PAGE_SIZE = 25;
/** What @gitpod/sdk sends on every call. */
const ONA_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  authorization: `Bearer ${ONA_TOKEN}`,
  'connect-protocol-version': '1',
};

interface OnaSeeded {
  readonly taskIds: string[];
  /** The ListTasks message of page 2 (tasks 26–50). */
  readonly page2: string;
}

/** One environment, "succeed at once" outcomes, 100 tasks; the page-2 ListTasks message. */
async function seedOna(fake: ServerHandle): Promise<OnaSeeded> {
  const rpc = (method: string, body: unknown) =>
    call(`${fake.url}${ONA_SERVICE}/${method}`, 'POST', body, ONA_HEADERS, 200);
  const { environment } = (await call(
    `${fake.url}/_taskport/ona/environments`,
    'POST',
    { name: 'bench-env' },
    ONA_HEADERS,
    201,
  )) as { environment: { id: string } };
  await call(
    `${fake.url}/_taskport/ona/outcomes/default`,
    'PUT',
    { kind: 'succeed' },
    ONA_HEADERS,
    200,
  );
  const taskIds: string[] = [];
  for (let i = 0; i < ONA_TASKS; i++) {
    const { task } = (await rpc('CreateTask', {
      environmentId: environment.id,
      metadata: {
        name: `Bench task ${i}`,
        reference: `bench-task-${i}`,
        description: 'A task of the HTTP bench',
        triggeredBy: [{ manual: true }],
      },
      spec: { command: `echo bench ${i}`, runsOn: { docker: { image: 'alpine:3' } } },
    })) as { task: { id: string } };
    taskIds.push(task.id);
  }
  const filter = { environmentIds: [environment.id] };
  const first = (await rpc('ListTasks', { filter, pagination: { pageSize: ONA_PAGE_SIZE } })) as {
    pagination?: { nextToken?: string };
  };
  const token = first.pagination?.nextToken;
  if (token === undefined) throw new Error('ListTasks: no next page');
  return {
    taskIds,
    page2: JSON.stringify({ filter, pagination: { pageSize: ONA_PAGE_SIZE, token } }),
  };
}

const ONA_PROFILE_ROUTES: readonly ProfileRoute[] = [
  {
    id: 'ona-list-tasks',
    label: `POST ListTasks (page 2, size ${ONA_PAGE_SIZE}, of ${ONA_TASKS} tasks)`,
    status: 200,
    clock: 'virtual',
    async prepare(fake) {
      const { page2 } = await seedOna(fake);
      const bytes = httpRequest('POST', `${ONA_SERVICE}/ListTasks`, page2, ONA_HEADERS);
      return () => () => bytes;
    },
  },
  {
    id: 'ona-list-tasks-get',
    label: 'GET ListTasks?encoding=json&message=… (Connect GET, same page)',
    status: 200,
    clock: 'virtual',
    async prepare(fake) {
      const { page2 } = await seedOna(fake);
      const path = `${ONA_SERVICE}/ListTasks?connect=v1&encoding=json&message=${encodeURIComponent(page2)}`;
      const bytes = httpRequest('GET', path, undefined, {
        authorization: ONA_HEADERS.authorization as string,
      });
      return () => () => bytes;
    },
  },
  {
    id: 'ona-start-task',
    label: 'POST StartTask → a new execution (succeeds at once)',
    status: 200,
    clock: 'virtual',
    async prepare(fake) {
      const { taskIds } = await seedOna(fake);
      const requests = taskIds.map((id) =>
        httpRequest('POST', `${ONA_SERVICE}/StartTask`, JSON.stringify({ id }), ONA_HEADERS),
      );
      return () => (index) => requests[index % requests.length] as ReturnType<RequestFactory>;
    },
  },
];

/** Every route the profiler knows, by id. */
export const PROFILE_ROUTES: readonly ProfileRoute[] = [
  ...CTS_PROFILE_ROUTES,
  ...TFC_PROFILE_ROUTES,
  ...ONA_PROFILE_ROUTES,
];
