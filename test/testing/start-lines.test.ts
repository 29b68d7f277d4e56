/**
 * `taskport serve` (what `npm start` runs) says where things are: a URL for
 * each dialect, the control API and the dashboard, each with a curl line
 * that works as printed.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startLines } from '../../src/testing/start-lines.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Words of a shell line as our examples write them: 'single', "double" quotes, $VARS. */
function shellWords(line: string, env: Readonly<Record<string, string>>): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    const word =
      match[1] ??
      (match[2] ?? match[3] ?? '').replace(/\$(\w+)/g, (_, name: string) => env[name] ?? '');
    words.push(word);
  }
  return words;
}

/** Sends what a curl line of ours asks for: -X, -H, -d, -N, one URL. */
async function curl(line: string, env: Readonly<Record<string, string>> = {}): Promise<Response> {
  const [command, ...args] = shellWords(line, env);
  expect(command).toBe('curl');
  const headers = new Headers();
  let method: string | undefined;
  let body: string | undefined;
  let url: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-X') method = args[++i];
    else if (arg === '-H') {
      const header = args[++i] as string;
      const colon = header.indexOf(':');
      headers.set(header.slice(0, colon).trim(), header.slice(colon + 1).trim());
    } else if (arg === '-d') body = args[++i];
    else if (arg === '-N') continue;
    else url = arg;
  }
  return fetch(url as string, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
}

function serve(args: readonly string[], env: Readonly<Record<string, string>> = {}): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', ...args],
    {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Bounded: the process is killed if the test forgets it.
      timeout: 30_000,
    },
  );
}

/** The CLI's stdout up to the dashboard's example line. */
function startUpText(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/snapshot\/stream\n/.test(stdout)) resolve(stdout);
    });
    child.once('exit', (code) => reject(new Error(`the CLI exited (${code}): ${stdout}`)));
  });
}

describe('taskport serve, at start-up', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('prints each dialect, the control API and the dashboard with a URL and a curl line that answers 2xx', async () => {
    const child = serve([]);
    children.push(child);
    const text = await startUpText(child);
    const url = /^taskport fake server listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(
      text,
    )?.[1] as string;
    expect(url).toBeDefined();
    const lines = text.split('\n').slice(1, -1);
    // Two lines for each: the label and URL, then the example.
    expect(
      lines.filter((_, i) => i % 2 === 0).map((line) => line.trim().split(/\s+/).slice(0, 2)),
    ).toEqual([
      ['cts', `${url}/v1`],
      ['tfc', `${url}/api/v2`],
      ['ona', `${url}/api/gitpod.v1.EnvironmentAutomationService`],
      ['control', `${url}/_taskport`],
      ['dashboard', `${url}/_taskport/ui`],
    ]);
    const examples = lines.filter((_, i) => i % 2 === 1).map((line) => line.trim());
    expect(examples.every((example) => example.startsWith('curl '))).toBe(true);
    for (const example of examples) {
      const response = await curl(example);
      expect([example, response.ok]).toEqual([example, true]);
      await response.body?.cancel();
    }
    expect((await fetch(`${url}/_taskport/ui`)).headers.get('content-type')).toBe(
      'text/html; charset=utf-8',
    );
    child.kill('SIGTERM');
  }, 30_000);

  it('with a control token, sends it from the environment in the examples and never prints it', async () => {
    const child = serve([], { TASKPORT_CONTROL_TOKEN: 'sekret-42' });
    children.push(child);
    const text = await startUpText(child);
    expect(text).not.toContain('sekret-42');
    const control = text.split('\n').find((line) => line.includes('/_taskport/clock')) as string;
    expect((await curl(control.trim())).status).toBe(401);
    expect((await curl(control.trim(), { TASKPORT_CONTROL_TOKEN: 'sekret-42' })).status).toBe(200);
    expect(text).toContain('/_taskport/ui#token=<the control token>');
    child.kill('SIGTERM');
  }, 30_000);
});

describe('startLines', () => {
  it('lists only the served dialects', () => {
    const text = startLines('http://h:1', { dialects: ['tfc'], tokenRequired: false });
    expect(text).toContain('  tfc        http://h:1/api/v2\n');
    expect(text).not.toMatch(/^ {2}(cts|ona) /m);
    expect(text).toContain('  control    http://h:1/_taskport\n');
  });
});
