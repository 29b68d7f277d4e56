/**
 * One trial of the PostgreSQL bench: one system with N worker processes and
 * one load generator, on a database of its own created for the trial, in
 * three phases (see bench/README.md, "PostgreSQL"):
 *
 * 1. paced: changes at a fixed rate well under every system's capacity, each
 *    key changed once at most: change → run start latency;
 * 2. flat out: the generator announces as fast as it can while the workers
 *    run: triggers accepted per second (and the runs meanwhile);
 * 3. drain: with the workers stopped, one change per key; once every key's
 *    job is due, all workers start at once: runs per second is the keys
 *    over the time until the system's own tables say every run ended.
 *
 * CPU is read per phase for every worker, the generator and the server.
 */

import pg from 'pg';
import { BENCH_SYSTEMS } from './child-channel.ts';
import { BenchChild } from './children.ts';
import type {
  ChildEnv,
  CpuSnapshot,
  GeneratorCommand,
  GeneratorReport,
  WorkerCommand,
  WorkerSnapshot,
} from './protocol.ts';
import type { ServerCpu } from './server-cpu.ts';
import type { SystemName } from './settings.ts';
import { quantile, round } from './stats.ts';

export interface TrialConfig {
  /** Keys (taskport tasks); the drain runs one job per key. */
  readonly keys: number;
  readonly pacedPerSecond: number;
  readonly pacedMs: number;
  readonly flatMs: number;
  /** Changes in flight during the flat-out phase and the prefill. */
  readonly generatorConcurrency: number;
  /** How long to wait for a system to run what is pending after a phase. */
  readonly settleTimeoutMs: number;
  readonly drainTimeoutMs: number;
  /** When set, worker 0 runs under `node --cpu-prof` and writes its profile here. */
  readonly profileDir?: string;
}

export interface TrialContext {
  readonly adminUrl: string;
  readonly serverCpu: ServerCpu | undefined;
  readonly round: number;
}

/** CPU of one phase, ms, and the cores it kept busy (CPU ÷ wall time). */
export interface PhaseCpu {
  readonly workersMs: number;
  readonly generatorMs: number;
  readonly serverMs: number;
  readonly cores: number;
}

export interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly n: number;
}

