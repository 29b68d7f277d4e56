/**
 * The fake's Ona (Gitpod EnvironmentAutomationService) methods against their
 * floor, pair by pair, with the same harness as bench:http. Both are Connect
 * unary POSTs with a JSON body; the raw and Hono floors parse the body and
 * answer the captured body (ListTasks), or the captured execution with a new
 * id kept in a Map (StartTask).
 *
 * Setup over HTTP: one environment through `/_taskport/ona/environments`,
 * the default step outcome set to "succeed at once" (`PUT
 * /_taskport/ona/outcomes/default`), then 100 tasks through CreateTask. The
 * fake runs on a virtual clock, so nothing in it waits on wall-clock time;
 * a zero-duration outcome finishes each execution without any timer, so
 * StartTask's executions end as they start instead of piling up (checked
 * after the load with ListTaskExecutions).
 *
 *   npm run bench:http:ona                 # ~1 minute, merges `ona` into bench/results/http-<date>.json
 *   BENCH_QUICK=1 npm run bench:http:ona   # smoke run, nothing written
 */

import type { ServerHandle } from './harness.ts';
import { type HttpRequest, httpRequest } from './load.ts';
import { type PairRoute, ratioTarget, runDialectBench } from './pairs.ts';
import type { BaselineRoute } from './server-child.ts';

const SERVICE = '/api/gitpod.v1.EnvironmentAutomationService';
const TOKEN = 'bench-ona-token';
const TASKS = 100;
const PAGE_SIZE = 25;
/** What @gitpod/sdk sends on every call. */
const HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  authorization: `Bearer ${TOKEN}`,
  'connect-protocol-version': '1',
};

