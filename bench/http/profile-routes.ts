/**
 * The routes the profiler takes, every dialect alike: how to seed a fresh
 * fake for a route and the request bytes to load it with. The worlds are the
 * benches' own: routes.ts (CTS), tfc-world.ts and ona-world.ts.
 */

import type { ServerHandle } from './harness.ts';
import { httpRequest, type RequestFactory } from './load.ts';
import { ONA_HEADERS, ONA_PAGE_SIZE, ONA_SERVICE, ONA_TASKS, seedOna } from './ona-world.ts';
import { CTS_ROUTES, FAKE_TASKS, requestsFor, seedCts } from './routes.ts';
import {
  seedTfc,
  TFC_LIST_HEADERS,
  TFC_PAGE,
  TFC_PAGE_QUERY,
  TFC_PAGE_SIZE,
  TFC_TASKS,
  tfcListPath,
} from './tfc-world.ts';

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

// ─── tfc ────────────────────────────────────────────────────────────────────

function tfcListRoute(id: string, label: string, query: string): ProfileRoute {
  return {
    id,
    label,
    status: 200,
    clock: 'real',
    async prepare(fake) {
      await seedTfc(fake);
      const bytes = httpRequest('GET', tfcListPath(query), undefined, TFC_LIST_HEADERS);
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

// ─── Ona ────────────────────────────────────────────────────────────────────

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