export interface TrialResult {
  readonly system: SystemName;
  readonly processes: number;
  readonly round: number;
  readonly loadAverageAtStart: readonly number[];
  /** Creating the database, starting the children and the keys' setup, ms. */
  readonly setupMs: number;
  readonly paced: {
    readonly triggersPerSec: number;
    readonly accepted: number;
    readonly scheduled: number;
    readonly failed: number;
    readonly runs: number;
    readonly latencyMs: Latency;
    readonly cpu: PhaseCpu;
  };
  readonly flat: {
    readonly triggersPerSec: number;
    readonly runsPerSec: number;
    readonly accepted: number;
    readonly scheduled: number;
    readonly failed: number;
    readonly firstError?: string;
    readonly latencyMs: Latency;
    readonly generatorCpuMsPerTrigger: number;
    /** Statements the generator sent per change accepted. */
    readonly generatorQueriesPerTrigger: number;
    /** Statements the workers sent per run meanwhile. */
    readonly workerQueriesPerRun: number;
    readonly cpu: PhaseCpu;
    /** How long the workers took to run what was left once the generator stopped. */
    readonly settledAfterMs: number | undefined;
  };
  readonly drain: {
    /** The jobs due when the workers started: one per key. */
    readonly jobs: number;
    readonly runsSeen: number;
    readonly seconds: number;
    readonly runsPerSec: number;
    readonly completed: boolean;
    /** The prefill's rate, no worker running. */
    readonly prefillTriggersPerSec: number;
    readonly workerCpuMsPerRun: number;
    readonly serverCpuMsPerRun: number;
    /** Statements the workers sent per run (`pg.Client#query` calls: round trips). */
    readonly workerQueriesPerRun: number;
    readonly cpu: PhaseCpu;
    /** What the system's active sessions were waiting on, sampled every 100 ms. */
    readonly waits: Readonly<Record<string, number>>;
    /** `[ms since the start, jobs pending]` every 50 ms or so. */
    readonly curve: readonly (readonly [number, number])[];
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Worker = BenchChild<WorkerCommand>;
type Generator = BenchChild<GeneratorCommand>;

interface CpuMark {
  readonly at: number;
  readonly workers: number;
  readonly generator: number;
  readonly server: number;
  readonly workerQueries: number;
  readonly generatorQueries: number;
}

async function snapshots(workers: readonly Worker[]): Promise<WorkerSnapshot[]> {
  return Promise.all(workers.map((worker) => worker.request<WorkerSnapshot>({ cmd: 'snapshot' })));
}

function latency(values: readonly number[]): Latency {
  return {
    p50: round(quantile(values, 0.5)),
    p99: round(quantile(values, 0.99)),
    n: values.length,
  };
}

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function runTrial(
  system: SystemName,
  processes: number,
  config: TrialConfig,
  context: TrialContext,
): Promise<TrialResult> {
  const setupStarted = performance.now();
  const database = `bench_r${context.round}_${system.replace('-', '_')}_${processes}`;
  const admin = new pg.Client({ connectionString: context.adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  const url = databaseUrl(context.adminUrl, database);
  const env = (index: number): ChildEnv => ({
    BENCH_PG_SYSTEM: system,
    BENCH_PG_URL: url,
    BENCH_PG_INDEX: String(index),
  });
  const probe = new pg.Client({ connectionString: url });
  const children: BenchChild<WorkerCommand | GeneratorCommand>[] = [];
  try {
    const loadAverageAtStart = (await import('node:os')).loadavg().map((load) => round(load));
    const generator: Generator = new BenchChild('generator', 'generator.ts', env(0));
    children.push(generator);
    await generator.ready();
    const workers: Worker[] = Array.from({ length: processes }, (_, index) => {
      const flags =
        config.profileDir !== undefined && index === 0
          ? ['--cpu-prof', '--cpu-prof-dir', config.profileDir]
          : [];
      return new BenchChild<WorkerCommand>(`worker ${index}`, 'worker.ts', env(index), flags);
    });
    children.push(...workers);
    await Promise.all([
      generator.request({ cmd: 'setup', keys: config.keys }),
      ...workers.map((worker) => worker.ready()),
    ]);
    await probe.connect();
    const setupMs = round(performance.now() - setupStarted);

    const pendingSql = BENCH_SYSTEMS[system].pendingSql;
    const pending = async (): Promise<number> =>
      Number((await probe.query<{ pending: string }>(pendingSql)).rows[0]?.pending ?? 0);
    /** Resolves with the ms it took until nothing is pending, or undefined at the timeout. */
    const settle = async (timeoutMs: number): Promise<number | undefined> => {
      const started = performance.now();
      while (performance.now() - started < timeoutMs) {
        if ((await pending()) === 0) return performance.now() - started;
        await sleep(20);
      }
      return undefined;
    };
    const mark = async (): Promise<CpuMark & { snapshots: WorkerSnapshot[] }> => {
      const [taken, own] = await Promise.all([
        snapshots(workers),
        generator.request<CpuSnapshot>({ cmd: 'snapshot' }),
      ]);
      return {
        at: performance.now(),
        workers: taken.reduce((sum, snapshot) => sum + snapshot.cpuMs, 0),
        generator: own.cpuMs,
        server: context.serverCpu?.cpuMs() ?? Number.NaN,
        workerQueries: taken.reduce((sum, snapshot) => sum + snapshot.queries, 0),
        generatorQueries: own.queries,
        snapshots: taken,
      };
    };
    const cpuBetween = (from: CpuMark, to: CpuMark): PhaseCpu => {
      const workersMs = to.workers - from.workers;
      const generatorMs = to.generator - from.generator;
      const serverMs = to.server - from.server;
      return {
        workersMs: round(workersMs),
        generatorMs: round(generatorMs),
        serverMs: round(serverMs),
        cores: round((workersMs + generatorMs + serverMs) / (to.at - from.at)),
      };
    };
    const runsOf = (taken: readonly WorkerSnapshot[]) =>
      taken.reduce((sum, snapshot) => sum + snapshot.runs, 0);
    const latenciesOf = (taken: readonly WorkerSnapshot[]) =>
      taken.flatMap((snapshot) => snapshot.latenciesMs);

    // ─── 1. paced: latency ───────────────────────────────────────────────
    await Promise.all(workers.map((worker) => worker.request({ cmd: 'start' })));
    await sleep(300);
    const pacedFrom = await mark();
    const paced = await generator.request<GeneratorReport>({
      cmd: 'paced',
      keys: config.keys,
      perSecond: config.pacedPerSecond,
      durationMs: config.pacedMs,
    });
    await settle(config.settleTimeoutMs);
    const pacedTo = await mark();

    // ─── 2. flat out: triggers per second ────────────────────────────────
    const flatFrom = await mark();
    const flat = await generator.request<GeneratorReport>({
      cmd: 'flat',
      keys: config.keys,
      concurrency: config.generatorConcurrency,
      durationMs: config.flatMs,
    });
    const flatTo = await mark();
    const settledAfterMs = await settle(config.settleTimeoutMs);

    // ─── 3. drain: runs per second ───────────────────────────────────────
    await Promise.all(workers.map((worker) => worker.request({ cmd: 'stop' })));
    await settle(config.settleTimeoutMs);
    // pg-boss's debounce slots are whole seconds: a key changed in the current
    // slot would get a job in the next one, not due at once. Let the slot pass.
    await sleep(1_100);
    const prefill = await generator.request<GeneratorReport>({
      cmd: 'prefill',
      keys: config.keys,
      concurrency: config.generatorConcurrency,
    });
    // Every key's job is due once the longest debounce has passed (pg-boss's run at once).
    await sleep(250);
    const jobs = await pending();
    const drainFrom = await mark();
    const waits: Record<string, number> = {};
    let completed = false;
    await Promise.all(workers.map((worker) => worker.request({ cmd: 'start' })));
    let lastWaitSample = 0;
    const curve: [number, number][] = [];
    while (performance.now() - drainFrom.at < config.drainTimeoutMs) {
      const left = await pending();
      const at = performance.now() - drainFrom.at;
      if (curve.length === 0 || at - (curve.at(-1) as [number, number])[0] >= 50)
        curve.push([Math.round(at), left]);
      if (left === 0) {
        completed = true;
        break;
      }
      if (performance.now() - lastWaitSample >= 100) {
        lastWaitSample = performance.now();
        const { rows } = await probe.query<{ wait: string; n: string }>(
          `SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU') AS wait, count(*) AS n
          FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
          GROUP BY 1`,
        );
        for (const row of rows) waits[row.wait] = (waits[row.wait] ?? 0) + Number(row.n);
      }
      await sleep(10);
    }
    const drainEnd = performance.now();
    const drainTo = await mark();
    const seconds = (drainEnd - drainFrom.at) / 1000;
    const drainCpu = cpuBetween(drainFrom, drainTo);
    const runsSeen = runsOf(drainTo.snapshots) - runsOf(drainFrom.snapshots);

    return {
      system,
      processes,
      round: context.round,
      loadAverageAtStart,
      setupMs,
      paced: {
        triggersPerSec: round(paced.accepted / (paced.elapsedMs / 1000)),
        accepted: paced.accepted,
        scheduled: paced.scheduled,
        failed: paced.failed,
        runs: runsOf(pacedTo.snapshots) - runsOf(pacedFrom.snapshots),
        latencyMs: latency(latenciesOf(pacedTo.snapshots)),
        cpu: cpuBetween(pacedFrom, pacedTo),
      },
      flat: {
        triggersPerSec: round(flat.accepted / (flat.elapsedMs / 1000)),
        runsPerSec: round(
          (runsOf(flatTo.snapshots) - runsOf(flatFrom.snapshots)) /
            ((flatTo.at - flatFrom.at) / 1000),
        ),
        accepted: flat.accepted,
        scheduled: flat.scheduled,
        failed: flat.failed,
        ...(flat.firstError === undefined ? {} : { firstError: flat.firstError }),
        latencyMs: latency(latenciesOf(flatTo.snapshots)),
        generatorCpuMsPerTrigger: round((flatTo.generator - flatFrom.generator) / flat.accepted),
        generatorQueriesPerTrigger: round(
          (flatTo.generatorQueries - flatFrom.generatorQueries) / flat.accepted,
        ),
        workerQueriesPerRun: round(
          (flatTo.workerQueries - flatFrom.workerQueries) /
            (runsOf(flatTo.snapshots) - runsOf(flatFrom.snapshots)),
        ),
        cpu: cpuBetween(flatFrom, flatTo),
        settledAfterMs: settledAfterMs === undefined ? undefined : round(settledAfterMs),
      },
      drain: {
        jobs,
        runsSeen,
        seconds: round(seconds),
        runsPerSec: round(jobs / seconds),
        completed,
        prefillTriggersPerSec: round(prefill.accepted / (prefill.elapsedMs / 1000)),
        workerCpuMsPerRun: round(drainCpu.workersMs / jobs),
        serverCpuMsPerRun: round(drainCpu.serverMs / jobs),
        workerQueriesPerRun: round((drainTo.workerQueries - drainFrom.workerQueries) / jobs),
        cpu: drainCpu,
        waits,
        curve,
      },
    };
  } finally {
    await probe.end().catch(() => {});
    await Promise.all(children.map((child) => child.exit().catch(() => child.kill())));
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}
