/**
 * The fake's routes the HTTP benches measure, and how to set the fake up
 * for them. Shared by the bench and the profiler so both load the same thing.
 */

import { httpRequest, type RequestFactory } from './load.ts';

/** CTS labels every response with these (`withCORS`); the baselines send them too. */
export const CTS_CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'Content-Type',
  'access-control-allow-methods': 'GET, PUT, PATCH, POST, DELETE',
};

/** A CTS task as a user would POST it (the fake answers with ~390 bytes of finalized config). */
export function ctsTask(name: string): Record<string, unknown> {
  return {
    name,
    module: 'org/mod/aws',
    condition: { services: { names: ['api', 'web'] } },
    buffer_period: { enabled: false },
  };
}

/** Zero-padded task names, `task-0000` … */
export function taskName(index: number): string {
  return `task-${String(index).padStart(4, '0')}`;
}

/** Which seeded fake a route runs on. */
export type FakeSetup = 'cts10' | 'cts100' | 'cts1000' | 'empty';

export const FAKE_TASKS: Readonly<Record<FakeSetup, number>> = {
  cts10: 10,
  cts100: 100,
  cts1000: 1000,
  empty: 0,
};

/** One measured route. */
export interface RouteDef {
  readonly id: string;
  readonly label: string;
  readonly setup: FakeSetup;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** The Hono pattern the baseline registers. */
  readonly pattern: string;
  readonly status: number;
  /** Tasks on the fake while measured. */
  readonly tasks: number;
}

export const CTS_ROUTES: readonly RouteDef[] = [
  {
    id: 'cts-get-task',
    label: 'GET /v1/tasks/:name',
    setup: 'cts1000',
    method: 'GET',
    path: `/v1/tasks/${taskName(500)}`,
    pattern: '/v1/tasks/:name',
    status: 200,
    tasks: 1000,
  },
  {
    id: 'cts-list-10',
    label: 'GET /v1/tasks (10 tasks)',
    setup: 'cts10',
    method: 'GET',
    path: '/v1/tasks',
    pattern: '/v1/tasks',
    status: 200,
    tasks: 10,
  },
  {
    id: 'cts-list-100',
    label: 'GET /v1/tasks (100 tasks)',
    setup: 'cts100',
    method: 'GET',
    path: '/v1/tasks',
    pattern: '/v1/tasks',
    status: 200,
    tasks: 100,
  },
  {
    id: 'cts-list-1000',
    label: 'GET /v1/tasks (1 000 tasks)',
    setup: 'cts1000',
    method: 'GET',
    path: '/v1/tasks',
    pattern: '/v1/tasks',
    status: 200,
    tasks: 1000,
  },
  {
    id: 'cts-status',
    label: 'GET /v1/status (1 000 tasks)',
    setup: 'cts1000',
    method: 'GET',
    path: '/v1/status',
    pattern: '/v1/status',
    status: 200,
    tasks: 1000,
  },
  {
    id: 'cts-status-tasks-events',
    label: 'GET /v1/status/tasks?include=events (1 000 tasks)',
    setup: 'cts1000',
    method: 'GET',
    path: '/v1/status/tasks?include=events',
    pattern: '/v1/status/tasks',
    status: 200,
    tasks: 1000,
  },
  {
    id: 'cts-create',
    label: 'POST /v1/tasks (validated, unique names)',
    setup: 'empty',
    method: 'POST',
    path: '/v1/tasks',
    pattern: '/v1/tasks',
    status: 201,
    tasks: 0,
  },
];

let batch = 0;

/**
 * The request bytes of `route`. A POST gets a new task name on every request
 * (unique across calls of this function, so across trials too).
 */
export function requestsFor(route: RouteDef): RequestFactory {
  if (route.method === 'GET') {
    const bytes = httpRequest('GET', route.path);
    return () => bytes;
  }
  const prefix = `bench-${process.pid}-${batch++}`;
  return (index) =>
    httpRequest('POST', route.path, JSON.stringify({ task: ctsTask(`${prefix}-${index}`) }), {
      'content-type': 'application/json',
    });
}

/** Seeds a running fake over its control API: `count` CTS tasks, each run once (so each has an event). */
export async function seedCts(url: string, count: number): Promise<void> {
  if (count === 0) return;
  const tasks = Array.from({ length: count }, (_, index) => ctsTask(taskName(index)));
  const response = await fetch(`${url}/_taskport/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cts: { tasks, run: 'now' } }),
  });
  const answer = (await response.json()) as { failures?: unknown[] };
  if (response.status !== 200 || (answer.failures?.length ?? 0) > 0)
    throw new Error(`seeding failed: ${response.status} ${JSON.stringify(answer).slice(0, 300)}`);
}
