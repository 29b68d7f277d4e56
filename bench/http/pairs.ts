/**
 * The side-by-side measurement every dialect bench shares: for one route,
 * the raw node:http floor, Hono on @hono/node-server, and the fake, measured
 * in rounds with the order rotated each round; every ratio is taken within
 * a round (subject ÷ raw), then summarised as median (min–max).
 *
 * Environment: BENCH_QUICK=1 (one 0.4 s round, nothing written),
 * BENCH_PAIRS (rounds, default 3), BENCH_DURATION_MS (default 2000),
 * BENCH_WARMUP_MS (default 1000), BENCH_CONNECTIONS (default 8),
 * BENCH_ROUTES (comma-separated route ids).
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
import { LOAD_GENERATOR, type RequestFactory, runLoad } from './load.ts';
import type { BaselineRoute } from './server-child.ts';

export const QUICK = process.env.BENCH_QUICK === '1';
export const ROUNDS = Number(process.env.BENCH_PAIRS ?? (QUICK ? 1 : 3));
export const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? (QUICK ? 400 : 2000));
export const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? (QUICK ? 300 : 1000));
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
/** Hard cap per trial, whatever the duration. */
export const MAX_REQUESTS = 500_000;
export const ONLY = process.env.BENCH_ROUTES?.split(',');

export const SERVERS = ['raw', 'hono', 'fake'] as const;
export type ServerName = (typeof SERVERS)[number];

/** One route measured against its floor. */
export interface PairRoute {
  readonly id: string;
  readonly label: string;
  /** Tasks on the fake while measured. */
  readonly tasks: number;
  readonly status: number;
  /** A fresh request factory per trial (a POST may need new names each time). */
  requests(): RequestFactory;
  /** What the raw and Hono baselines answer, usually captured from the fake. */
  baseline(fake: ServerHandle): Promise<BaselineRoute>;
}

export interface Trial {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuUsPerRequest: number;
  readonly requests: number;
  readonly errors: number;
  readonly responseBytes: number;
  /** CPU the load generator (this process) used over the trial, as a share of one core. */
  readonly clientCpuShare: number;
}

/** One bounded load on `server`, with its CPU per request. */
export async function measure(
  server: ServerHandle | { port: number; cpuMicros(): Promise<number> },
  request: RequestFactory,
  expectStatus: number,
  durationMs: number,
  log: boolean,
): Promise<Trial> {
  const before = await server.cpuMicros();
  const clientBefore = process.cpuUsage();
  const load = await runLoad({
    port: server.port,
    connections: CONNECTIONS,
    durationMs,
    maxRequests: MAX_REQUESTS,
    request,
    expectStatus,
  });
  const client = process.cpuUsage(clientBefore);
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
    clientCpuShare: (client.user + client.system) / 1000 / load.elapsedMs,
  };
}

export type Metric = 'rps' | 'p50Ms' | 'p99Ms' | 'cpuUsPerRequest';
export const METRICS: readonly Metric[] = ['rps', 'p50Ms', 'p99Ms', 'cpuUsPerRequest'];

export interface RouteResult {
  readonly id: string;
  readonly label: string;
  readonly tasks: number;
  readonly responseBytes: Record<ServerName, number>;
  readonly errors: Record<ServerName, number>;
  readonly servers: Record<ServerName, Record<Metric, Spread>>;
  /** The load generator's CPU over each trial, share of one core: near 1, it (not the server) sets the pace. */
  readonly clientCpuShare: Record<ServerName, Spread>;
  /** subject ÷ raw within each round. */
  readonly ratios: Record<'hono' | 'fake', Record<Metric, Spread>>;
}

/** Median (min–max) of each metric over trials. */
export function summarise(trials: readonly Trial[]): Record<Metric, Spread> {
  return Object.fromEntries(
    METRICS.map((metric) => [metric, roundSpread(spread(trials.map((t) => t[metric])))]),
  ) as Record<Metric, Spread>;
}

/** Median (min–max) of subject ÷ base, taken trial by trial (round by round). */
export function pairRatios(
  subject: readonly Trial[],
  base: readonly Trial[],
): Record<Metric, Spread> {
  return Object.fromEntries(
    METRICS.map((metric) => [
      metric,
      roundSpread(spread(subject.map((t, i) => t[metric] / (base[i] as Trial)[metric]))),
    ]),
  ) as Record<Metric, Spread>;
}

/** Measures `route` on the raw floor, Hono and `fake`, round by round. */
export async function benchRoute(fake: ServerHandle, route: PairRoute): Promise<RouteResult> {
  const baseline = await route.baseline(fake);
  const servers: Record<ServerName, ServerHandle> = {
    raw: await startServer({ kind: 'raw', route: baseline }),
    hono: await startServer({ kind: 'hono', route: baseline }),
    fake,
  };
  const run = (name: ServerName, durationMs: number, log: boolean): Promise<Trial> =>
    measure(servers[name], route.requests(), route.status, durationMs, log);
  try {
    for (const name of SERVERS) await run(name, WARMUP_MS, false);
    const trials: Record<ServerName, Trial[]> = { raw: [], hono: [], fake: [] };
    for (let roundIndex = 0; roundIndex < ROUNDS; roundIndex++) {
      const order = SERVERS.map((_, i) => SERVERS[(i + roundIndex) % SERVERS.length] as ServerName);
      for (const name of order) trials[name].push(await run(name, DURATION_MS, true));
    }
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
      servers: perServer(summarise),
      clientCpuShare: perServer((list) =>
        roundSpread(spread(list.map((t) => t.clientCpuShare)), 2),
      ),
      ratios: {
        hono: pairRatios(trials.hono, trials.raw),
        fake: pairRatios(trials.fake, trials.raw),
      },
    };
  } finally {
    await servers.raw.close();
    await servers.hono.close();
  }
}

