/**
 * Time from spawning a server to its first 200: shared by bench:startup and
 * the Prism comparison.
 */

import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { pinned, REPO_DIR } from '../http/harness.ts';

/** Give up on one start after this long. */
export const START_TIMEOUT_MS = 30_000;

/** One GET; resolves with the status, or 0 when the connection fails. */
export function getStatus(url: string, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** Polls `url` until it answers 200; returns when it did. */
export async function waitFor200(url: string, deadline: number): Promise<void> {
  for (;;) {
    if ((await getStatus(url)) === 200) return;
    if (performance.now() > deadline) throw new Error(`no 200 from ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Spawns a server command, waits for its first 200 on `path`; returns ms from spawn to that 200. */
export async function timeToFirstAnswer(
  command: string,
  args: readonly string[],
  urlOf: (stdout: string) => string | undefined,
  path: string,
  options: { cwd?: string } = {},
): Promise<{ ms: number; listeningMs: number }> {
  const [bin, argv] = pinned(command, args);
  const started = performance.now();
  const deadline = started + START_TIMEOUT_MS;
  const child = spawn(bin, argv, {
    cwd: options.cwd ?? REPO_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    let output = '';
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no URL from ${command} ${args.join(' ')}: ${output}`)),
        START_TIMEOUT_MS,
      );
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        const url = urlOf(output);
        if (url !== undefined) {
          clearTimeout(timer);
          resolve(url);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${command} exited (${code}): ${output}`));
      });
    });
    const listeningMs = performance.now() - started;
    await waitFor200(`${base}${path}`, deadline);
    return { ms: performance.now() - started, listeningMs };
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
