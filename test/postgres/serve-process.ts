/**
 * `taskport serve` as a real child process, for the tests that restart it
 * or kill it: started from src/cli.ts with tsx, its URL (and, with
 * `--cts-ha`, its CTS address) read from its stdout. Every child is
 * SIGKILLed by {@link killServes} (call it in afterEach) and on the test
 * process's exit.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** Generous: a start compiles the CLI with tsx on a shared machine. */
const START_TIMEOUT_MS = 20_000;

const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

/** One running `taskport serve`. */
export interface ServeProcess {
  readonly child: ChildProcess;
  /** The fake's base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with how it exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `taskport serve --port 0 <args>` and resolves once it listens. */
export async function startServe(args: readonly string[]): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', ...args],
    // Bounded: the process is killed if a test forgets it.
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
  );
  alive.add(child);
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      alive.delete(child);
      resolve({ code, signal });
    });
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`taskport serve did not listen within ${START_TIMEOUT_MS} ms: ${output}`));
    }, START_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(output)?.[1];
      if (found !== undefined) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`taskport serve exited (${code ?? signal}) before listening: ${output}`));
    });
  });
  return { child, url, output: () => output, exited };
}

/** SIGKILLs every child still running and waits for each to exit. */
export async function killServes(): Promise<void> {
  const children = [...alive];
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once('exit', () => resolve());
        }),
    ),
  );
}

/** SIGKILLs one process (no chance to flush anything) and waits for it to exit. */
export async function killHard(serve: ServeProcess): Promise<void> {
  serve.child.kill('SIGKILL');
  await serve.exited;
}