export function printRoute(result: RouteResult): void {
  console.log(
    `\n${result.label}  (response ${result.responseBytes.fake} B; raw ${result.responseBytes.raw} B)`,
  );
  console.log(
    '  server  req/s                     p50 ms               p99 ms               CPU µs/req            ×raw req/s         ×raw CPU/req       load gen. CPU',
  );
  for (const name of SERVERS) {
    const s = result.servers[name];
    const r = name === 'raw' ? undefined : result.ratios[name];
    console.log(
      `  ${name.padEnd(6)}  ${formatSpread(s.rps).padEnd(24)}  ${formatSpread(s.p50Ms).padEnd(19)}  ${formatSpread(s.p99Ms).padEnd(19)}  ${formatSpread(s.cpuUsPerRequest).padEnd(20)}  ${(r === undefined ? '' : formatSpread(r.rps)).padEnd(17)}  ${(r === undefined ? '' : formatSpread(r.cpuUsPerRequest)).padEnd(17)}  ${Math.round(result.clientCpuShare[name].median * 100)} %`,
    );
  }
}

/** A target as checked and written to the results file. */
export interface TargetCheck {
  readonly target: string;
  readonly value: string;
  readonly met: boolean;
}

/** `fake ≥ minimum × raw req/s` on `result`. */
export function ratioTarget(result: RouteResult, minimum: number, what = 'raw'): TargetCheck {
  const ratio = result.ratios.fake.rps.median;
  return {
    target: `${result.label}: fake ≥ ${minimum}× ${what} req/s`,
    value: `${round(ratio, 3)}× (${round(result.ratios.fake.rps.min, 3)}–${round(result.ratios.fake.rps.max, 3)})`,
    met: ratio >= minimum,
  };
}

/** The method block of the results file. */
export function methodSection(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    rounds: ROUNDS,
    durationMs: DURATION_MS,
    warmupMs: WARMUP_MS,
    connections: CONNECTIONS,
    loadGenerator: LOAD_GENERATOR,
    ratios: 'subject ÷ raw within each round, then median (min–max) over rounds',
    serverCpu:
      'process.cpuUsage() (user + system) of the server process over the measured window, ÷ requests',
    ...extra,
  };
}

/** What a dialect bench sets up on its fake and measures there. */
export interface DialectBench {
  /** The results file key (`tfc`, `ona`). */
  readonly key: string;
  readonly title: string;
  readonly clock: 'real' | 'virtual';
  /** Seeds the fake; returns the routes and a description of what was seeded. */
  setup(fake: ServerHandle): Promise<{ routes: PairRoute[]; seeded: Record<string, unknown> }>;
  targets(results: readonly RouteResult[]): TargetCheck[];
  /** Checks after the load (e.g. that executions did not pile up). */
  after?(fake: ServerHandle): Promise<Record<string, unknown>>;
  readonly notes?: Record<string, unknown>;
}

/** Runs a dialect bench end to end: one fake, its routes pair by pair, targets, results file. */
export async function runDialectBench(bench: DialectBench): Promise<void> {
  const pinnedSelf = pinSelf();
  console.log(
    `${bench.title} — ${ROUNDS} rounds × ${DURATION_MS} ms after ${WARMUP_MS} ms warm-up, ${CONNECTIONS} connections${pinnedSelf ? ', server on core 0, load on core 1' : ', not pinned'}`,
  );
  const machineAtStart = machine();
  const fake = await startServer({ kind: 'fake', clock: bench.clock });
  const results: RouteResult[] = [];
  let seeded: Record<string, unknown> = {};
  let after: Record<string, unknown> | undefined;
  try {
    const setup = await bench.setup(fake);
    seeded = setup.seeded;
    for (const route of setup.routes) {
      if (ONLY !== undefined && !ONLY.includes(route.id)) continue;
      const result = await benchRoute(fake, route);
      printRoute(result);
      results.push(result);
    }
    after = await bench.after?.(fake);
    if (after !== undefined) console.log(`\nafter the load: ${JSON.stringify(after)}`);
  } finally {
    await fake.close();
  }
  const checks = bench.targets(results);
  console.log('\nTargets:');
  for (const check of checks)
    console.log(`  ${check.met ? 'met    ' : 'MISSED '} ${check.target}: ${check.value}`);
  if (QUICK) {
    console.log('\n(BENCH_QUICK: nothing written)');
    return;
  }
  const path = writeResults(bench.key, {
    date: today(),
    machine: machineAtStart,
    method: methodSection({ fakeClock: bench.clock }),
    seeded,
    ...(bench.notes === undefined ? {} : { notes: bench.notes }),
    routes: results,
    ...(after === undefined ? {} : { afterLoad: after }),
    targets: checks,
  });
  console.log(`\nwrote ${path}`);
}
