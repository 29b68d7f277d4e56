/**
 * One trial of the PostgreSQL bench: one system with N worker processes and
 * one load generator, on a database of its own created for the trial, in
 * four phases (see bench/README.md, "PostgreSQL"):
 *
 * 1. first drain: one change per key before any worker started; then all
 *    workers start at once: runs per second of every key's first run;
 * 2. paced: changes at a fixed rate well under every system's capacity, each
 *    key changed once at most: change → run start latency;
 * 3. flat out: the generator announces as fast as it can while the workers
 *    run (and at least once per key, so that every key has run before 4):
 *    triggers accepted per second, and the runs meanwhile;
 * 4. drain: the same as 1 with the workers stopped and started again, every
 *    key having run before: runs per second in the steady state, the figure
 *    the targets are about.
 *
 * CPU and statements are read per phase for every worker, the generator and
 * the server.
 */

import type { GeneratorReport } from './protocol.ts';
import type { ServerCpu } from './server-cpu.ts';
import type { SystemName } from './settings.ts';
import { quantile, round } from './stats.ts';
import {
  cpuBetween,
  type DrainResult,
  type Mark,
  type PhaseCpu,
  sleep,
  TrialSession,
} from './trial-session.ts';

export interface TrialConfig {
  /** Keys (taskport tasks); a drain runs one job per key. */
  readonly keys: number;
  readonly pacedPerSecond: number;
  readonly pacedMs: number;
  readonly flatMs: number;
  /** Changes in flight during the flat-out phase and the prefills. */
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
  readonly firstDrain: DrainResult;
  readonly paced: {
    readonly triggersPerSec: number;
    readonly accepted: number;
    readonly scheduled: number;
    readonly failed: number;
    readonly runs: number;
    /** Statements the workers sent per run: at a low rate, their idle looks count too. */
    readonly workerQueriesPerRun: number;
    readonly latencyMs: Latency;
    readonly cpu: PhaseCpu;
  };
  readonly flat: {
    readonly triggersPerSec: number;
    readonly runsPerSec: number;
    readonly accepted: number;
    /** Of those, the ones that made or moved a pending job (pg-boss drops the rest). */
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
  readonly drain: DrainResult;
}

function latency(values: readonly number[]): Latency {
  return {
    p50: round(quantile(values, 0.5)),
    p99: round(quantile(values, 0.99)),
    n: values.length,
  };
}

const perSecond = (report: GeneratorReport) => round(report.accepted / (report.elapsedMs / 1000));

export async function runTrial(
  system: SystemName,
  processes: number,
  config: TrialConfig,
  context: TrialContext,
): Promise<TrialResult> {
  const setupStarted = performance.now();
  const session = await TrialSession.open({
    system,
    processes,
    keys: config.keys,
    adminUrl: context.adminUrl,
    database: `bench_r${context.round}_${system.replace('-', '_')}_${processes}`,
    serverCpu: context.serverCpu,
    generatorConcurrency: config.generatorConcurrency,
    settleTimeoutMs: config.settleTimeoutMs,
    drainTimeoutMs: config.drainTimeoutMs,
    profileDir: config.profileDir,
  });
  try {
    const setupMs = round(performance.now() - setupStarted);
    const { generator } = session;

    // ─── 1. first drain: every key's first run ───────────────────────────
    const firstDrain = await session.drain();

    // ─── 2. paced: latency ───────────────────────────────────────────────
    await sleep(300);
    const pacedFrom = await session.mark();
    const paced = await generator.request<GeneratorReport>({
      cmd: 'paced',
      keys: config.keys,
      perSecond: config.pacedPerSecond,
      durationMs: config.pacedMs,
    });
    await session.settle();
    const pacedTo = await session.mark();

    // ─── 3. flat out: triggers per second ────────────────────────────────
    const flatFrom: Mark = await session.mark();
    const flat = await generator.request<GeneratorReport>({
      cmd: 'flat',
      keys: config.keys,
      concurrency: config.generatorConcurrency,
      durationMs: config.flatMs,
      minCount: config.keys,
    });
    const flatTo = await session.mark();
    const settledAfterMs = await session.settle();
    const flatRuns = flatTo.runs - flatFrom.runs;

    // ─── 4. drain: runs per second, steady state ─────────────────────────
    await session.stop();
    await session.settle();
    // pg-boss's debounce slots are whole seconds: a key changed in the current
    // slot would get a job in the next one, not due at once. Let the slot pass.
    await sleep(1_100);
    const drain = await session.drain();

    return {
      system,
      processes,
      round: context.round,
      loadAverageAtStart: session.loadAverageAtStart,
      setupMs,
      firstDrain,
      paced: {
        triggersPerSec: perSecond(paced),
        accepted: paced.accepted,
        scheduled: paced.scheduled,
        failed: paced.failed,
        runs: pacedTo.runs - pacedFrom.runs,
        workerQueriesPerRun: round(
          (pacedTo.workerQueries - pacedFrom.workerQueries) / (pacedTo.runs - pacedFrom.runs),
        ),
        latencyMs: latency(pacedTo.latenciesMs),
        cpu: cpuBetween(pacedFrom, pacedTo),
      },
      flat: {
        triggersPerSec: perSecond(flat),
        runsPerSec: round(flatRuns / ((flatTo.at - flatFrom.at) / 1000)),
        accepted: flat.accepted,
        scheduled: flat.scheduled,
        failed: flat.failed,
        ...(flat.firstError === undefined ? {} : { firstError: flat.firstError }),
        latencyMs: latency(flatTo.latenciesMs),
        generatorCpuMsPerTrigger: round(
          (flatTo.generatorCpuMs - flatFrom.generatorCpuMs) / flat.accepted,
        ),
        generatorQueriesPerTrigger: round(
          (flatTo.generatorQueries - flatFrom.generatorQueries) / flat.accepted,
        ),
        workerQueriesPerRun: round((flatTo.workerQueries - flatFrom.workerQueries) / flatRuns),
        cpu: cpuBetween(flatFrom, flatTo),
        settledAfterMs: settledAfterMs === undefined ? undefined : round(settledAfterMs),
      },
      drain,
    };
  } finally {
    await session.close();
  }
}
