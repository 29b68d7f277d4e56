/**
 * What one trial holds while it runs: its database, its generator and
 * workers, a probe connection that reads how much work is pending, and the
 * marks (CPU, statements, runs) that the phases are measured between. The
 * drain, the phase that measures runs per second, is here as well.
 */

import os from 'node:os';
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
import { machineBusyMs, type ServerCpu } from './server-cpu.ts';
import type { SystemName } from './settings.ts';
import { round } from './stats.ts';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU of one phase, ms, and the cores it kept busy (CPU ÷ wall time). */
export interface PhaseCpu {
  readonly workersMs: number;
  readonly generatorMs: number;
  readonly serverMs: number;
  /** Cores the workers, the generator and the server kept busy. */
  readonly cores: number;
  /** Cores the whole machine kept busy: the difference was other processes' (other helpers). */
  readonly machineCores: number;
}

/** Everything measured at one instant. */
export interface Mark {
  readonly at: number;
  readonly workersCpuMs: number;
  readonly generatorCpuMs: number;
  readonly serverCpuMs: number;
  readonly machineBusyMs: number;
  readonly workerQueries: number;
  readonly generatorQueries: number;
  readonly runs: number;
  /** Change → start of the runs since the previous mark. */
  readonly latenciesMs: readonly number[];
}

export interface DrainResult {
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
  /**
   * What the system's active sessions waited on, sampled every 100 ms; a
   * lock wait is keyed with the start of the statement that waits.
   */
  readonly waits: Readonly<Record<string, number>>;
  /** `[ms since the start, jobs pending]` every 50 ms or so. */
  readonly curve: readonly (readonly [number, number])[];
}

export interface SessionOptions {
  readonly system: SystemName;
  readonly processes: number;
  readonly keys: number;
  readonly adminUrl: string;
  readonly database: string;
  readonly serverCpu: ServerCpu | undefined;
  readonly generatorConcurrency: number;
  readonly settleTimeoutMs: number;
  readonly drainTimeoutMs: number;
  readonly profileDir: string | undefined;
}

const WAITS_SQL = `SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU')
    || CASE WHEN wait_event_type = 'Lock'
      THEN ' ← ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 70) ELSE '' END AS wait,
    count(*) AS n
  FROM pg_stat_activity
  WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
  GROUP BY 1`;

export class TrialSession {
  readonly options: SessionOptions;
  readonly generator: BenchChild<GeneratorCommand>;
  readonly workers: readonly BenchChild<WorkerCommand>[];
  readonly loadAverageAtStart: readonly number[];
  readonly #probe: pg.Client;
  readonly #pendingSql: string;

  private constructor(
    options: SessionOptions,
    generator: BenchChild<GeneratorCommand>,
    workers: BenchChild<WorkerCommand>[],
    probe: pg.Client,
  ) {
    this.options = options;
    this.generator = generator;
    this.workers = workers;
    this.#probe = probe;
    this.#pendingSql = BENCH_SYSTEMS[options.system].pendingSql;
    this.loadAverageAtStart = os.loadavg().map((load) => round(load));
  }

