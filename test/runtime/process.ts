/**
 * Child processes for the runtime and package suites, each bounded in time:
 * `run()` for a command that finishes, `startServer()` for one that prints
 * its URL and serves until it is stopped. Every child leads its own process
 * group, so a timeout or a stop also ends what it started (npm's scripts, a
 * launcher's runtime).
 */

import { type ChildProcess, spawn } from 'node:child_process';

/** What a finished command did. */
export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Options of {@link run} and {@link startServer}. */
export interface ProcessOptions {
  readonly cwd: string;
  /** Added to (or, as `undefined`, removed from) the environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The command is killed after this long. */
  readonly timeoutMs: number;
}

/** Output kept per stream, so a chatty child cannot exhaust memory. */
const OUTPUT_LIMIT = 8 * 1024 * 1024;

function environment(extra: ProcessOptions['env'] = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  // The parent's `npm run` leaves its own settings behind; a nested npm or
  // vitest must see only the project it runs in.
  for (const key of Object.keys(env)) {
    if (/^npm_(config|package|lifecycle)_/i.test(key) && !(key in extra)) delete env[key];
  }
  delete env.FORCE_COLOR;
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  delete env.NODE_OPTIONS;
  return env;
}

/** Kills a child and everything in its process group. */
export function killTree(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function append(buffer: string, chunk: Buffer): string {
  return buffer.length >= OUTPUT_LIMIT ? buffer : buffer + chunk.toString('utf8');
}

/** Runs a command to its end, or kills it at `timeoutMs` and rejects with its output. */
export function run(
  command: string,
  args: readonly string[],
  options: ProcessOptions,
): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: environment(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout = append(stdout, chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = append(stderr, chunk);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child);
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Math.round(performance.now() - started);
      if (timedOut) {
        reject(
          new Error(
            `${command} ${args.join(' ')} did not finish within ${options.timeoutMs} ms\n${stdout}\n${stderr}`,
          ),
        );
        return;
      }
      resolve({ code, signal, stdout, stderr, ms });
    });
  });
}

/** Runs a command and rejects unless it exits 0. */
export async function runOk(
  command: string,
  args: readonly string[],
  options: ProcessOptions,
): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.code ?? result.signal} in ${options.cwd}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

/** A server started by {@link startServer}. */
export interface ServerProcess {
  /** The URL the server printed, without a trailing slash. */
  readonly url: string;
  /** Everything it printed so far. */
  output(): string;
  /** How it ended; `undefined` while it runs. */
  exit(): { readonly code: number | null; readonly signal: NodeJS.Signals | null } | undefined;
  /** SIGTERM, then SIGKILL to the group after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of {@link startServer}. */
export interface ServerOptions extends ProcessOptions {
  /** The first match's group 1 is the URL. */
  readonly urlPattern?: RegExp;
}

const LISTENING = /listening on (https?:\/\/\S+)/;

/**
 * Spawns a server and resolves with the URL it prints (`listening on URL`),
 * or kills it and rejects if it exits or stays silent for `timeoutMs`.
 */
export function startServer(
  command: string,
  args: readonly string[],
  options: ServerOptions,
): Promise<ServerProcess> {
  const pattern = options.urlPattern ?? LISTENING;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: environment(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let settled = false;
    let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exited = new Promise<void>((done) =>
      child.once('close', (code, signal) => {
        ended = { code, signal };
        done();
      }),
    );
    const output = (): string => `--- stdout\n${stdout}\n--- stderr\n${stderr}`;
    const stop = async (graceMs = 3_000): Promise<void> => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killTree(child, 'SIGTERM');
      const timer = setTimeout(() => killTree(child), graceMs);
      await exited;
      clearTimeout(timer);
    };
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killTree(child);
      reject(new Error(`${command} ${args.join(' ')}: ${message}\n${output()}`));
    };
    const timer = setTimeout(
      () => fail(`printed no URL within ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdout = append(stdout, chunk);
      const match = pattern.exec(stdout);
      if (match?.[1] !== undefined && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ url: match[1].replace(/\/$/, ''), output, stop, exit: () => ended });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = append(stderr, chunk);
    });
    child.once('error', (error) => fail(error.message));
    child.once('close', (code, signal) =>
      fail(`exited with ${code ?? signal} before printing a URL`),
    );
  });
}
