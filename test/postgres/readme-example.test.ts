/**
 * The README's "Running on several processes" example, run as written in two
 * processes at once on one database: it must work when pasted.
 */

import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { useTestDatabase } from '../support/postgres.ts';

const db = useTestDatabase();
const root = join(import.meta.dirname, '../..');

async function readmeExample(): Promise<string> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Running on several processes'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (match?.[1] === undefined) throw new Error('no example in the README section');
  return match[1];
}

function runNode(
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

it('runs in two processes at once: both finish, the task ran, and both read its health', async () => {
  // Inside the package (not under node_modules), so `import 'taskport'`
  // resolves to this package's own build, as a consumer's import would.
  const dir = join(root, '.readme-example');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `example-${process.pid}.mjs`);
  await writeFile(file, await readmeExample());
  const env = { DATABASE_URL: db().url };
  const [first, second] = await Promise.all([runNode(file, env), runNode(file, env)]).finally(() =>
    rm(file, { force: true }),
  );
  expect(first.code, first.out).toBe(0);
  expect(second.code, second.out).toBe(0);
  expect(first.out + second.out).toMatch(/runs web/);
  expect(first.out).toContain('web is successful');
  expect(second.out).toContain('web is successful');
}, 30_000);