async function call(url: string, method: string, body: unknown, expect: number): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: HEADERS,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expect)
    throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 300)}`);
  return text === '' ? {} : JSON.parse(text);
}

const rpc = (fake: ServerHandle, method: string, body: unknown): Promise<unknown> =>
  call(`${fake.url}${SERVICE}/${method}`, 'POST', body, 200);

interface Seeded {
  readonly environmentId: string;
  readonly taskIds: string[];
  /** The token of page 2 (tasks 26–50). */
  readonly pageToken: string;
}

async function seed(fake: ServerHandle): Promise<Seeded> {
  const { environment } = (await call(
    `${fake.url}/_taskport/ona/environments`,
    'POST',
    { name: 'bench-env' },
    201,
  )) as { environment: { id: string } };
  await call(`${fake.url}/_taskport/ona/outcomes/default`, 'PUT', { kind: 'succeed' }, 200);
  const taskIds: string[] = [];
  for (let i = 0; i < TASKS; i++) {
    const { task } = (await rpc(fake, 'CreateTask', {
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
  const first = (await rpc(fake, 'ListTasks', {
    filter: { environmentIds: [environment.id] },
    pagination: { pageSize: PAGE_SIZE },
  })) as { pagination?: { nextToken?: string } };
  const pageToken = first.pagination?.nextToken;
  if (pageToken === undefined) throw new Error('ListTasks: no next page');
  return { environmentId: environment.id, taskIds, pageToken };
}

function listTasksRoute(seeded: Seeded): PairRoute {
  const body = JSON.stringify({
    filter: { environmentIds: [seeded.environmentId] },
    pagination: { pageSize: PAGE_SIZE, token: seeded.pageToken },
  });
  const bytes = httpRequest('POST', `${SERVICE}/ListTasks`, body, HEADERS);
  return {
    id: 'ona-list-tasks',
    label: `POST ListTasks (page 2, size ${PAGE_SIZE}, of ${TASKS} tasks)`,
    tasks: TASKS,
    status: 200,
    requests: () => () => bytes,
    async baseline(fake): Promise<BaselineRoute> {
      return {
        method: 'POST',
        pattern: `${SERVICE}/ListTasks`,
        status: 200,
        body: await rpc(fake, 'ListTasks', JSON.parse(body)),
        headers: {},
        trailingNewline: false,
        postAnswer: 'fixed',
      };
    },
  };
}

/** The same read as a Connect unary GET (ListTasks has no side effects): no request body stream. */
function listTasksGetRoute(seeded: Seeded): PairRoute {
  const message = JSON.stringify({
    filter: { environmentIds: [seeded.environmentId] },
    pagination: { pageSize: PAGE_SIZE, token: seeded.pageToken },
  });
  const path = `${SERVICE}/ListTasks?connect=v1&encoding=json&message=${encodeURIComponent(message)}`;
  const headers = { authorization: HEADERS.authorization as string };
  const bytes = httpRequest('GET', path, undefined, headers);
  return {
    id: 'ona-list-tasks-get',
    label: `GET ListTasks?encoding=json&message=… (Connect GET, same page)`,
    tasks: TASKS,
    status: 200,
    requests: () => () => bytes,
    async baseline(fake): Promise<BaselineRoute> {
      const response = await fetch(`${fake.url}${path}`, { headers });
      if (response.status !== 200)
        throw new Error(`ListTasks GET: the fake answered ${response.status}`);
      return {
        method: 'GET',
        pattern: `${SERVICE}/ListTasks`,
        status: 200,
        body: await response.json(),
        headers: {},
        trailingNewline: false,
      };
    },
  };
}

function startTaskRoute(seeded: Seeded): PairRoute {
  // One request body per task, taken in turn.
  const requests = seeded.taskIds.map((id) =>
    httpRequest('POST', `${SERVICE}/StartTask`, JSON.stringify({ id }), HEADERS),
  );
  return {
    id: 'ona-start-task',
    label: 'POST StartTask → a new execution (succeeds at once)',
    tasks: TASKS,
    status: 200,
    requests: () => (index) => requests[index % requests.length] as HttpRequest,
    async baseline(fake): Promise<BaselineRoute> {
      return {
        method: 'POST',
        pattern: `${SERVICE}/StartTask`,
        status: 200,
        body: await rpc(fake, 'StartTask', { id: seeded.taskIds[0] }),
        headers: {},
        trailingNewline: false,
        postAnswer: 'new-execution',
      };
    },
  };
}

await runDialectBench({
  key: 'ona',
  title: 'bench:http:ona',
  clock: 'virtual',
  async setup(fake) {
    const seeded = await seed(fake);
    return {
      seeded: {
        environments: 1,
        tasks: TASKS,
        pageSize: PAGE_SIZE,
        listedPage: 2,
        defaultOutcome: { kind: 'succeed' },
      },
      routes: [listTasksRoute(seeded), listTasksGetRoute(seeded), startTaskRoute(seeded)],
    };
  },
  async after(fake) {
    const unfinished = (await rpc(fake, 'ListTaskExecutions', {
      filter: { phases: ['TASK_EXECUTION_PHASE_PENDING', 'TASK_EXECUTION_PHASE_RUNNING'] },
      pagination: { pageSize: 100 },
    })) as { taskExecutions?: unknown[] };
    const stepRuns = (await call(`${fake.url}/_taskport/ona/step-runs`, 'GET', undefined, 200)) as {
      stepRuns: unknown[];
    };
    return {
      unfinishedExecutions: unfinished.taskExecutions?.length ?? 0,
      stepRunsRecorded: stepRuns.stepRuns.length,
    };
  },
  // Reads against the GET target (0.75× raw), StartTask against the POST one (0.6× a raw POST).
  targets: (results) =>
    results.map((result) =>
      result.id === 'ona-start-task'
        ? ratioTarget(result, 0.6, 'raw POST')
        : ratioTarget(result, 0.75),
    ),
  notes: {
    startTask:
      'every StartTask keeps its execution record (ListTaskExecutions reads it) and one scripted step run (/_taskport/ona/step-runs); both grow with the number of starts, by design of the fake',
  },
});