  /** Creates the database, starts the generator and the workers, sets the keys up. */
  static async open(options: SessionOptions): Promise<TrialSession> {
    const admin = new pg.Client({ connectionString: options.adminUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${options.database} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${options.database}`);
    } finally {
      await admin.end();
    }
    const url = new URL(options.adminUrl);
    url.pathname = `/${options.database}`;
    const env = (index: number): ChildEnv => ({
      BENCH_PG_SYSTEM: options.system,
      BENCH_PG_URL: url.toString(),
      BENCH_PG_INDEX: String(index),
    });
    const generator = new BenchChild<GeneratorCommand>('generator', 'generator.ts', env(0));
    const workers: BenchChild<WorkerCommand>[] = [];
    const probe = new pg.Client({ connectionString: url.toString() });
    const session = new TrialSession(options, generator, workers, probe);
    try {
      // The generator creates the schema (taskport, graphile-worker and pg-boss all
      // migrate on first use); the workers start once it is there.
      await generator.ready();
      for (let index = 0; index < options.processes; index += 1) {
        const flags =
          options.profileDir !== undefined && index === 0
            ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir]
            : [];
        workers.push(new BenchChild(`worker ${index}`, 'worker.ts', env(index), flags));
      }
      await Promise.all([
        generator.request({ cmd: 'setup', keys: options.keys }),
        ...workers.map((worker) => worker.ready()),
      ]);
      await probe.connect();
      return session;
    } catch (error) {
      await session.close();
      throw error;
    }
  }

  async pending(): Promise<number> {
    const { rows } = await this.#probe.query<{ pending: string }>(this.#pendingSql);
    return Number(rows[0]?.pending ?? 0);
  }

  /** Resolves with the ms it took until nothing is pending, or undefined at the timeout. */
  async settle(): Promise<number | undefined> {
    const started = performance.now();
    while (performance.now() - started < this.options.settleTimeoutMs) {
      if ((await this.pending()) === 0) return performance.now() - started;
      await sleep(20);
    }
    return undefined;
  }

  start(): Promise<unknown> {
    return Promise.all(this.workers.map((worker) => worker.request({ cmd: 'start' })));
  }

  stop(): Promise<unknown> {
    return Promise.all(this.workers.map((worker) => worker.request({ cmd: 'stop' })));
  }

  async mark(): Promise<Mark> {
    // The children answer within a few ms: the machine's and the server's CPU
    // and the time are read before and after, and averaged, to match them.
    const before = this.#local();
    const [taken, own] = await Promise.all([
      Promise.all(this.workers.map((w) => w.request<WorkerSnapshot>({ cmd: 'snapshot' }))),
      this.generator.request<CpuSnapshot>({ cmd: 'snapshot' }),
    ]);
    const sum = (pick: (snapshot: WorkerSnapshot) => number) =>
      taken.reduce((total, snapshot) => total + pick(snapshot), 0);
    const after = this.#local();
    return {
      at: (before.at + after.at) / 2,
      workersCpuMs: sum((snapshot) => snapshot.cpuMs),
      generatorCpuMs: own.cpuMs,
      serverCpuMs: (before.server + after.server) / 2,
      machineBusyMs: (before.machine + after.machine) / 2,
      workerQueries: sum((snapshot) => snapshot.queries),
      generatorQueries: own.queries,
      runs: sum((snapshot) => snapshot.runs),
      latenciesMs: taken.flatMap((snapshot) => snapshot.latenciesMs),
    };
  }

  #local(): { at: number; server: number; machine: number } {
    return {
      at: performance.now(),
      server: this.options.serverCpu?.cpuMs() ?? Number.NaN,
      machine: machineBusyMs(),
    };
  }

  /**
   * One change per key with the workers stopped; once every key's job is
   * due, all workers start at once, and the drain lasts until the system's
   * tables show nothing pending. The workers are left running.
   */
  async drain(): Promise<DrainResult> {
    const prefill = await this.generator.request<GeneratorReport>({
      cmd: 'prefill',
      keys: this.options.keys,
      concurrency: this.options.generatorConcurrency,
    });
    // Every key's job is due once the longest debounce (200 ms) has passed.
    await sleep(250);
    const jobs = await this.pending();
    const from = await this.mark();
    const waits: Record<string, number> = {};
    const curve: [number, number][] = [];
    let completed = false;
    let lastWaitSample = 0;
    await this.start();
    while (performance.now() - from.at < this.options.drainTimeoutMs) {
      const left = await this.pending();
      const at = performance.now() - from.at;
      if (curve.length === 0 || at - (curve.at(-1) as [number, number])[0] >= 50)
        curve.push([Math.round(at), left]);
      if (left === 0) {
        completed = true;
        break;
      }
      if (performance.now() - lastWaitSample >= 100) {
        lastWaitSample = performance.now();
        const { rows } = await this.#probe.query<{ wait: string; n: string }>(WAITS_SQL);
        for (const row of rows) waits[row.wait] = (waits[row.wait] ?? 0) + Number(row.n);
      }
      await sleep(10);
    }
    const end = performance.now();
    const to = await this.mark();
    const seconds = (end - from.at) / 1000;
    const cpu = cpuBetween(from, to);
    return {
      jobs,
      runsSeen: to.runs - from.runs,
      seconds: round(seconds),
      runsPerSec: round(jobs / seconds),
      completed,
      prefillTriggersPerSec: round(prefill.accepted / (prefill.elapsedMs / 1000)),
      workerCpuMsPerRun: round(cpu.workersMs / jobs),
      serverCpuMsPerRun: round(cpu.serverMs / jobs),
      workerQueriesPerRun: round((to.workerQueries - from.workerQueries) / jobs),
      cpu,
      waits,
      curve,
    };
  }

  /** Stops every child and drops the database. */
  async close(): Promise<void> {
    await this.#probe.end().catch(() => {});
    await Promise.all(
      [this.generator, ...this.workers].map((child) => child.exit().catch(() => child.kill())),
    );
    const admin = new pg.Client({ connectionString: this.options.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${this.options.database} WITH (FORCE)`);
    await admin.end();
  }
}

export function cpuBetween(from: Mark, to: Mark): PhaseCpu {
  const workersMs = to.workersCpuMs - from.workersCpuMs;
  const generatorMs = to.generatorCpuMs - from.generatorCpuMs;
  const serverMs = to.serverCpuMs - from.serverCpuMs;
  return {
    workersMs: round(workersMs),
    generatorMs: round(generatorMs),
    serverMs: round(serverMs),
    cores: round((workersMs + generatorMs + serverMs) / (to.at - from.at)),
    machineCores: round((to.machineBusyMs - from.machineBusyMs) / (to.at - from.at)),
  };
}
