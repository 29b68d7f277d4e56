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

import { httpRequest } from './load.ts';
import { type PairRoute, ratioTarget, runDialectBench } from './pairs.ts';
import type { BaselineRoute } from './server-child.ts';
import {
  JSON_API,
  seedTfc,
  TFC_LIST_HEADERS,
  TFC_ORGANIZATION,
  TFC_PAGE,
  TFC_PAGE_QUERY,
  TFC_PAGE_SIZE,
  TFC_TASKS,
  TFC_WORKSPACES,
  tfcListPath,
} from './tfc-world.ts';

function listRoute(id: string, label: string, query: string): PairRoute {
  const path = tfcListPath(query);
  const headers = TFC_LIST_HEADERS;
  const bytes = httpRequest('GET', path, undefined, headers);
  return {
    id,
    label,
    tasks: TFC_TASKS,
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

await runDialectBench({
  key: 'tfc',
  title: 'bench:http:tfc',
  clock: 'real',
  async setup(fake) {
    const associations = await seedTfc(fake);
    return {
      seeded: {
        organization: TFC_ORGANIZATION,
        workspaces: TFC_WORKSPACES,
        tasks: TFC_TASKS,
        associations,
        verifyOnCreate: false,
        page: { number: TFC_PAGE, size: TFC_PAGE_SIZE },
      },
      routes: [
        listRoute(
          'tfc-list-page',
          `GET /api/v2/organizations/:org/tasks?page[size]=${TFC_PAGE_SIZE} (page ${TFC_PAGE} of ${TFC_TASKS} tasks)`,
          TFC_PAGE_QUERY,
        ),
        listRoute(
          'tfc-list-include',
          `GET /api/v2/organizations/:org/tasks?page[size]=${TFC_PAGE_SIZE}&include=workspace_tasks (page ${TFC_PAGE}, 2 associations per task)`,
          `${TFC_PAGE_QUERY}&include=workspace_tasks`,
        ),
      ],
    };
  },
  targets: (results) => results.map((result) => ratioTarget(result, 0.75)),
});
