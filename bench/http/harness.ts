/**
 * What the HTTP and start-up benches share: server child processes pinned
 * to a core, statistics over measured pairs, the machine's description and
 * the results file.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage, ServerSpec } from './server-child.ts';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = dirname(BENCH_DIR);
const CHILD = join(BENCH_DIR, 'http', 'server-child.ts');

// ─── cores ──────────────────────────────────────────────────────────────────

function which(command: string): string | undefined {
  try {
    return execFileSync('which', [command], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const TASKSET = which('taskset');
const CORES = os.availableParallelism();
/** Servers run on core 0, the load generator (this process) on core 1, when there are two. */
export const SERVER_CORE = 0;
export const CLIENT_CORE = CORES > 1 ? 1 : 0;

/** Pins this process (the load generator) to {@link CLIENT_CORE}; returns whether it could. */
export function pinSelf(): boolean {
  if (TASKSET === undefined || CORES < 2) return false;
  try {
    execFileSync(TASKSET, ['-a', '-cp', String(CLIENT_CORE), String(process.pid)], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

/** `command args` run on the server core when taskset exists. */
export function pinned(command: string, args: readonly string[]): [string, string[]] {
  if (TASKSET === undefined || CORES < 2) return [command, [...args]];
  return [TASKSET, ['-c', String(SERVER_CORE), command, ...args]];
}

// ─── server children ────────────────────────────────────────────────────────

/** A server child process. */
export interface ServerHandle {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** CPU time the server process has used so far, µs (user + system). */
  cpuMicros(): Promise<number>;
  /** Starts V8's CPU profiler in the server, sampling every `intervalUs`. */
  profileStart(intervalUs: number): Promise<void>;
  /** Stops it and has the server write the `.cpuprofile` to `path`. */
  profileStop(path: string): Promise<void>;
  /** Asks the child to exit (writing its --cpu-prof profile), killing it after 10 s. */
  close(): Promise<void>;
}

/** Starts `spec` in a child process on the server core. */
export async function startServer(
  spec: ServerSpec,
  options: { execArgv?: readonly string[] } = {},
): Promise<ServerHandle> {
  const [command, args] = pinned(process.execPath, [
    '--import',
    'tsx',
    ...(options.execArgv ?? []),
    CHILD,
  ]);
  const child = spawn(command, args, {
    cwd: REPO_DIR,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting: ((message: ChildMessage) => void)[] = [];
  child.on('message', (message: ChildMessage) => waiting.shift()?.(message));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = (message: ParentMessage, timeoutMs = 60_000): Promise<ChildMessage> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server child: no answer to ${message.type}`)),
        timeoutMs,
      );
      waiting.push((answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      child.send(message);
    });
  const ready = await ask({ type: 'start', spec });
  if (ready.type !== 'ready') {
    child.kill();
    throw new Error(
      `server child (${spec.kind}) failed: ${ready.type === 'failed' ? ready.message : ready.type}`,
    );
  }
  return {
    port: ready.port,
    url: `http://127.0.0.1:${ready.port}`,
    child,
    async cpuMicros() {
      const answer = await ask({ type: 'cpu' });
      if (answer.type !== 'cpu') throw new Error('server child: unexpected answer');
      return answer.user + answer.system;
    },
    async profileStart(intervalUs) {
      const answer = await ask({ type: 'profile-start', intervalUs });
      if (answer.type !== 'profiling')
        throw new Error(`server child: profiler: ${JSON.stringify(answer)}`);
    },
    async profileStop(path) {
      const answer = await ask({ type: 'profile-stop', path });
      if (answer.type !== 'profiled')
        throw new Error(`server child: profiler: ${JSON.stringify(answer)}`);
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'exit' } satisfies ParentMessage);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ─── statistics ─────────────────────────────────────────────────────────────

/** Median and range of some samples. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function spread(values: readonly number[]): Spread {
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    n: values.length,
  };
}

/** Rounds for JSON and tables. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** Math.max(0, digits - Math.ceil(Math.log10(Math.abs(value) + 1e-12)));
  return Math.round(value * scale) / scale;
}

export function roundSpread(value: Spread, digits = 3): Spread {
  return {
    median: round(value.median, digits),
    min: round(value.min, digits),
    max: round(value.max, digits),
    n: value.n,
  };
}

/** `median (min–max)`. */
export function formatSpread(value: Spread, digits = 3): string {
  const f = (x: number): string => String(round(x, digits));
  return `${f(value.median)} (${f(value.min)}–${f(value.max)})`;
}

// ─── machine and results ────────────────────────────────────────────────────

/** The machine the numbers were taken on. */
export function machine(): Record<string, unknown> {
  // `nproc --all`: plain `nproc` would report this (pinned) process's affinity.
  let nproc: number | string = CORES;
  try {
    nproc = Number(execFileSync('nproc', ['--all'], { encoding: 'utf8' }).trim());
  } catch {}
  const load = os.loadavg();
  return {
    nproc,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    totalMemGiB: round(os.totalmem() / 2 ** 30, 3),
    loadAverageAtStart: load.map((value) => round(value, 3)),
    taskset: TASKSET !== undefined && CORES > 1,
    serverCore: SERVER_CORE,
    clientCore: CLIENT_CORE,
  };
}

/** Today as YYYY-MM-DD (BENCH_DATE overrides). */
export function today(): string {
  return process.env.BENCH_DATE ?? new Date().toISOString().slice(0, 10);
}

/** Merges `section` into bench/results/http-<date>.json under `key`; returns the path. */
export function writeResults(key: string, section: unknown): string {
  const path = join(BENCH_DIR, 'results', `http-${today()}.json`);
  mkdirSync(dirname(path), { recursive: true });
  const existing: Record<string, unknown> = existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)
    : {};
  existing[key] = section;
  writeFileSync(path, `${JSON.stringify(existing, null, 2)}\n`);
  return path;
}
