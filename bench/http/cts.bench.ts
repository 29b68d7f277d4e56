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
  formatSpread,
  machine,
  median,
  pinSelf,
  round,
  roundSpread,
  type ServerHandle,
  type Spread,
  spread,
  startServer,
  today,
  writeResults,
} from './harness.ts';
import { runLoad } from './load.ts';
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

const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = Number(process.env.BENCH_PAIRS ?? (QUICK ? 1 : 3));
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? (QUICK ? 400 : 2000));
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? (QUICK ? 300 : 1000));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
/** Hard cap per trial, whatever the duration. */
const MAX_REQUESTS = 500_000;
const ONLY = process.env.BENCH_ROUTES?.split(',');

const SERVERS = ['raw', 'hono', 'fake'] as const;
type ServerName = (typeof SERVERS)[number];

interface Trial {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuUsPerRequest: number;
  readonly requests: number;
  readonly errors: number;
  readonly responseBytes: number;
}

async function measure(
  server: ServerHandle,
  route: RouteDef,
  durationMs: number,
  log: boolean,
): Promise<Trial> {
  const before = await server.cpuMicros();
  const load = await runLoad({
    port: server.port,
    connections: CONNECTIONS,
    durationMs,
    maxRequests: MAX_REQUESTS,
    request: requestsFor(route),
    expectStatus: route.status,
  });
  const after = await server.cpuMicros();
  if (load.errors > 0 && log)
    console.error(`  ! ${load.errors} unexpected answers, first: ${load.firstError}`);
  return {
    rps: load.requestsPerSecond,
    p50Ms: load.p50Ms,
    p99Ms: load.p99Ms,
    cpuUsPerRequest: (after - before) / Math.max(1, load.requests),
    requests: load.requests,
    errors: load.errors,
    responseBytes: load.meanResponseBytes,
  };
}

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

type Metric = 'rps' | 'p50Ms' | 'p99Ms' | 'cpuUsPerRequest';
const METRICS: readonly Metric[] = ['rps', 'p50Ms', 'p99Ms', 'cpuUsPerRequest'];

interface RouteResult {
  readonly id: string;
  readonly label: string;
  readonly tasks: number;
  readonly responseBytes: Record<ServerName, number>;
  readonly errors: Record<ServerName, number>;
  readonly servers: Record<ServerName, Record<Metric, Spread>>;
  /** subject ÷ raw within each round. */
  readonly ratios: Record<'hono' | 'fake', Record<Metric, Spread>>;
}

async function benchRoute(fake: ServerHandle, route: RouteDef): Promise<RouteResult> {
  const baseline = await baselineRoute(fake, route);
  const servers: Record<ServerName, ServerHandle> = {
    raw: await startServer({ kind: 'raw', route: baseline }),
    hono: await startServer({ kind: 'hono', route: baseline }),
    fake,
  };
  try {
    for (const name of SERVERS) await measure(servers[name], route, WARMUP_MS, false);
    const trials: Record<ServerName, Trial[]> = { raw: [], hono: [], fake: [] };
    for (let roundIndex = 0; roundIndex < ROUNDS; roundIndex++) {
      const order = SERVERS.map((_, i) => SERVERS[(i + roundIndex) % SERVERS.length] as ServerName);
      for (const name of order)
        trials[name].push(await measure(servers[name], route, DURATION_MS, true));
    }
    const summary = (name: ServerName): Record<Metric, Spread> =>
      Object.fromEntries(
        METRICS.map((metric) => [metric, roundSpread(spread(trials[name].map((t) => t[metric])))]),
      ) as Record<Metric, Spread>;
    const ratio = (name: 'hono' | 'fake'): Record<Metric, Spread> =>
      Object.fromEntries(
        METRICS.map((metric) => [
          metric,
          roundSpread(
            spread(trials[name].map((t, i) => t[metric] / (trials.raw[i] as Trial)[metric])),
          ),
        ]),
      ) as Record<Metric, Spread>;
    const perServer = <T>(f: (list: Trial[]) => T): Record<ServerName, T> => ({
      raw: f(trials.raw),
      hono: f(trials.hono),
      fake: f(trials.fake),
    });
    return {
      id: route.id,
      label: route.label,
      tasks: route.tasks,
      responseBytes: perServer((list) => Math.round(median(list.map((t) => t.responseBytes)))),
      errors: perServer((list) => list.reduce((sum, t) => sum + t.errors, 0)),
      servers: { raw: summary('raw'), hono: summary('hono'), fake: summary('fake') },
      ratios: { hono: ratio('hono'), fake: ratio('fake') },
    };
  } finally {
    await servers.raw.close();
    await servers.hono.close();
  }
}

function printRoute(result: RouteResult): void {
  console.log(`\n${result.label}  (response ${result.responseBytes.fake} B)`);
  console.log(
    '  server  req/s                     p50 ms               p99 ms               CPU µs/req            ×raw req/s         ×raw CPU/req',
  );
  for (const name of SERVERS) {
    const s = result.servers[name];
    const r = name === 'raw' ? undefined : result.ratios[name];
    console.log(
      `  ${name.padEnd(6)}  ${formatSpread(s.rps).padEnd(24)}  ${formatSpread(s.p50Ms).padEnd(19)}  ${formatSpread(s.p99Ms).padEnd(19)}  ${formatSpread(s.cpuUsPerRequest).padEnd(20)}  ${r === undefined ? '' : formatSpread(r.rps).padEnd(17)}  ${r === undefined ? '' : formatSpread(r.cpuUsPerRequest)}`,
    );
  }
}

interface TargetCheck {
  readonly target: string;
  readonly value: string;
  readonly met: boolean;
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
      const result = await benchRoute(fake, route);
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
    method: {
      rounds: ROUNDS,
      durationMs: DURATION_MS,
      warmupMs: WARMUP_MS,
      connections: CONNECTIONS,
      loadGenerator:
        'bench/http/load.ts: keep-alive HTTP/1.1 over node:net, one request in flight per connection',
      ratios: 'subject ÷ raw within each round, then median (min–max) over rounds',
      serverCpu:
        'process.cpuUsage() (user + system) of the server process over the measured window, ÷ requests',
    },
    routes: results,
    listing,
    targets: checks,
  });
  console.log(`\nwrote ${path}`);
}

await main();
