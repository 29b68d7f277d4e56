/**
 * The fake's CTS routes against their floor, side by side in one run:
 *
 *   raw   node:http answering the same headers and JSON (serialised per request)
 *   hono  Hono on @hono/node-server answering the same (the framework's cost)
 *   fake  startFakeServer(), every dialect mounted, seeded over its control API
 *
 * Servers run in child processes pinned to core 0; this process is the load
 * generator, pinned to core 1. For each route the three servers are measured
 * in rounds (order rotated every round) and every ratio is taken within a
 * round, then summarised as median (min–max).
 *
 *   npm run bench:http                 # ~2.5 minutes, writes bench/results/http-<date>.json
 *   BENCH_QUICK=1 npm run bench:http   # smoke run, nothing written
 *   BENCH_PAIRS=5 BENCH_DURATION_MS=3000 npm run bench:http
 */

import {
  machine,
  pinSelf,
  round,
  type ServerHandle,
  startServer,
  today,
  writeResults,
} from './harness.ts';
import {
  benchRoute,
  CONNECTIONS,
  DURATION_MS,
  methodSection,
  ONLY,
  type PairRoute,
  printRoute,
  QUICK,
  ROUNDS,
  type RouteResult,
  SERVERS,
  type ServerName,
  type TargetCheck,
  WARMUP_MS,
} from './pairs.ts';
import {
  CTS_CORS_HEADERS,
  CTS_ROUTES,
  FAKE_TASKS,
  type FakeSetup,
  type RouteDef,
  requestsFor,
  seedCts,
} from './routes.ts';
import type { BaselineRoute } from './server-child.ts';

/** The response object the baselines serialise: what the fake answers on `route`. */
async function baselineRoute(fake: ServerHandle, route: RouteDef): Promise<BaselineRoute> {
  if (route.method === 'GET') {
    const response = await fetch(`${fake.url}${route.path}`);
    if (response.status !== route.status)
      throw new Error(`${route.label}: the fake answered ${response.status}`);
    return {
      method: 'GET',
      pattern: route.pattern,
      status: route.status,
      body: await response.json(),
      headers: CTS_CORS_HEADERS,
    };
  }
  // POST: the finalized config the fake answers with, as a template.
  const response = await fetch(`${fake.url}${route.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      task: {
        name: 'bench-template',
        module: 'org/mod/aws',
        condition: { services: { names: ['api', 'web'] } },
        buffer_period: { enabled: false },
      },
    }),
  });
  const answer = (await response.json()) as { task: Record<string, unknown> };
  if (response.status !== route.status)
    throw new Error(`${route.label}: the fake answered ${response.status}`);
  return {
    method: 'POST',
    pattern: route.pattern,
    status: route.status,
    postTemplate: answer.task,
    headers: CTS_CORS_HEADERS,
  };
}

/** A CTS route as the shared pair runner takes it. */
function pairRoute(route: RouteDef): PairRoute {
  return {
    id: route.id,
    label: route.label,
    tasks: route.tasks,
    status: route.status,
    requests: () => requestsFor(route),
    baseline: (fake) => baselineRoute(fake, route),
  };
}

function checkTargets(results: readonly RouteResult[]): {
  checks: TargetCheck[];
  listing: Record<string, unknown>;
} {
  const checks: TargetCheck[] = [];
  for (const result of results) {
    const ratio = result.ratios.fake.rps.median;
    if (result.id === 'cts-create') {
      checks.push({
        target: `${result.label}: fake ≥ 0.6× raw POST req/s`,
        value: `${round(ratio, 3)}×`,
        met: ratio >= 0.6,
      });
    } else {
      checks.push({
        target: `${result.label}: fake ≥ 0.75× raw req/s`,
        value: `${round(ratio, 3)}×`,
        met: ratio >= 0.75,
      });
    }
  }
  // Listing cost linear in tasks: the marginal CPU per task 10→100 against 100→1 000.
  const byId = new Map(results.map((result) => [result.id, result]));
  const cpu = (id: string, name: ServerName): number | undefined =>
    byId.get(id)?.servers[name].cpuUsPerRequest.median;
  const listing: Record<string, unknown> = {};
  for (const name of SERVERS) {
    const [c10, c100, c1000] = [
      cpu('cts-list-10', name),
      cpu('cts-list-100', name),
      cpu('cts-list-1000', name),
    ];
    if (c10 === undefined || c100 === undefined || c1000 === undefined) continue;
    listing[name] = {
      cpuUsPerRequest: { 10: c10, 100: c100, 1000: c1000 },
      marginalUsPerTask10to100: round((c100 - c10) / 90, 3),
      marginalUsPerTask100to1000: round((c1000 - c100) / 900, 3),
      usPerTaskAt1000: round(c1000 / 1000, 3),
    };
  }
  const fake = listing.fake as
    | { marginalUsPerTask10to100: number; marginalUsPerTask100to1000: number }
    | undefined;
  if (fake !== undefined) {
    const slopeRatio = fake.marginalUsPerTask100to1000 / fake.marginalUsPerTask10to100;
    checks.push({
      target:
        'GET /v1/tasks linear in tasks: marginal CPU per task 100→1 000 within 0.5–2× of 10→100',
      value: `${fake.marginalUsPerTask10to100} µs/task (10→100), ${fake.marginalUsPerTask100to1000} µs/task (100→1 000): ${round(slopeRatio, 3)}×`,
      met: slopeRatio >= 0.5 && slopeRatio <= 2,
    });
  }
  return { checks, listing };
}

async function main(): Promise<void> {
  const pinnedSelf = pinSelf();
  const routes = CTS_ROUTES.filter((route) => ONLY === undefined || ONLY.includes(route.id));
  console.log(
    `bench:http (cts) — ${ROUNDS} rounds × ${DURATION_MS} ms after ${WARMUP_MS} ms warm-up, ${CONNECTIONS} connections${pinnedSelf ? ', server on core 0, load on core 1' : ', not pinned'}`,
  );
  const setups = [...new Set(routes.map((route) => route.setup))];
  const fakes = new Map<FakeSetup, ServerHandle>();
  const results: RouteResult[] = [];
  try {
    for (const setup of setups) {
      const fake = await startServer({ kind: 'fake' });
      fakes.set(setup, fake);
      await seedCts(fake.url, FAKE_TASKS[setup]);
    }
    for (const route of routes) {
      const fake = fakes.get(route.setup) as ServerHandle;
      const result = await benchRoute(fake, pairRoute(route));
      printRoute(result);
      results.push(result);
    }
  } finally {
    for (const fake of fakes.values()) await fake.close();
  }
  const { checks, listing } = checkTargets(results);
  console.log('\nTargets:');
  for (const check of checks)
    console.log(`  ${check.met ? 'met    ' : 'MISSED '} ${check.target}: ${check.value}`);
  if (QUICK) {
    console.log('\n(BENCH_QUICK: nothing written)');
    return;
  }
  const path = writeResults('cts', {
    date: today(),
    machine: machine(),
    method: methodSection(),
    routes: results,
    listing,
    targets: checks,
  });
  console.log(`\nwrote ${path}`);
}

await main();
