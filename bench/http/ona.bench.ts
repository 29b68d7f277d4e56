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

import { callJson } from './call.ts';
import { type HttpRequest, httpRequest } from './load.ts';
import {
  ONA_HEADERS,
  ONA_PAGE_SIZE,
  ONA_SERVICE,
  ONA_TASKS,
  type OnaSeeded,
  onaRpc,
  seedOna,
} from './ona-world.ts';
import { type PairRoute, ratioTarget, runDialectBench } from './pairs.ts';
import type { BaselineRoute } from './server-child.ts';

function listTasksRoute(seeded: OnaSeeded): PairRoute {
  const body = seeded.page2;
  const bytes = httpRequest('POST', `${ONA_SERVICE}/ListTasks`, body, ONA_HEADERS);
  return {
    id: 'ona-list-tasks',
    label: `POST ListTasks (page 2, size ${ONA_PAGE_SIZE}, of ${ONA_TASKS} tasks)`,
    tasks: ONA_TASKS,
    status: 200,
    requests: () => () => bytes,
    async baseline(fake): Promise<BaselineRoute> {
      return {
        method: 'POST',
        pattern: `${ONA_SERVICE}/ListTasks`,
        status: 200,
        body: await onaRpc(fake, 'ListTasks', JSON.parse(body)),
        headers: {},
        trailingNewline: false,
        postAnswer: 'fixed',
      };
    },
  };
}

/** The same read as a Connect unary GET (ListTasks has no side effects): no request body stream. */
function listTasksGetRoute(seeded: OnaSeeded): PairRoute {
  const message = seeded.page2;
  const path = `${ONA_SERVICE}/ListTasks?connect=v1&encoding=json&message=${encodeURIComponent(message)}`;
  const headers = { authorization: ONA_HEADERS.authorization as string };
  const bytes = httpRequest('GET', path, undefined, headers);
  return {
    id: 'ona-list-tasks-get',
    label: `GET ListTasks?encoding=json&message=… (Connect GET, same page)`,
    tasks: ONA_TASKS,
    status: 200,
    requests: () => () => bytes,
    async baseline(fake): Promise<BaselineRoute> {
      const response = await fetch(`${fake.url}${path}`, { headers });
      if (response.status !== 200)
        throw new Error(`ListTasks GET: the fake answered ${response.status}`);
      return {
        method: 'GET',
        pattern: `${ONA_SERVICE}/ListTasks`,
        status: 200,
        body: await response.json(),
        headers: {},
        trailingNewline: false,
      };
    },
  };
}

function startTaskRoute(seeded: OnaSeeded): PairRoute {
  // One request body per task, taken in turn.
  const requests = seeded.taskIds.map((id) =>
    httpRequest('POST', `${ONA_SERVICE}/StartTask`, JSON.stringify({ id }), ONA_HEADERS),
  );
  return {
    id: 'ona-start-task',
    label: 'POST StartTask → a new execution (succeeds at once)',
    tasks: ONA_TASKS,
    status: 200,
    requests: () => (index) => requests[index % requests.length] as HttpRequest,
    async baseline(fake): Promise<BaselineRoute> {
      return {
        method: 'POST',
        pattern: `${ONA_SERVICE}/StartTask`,
        status: 200,
        body: await onaRpc(fake, 'StartTask', { id: seeded.taskIds[0] }),
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
    const seeded = await seedOna(fake);
    return {
      seeded: {
        environments: 1,
        tasks: ONA_TASKS,
        pageSize: ONA_PAGE_SIZE,
        listedPage: 2,
        defaultOutcome: { kind: 'succeed' },
      },
      routes: [listTasksRoute(seeded), listTasksGetRoute(seeded), startTaskRoute(seeded)],
    };
  },
  async after(fake) {
    const unfinished = (await onaRpc(fake, 'ListTaskExecutions', {
      filter: { phases: ['TASK_EXECUTION_PHASE_PENDING', 'TASK_EXECUTION_PHASE_RUNNING'] },
      pagination: { pageSize: 100 },
    })) as { taskExecutions?: unknown[] };
    const stepRuns = (await callJson(
      `${fake.url}/_taskport/ona/step-runs`,
      'GET',
      undefined,
      ONA_HEADERS,
      200,
    )) as {
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
