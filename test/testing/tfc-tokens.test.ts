/**
 * tfc tokens and resets as an outside suite meets them over HTTP: a token
 * granted another organization keeps the ones it had, tokens given at
 * start-up (option or `--tfc-token`) survive a reset, and a reset rewinds
 * the virtual clock to its start.
 */

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import { http, json, parse } from '../contract/http.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The status of listing `organization`'s run tasks with `token` (200, 401, or 404 unseen). */
async function listTasks(url: string, token: string, organization: string): Promise<number> {
  const result = await http(url, 'GET', `/api/v2/organizations/${organization}/tasks`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return result.status;
}

async function control<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const result = await http(url, method, `/_taskport${path}`, body === undefined ? {} : json(body));
  return { status: result.status, body: parse<T>(result) };
}

describe('tfc tokens', () => {
  it('POST /tfc/tokens/:token/organizations adds organizations and keeps the old ones', async () => {
    fake = await startFakeServer({ dialects: ['tfc'] });
    const { url } = fake;
    await control(url, 'POST', '/tfc/organizations', { name: 'a' });
    await control(url, 'POST', '/tfc/organizations', { name: 'b' });
    await control(url, 'POST', '/tfc/tokens', { token: 'tok', organizations: ['a'] });
    expect(await listTasks(url, 'tok', 'b')).toBe(404);

    expect(
      await control(url, 'POST', '/tfc/tokens/tok/organizations', { organizations: ['b'] }),
    ).toEqual({ status: 200, body: { token: { token: 'tok', organizations: ['a', 'b'] } } });
    expect(await listTasks(url, 'tok', 'a')).toBe(200);
    expect(await listTasks(url, 'tok', 'b')).toBe(200);
    expect((await control(url, 'GET', '/tfc/tokens')).body).toEqual({
      tokens: [{ token: 'tok', organizations: ['a', 'b'] }],
    });
  });

  it('refuses an unknown token (404) and a bad list (400), changing nothing', async () => {
    fake = await startFakeServer({ dialects: ['tfc'] });
    const { url } = fake;
    await control(url, 'POST', '/tfc/tokens', { token: 'tok', organizations: ['a'] });
    const unknown = await control(url, 'POST', '/tfc/tokens/nope/organizations', {
      organizations: ['a'],
    });
    expect(unknown.status).toBe(404);
    const bad = await control(url, 'POST', '/tfc/tokens/tok/organizations', {
      organizations: 'a',
    });
    expect(bad.status).toBe(400);
    expect((await control(url, 'GET', '/tfc/tokens')).body).toEqual({
      tokens: [{ token: 'tok', organizations: ['a'] }],
    });
  });

  it('tokens given at start-up survive a reset; tokens created later do not', async () => {
    fake = await startFakeServer({
      dialects: ['tfc'],
      tfc: { tokens: [{ token: 'ci-token' }, { token: 'acme-only', organizations: ['acme'] }] },
    });
    const { url } = fake;
    await control(url, 'POST', '/tfc/tokens', { token: 'later' });
    await control(url, 'POST', '/reset');
    await control(url, 'POST', '/tfc/organizations', { name: 'acme' });
    expect(await listTasks(url, 'ci-token', 'acme')).toBe(200);
    expect(await listTasks(url, 'acme-only', 'acme')).toBe(200);
    expect(await listTasks(url, 'later', 'acme')).toBe(401);
  });

  it('a bad start-up token is a TypeError at start', async () => {
    await expect(
      startFakeServer({ dialects: ['tfc'], tfc: { tokens: [{ token: '' }] } }),
    ).rejects.toThrow(TypeError);
  });
});

describe('reset and the clock', () => {
  it('rewinds a virtual clock to its start', async () => {
    fake = await startFakeServer({ clock: 'virtual', dialects: ['tfc'] });
    const { url } = fake;
    const start = (await control<{ nowMs: number }>(url, 'GET', '/clock')).body.nowMs;
    await control(url, 'POST', '/clock/advance', { ms: 3_600_000 });
    await control(url, 'POST', '/reset');
    expect((await control<{ nowMs: number }>(url, 'GET', '/clock')).body.nowMs).toBe(start);
    // A new world's records read the start time again.
    const created = await control<{ organization: { createdAtMs: number } }>(
      url,
      'POST',
      '/tfc/organizations',
      { name: 'acme' },
    );
    expect(created.body.organization.createdAtMs).toBe(start);
  });
});

describe('taskport serve --tfc-token', () => {
  it('serves the token from the start and after a reset', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--tfc-token', 'cli-token'],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`the CLI exited (${code}): ${stdout}`)));
      });
      await control(url, 'POST', '/reset');
      await control(url, 'POST', '/tfc/organizations', { name: 'acme' });
      expect(await listTasks(url, 'cli-token', 'acme')).toBe(200);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
