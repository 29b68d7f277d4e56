/**
 * The dashboard's routes over HTTP: the snapshot (per dialect: tasks with
 * health, events, executions with steps, buffer windows; the clock; the
 * journal with its bodies), its event stream, and the page with its CSP,
 * behind the control guard.
 */

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE_PATH, clientBundleModule } from '../../scripts/build-ui.mjs';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import { parseEvents } from '../../src/testing/ui/client/stream.ts';
import { CLIENT_SCRIPT, CLIENT_STYLE } from '../../src/testing/ui/client-bundle.ts';
import type { FakeSnapshot } from '../../src/testing/ui/snapshot.ts';
import { SNAPSHOT_BODY_LIMIT } from '../../src/testing/ui/snapshot.ts';

const WEB_TASK = {
  name: 'web',
  module: 'org/mod/aws',
  condition: { services: { names: ['api'] } },
  buffer_period: { enabled: true, min: '5s', max: '20s' },
};

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function post(
  server: FakeServer,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function snapshot(server: FakeServer): Promise<FakeSnapshot> {
  const response = await fetch(`${server.url}/_taskport/snapshot`);
  expect(response.status).toBe(200);
  return (await response.json()) as FakeSnapshot;
}

function dialect(snap: FakeSnapshot, name: string) {
  const found = snap.dialects.find((d) => d.name === name);
  if (found === undefined) throw new Error(`no ${name} in the snapshot`);
  return found;
}

describe('GET /_taskport/snapshot', () => {
  it('shows a cts task, its open window with fire time and deadline, then its execution, event and health', async () => {
    fake = await startFakeServer({ clock: 'virtual' });
    const t0 = fake.control.now();
    expect((await post(fake, '/v1/tasks', { task: WEB_TASK })).status).toBe(201);
    await post(fake, '/_taskport/cts/services', { name: 'api' });
    let cts = dialect(await snapshot(fake), 'cts');
    expect(cts.tasks).toEqual([
      {
        id: 'web',
        name: 'web',
        scope: 'cts',
        enabled: true,
        health: 'unknown',
        bufferPeriod: { minMs: 5_000, maxMs: 20_000 },
        triggers: ['change'],
      },
    ]);
    expect(cts.windows).toEqual([
      { taskId: 'web', taskName: 'web', fireAtMs: t0 + 5_000, deadlineMs: t0 + 20_000 },
    ]);
    expect(cts.executions).toEqual([]);

    fake.control.cts.script(
      'web',
      { success: false, error: 'boom' },
      { success: false },
      { success: false },
    );
    await fake.control.advance(5_000);
    await fake.control.whenIdle();
    const snap = await snapshot(fake);
    cts = dialect(snap, 'cts');
    expect(snap.clock.controlsTime).toBe(true);
    expect(snap.clock.nowMs).toBe(fake.control.now());
    expect(cts.windows).toEqual([]);
    expect(cts.tasks[0]?.health).toBe('errored');
    expect(cts.executions).toHaveLength(1);
    expect(cts.executions[0]).toMatchObject({
      taskName: 'web',
      phase: 'failed',
      finished: true,
      trigger: 'change',
      startedAtMs: t0 + 5_000,
    });
    expect(cts.executions[0]?.steps[0]).toMatchObject({ name: 'web', phase: 'failed' });
    expect(cts.events).toMatchObject([{ taskName: 'web', success: false, trigger: 'change' }]);
    expect(cts.pendingOutcomes).toEqual({});
  });

  it('shows ona tasks and their executions with steps, and tfc runs as executions', async () => {
    fake = await startFakeServer({ clock: 'virtual' });
    const environment = fake.control.ona.createEnvironment();
    await fake.control.ona.seedAutomations(
      environment.id,
      'tasks:\n  boot:\n    name: Boot\n    command: ./boot\n    triggeredBy: [postEnvironmentStart]\n',
    );
    await fake.control.ona.fireTrigger(environment.id, 'postEnvironmentStart');
    await fake.control.whenIdle();
    const ona = dialect(await snapshot(fake), 'ona');
    expect(ona.tasks).toMatchObject([
      { name: 'Boot', scope: environment.id, health: 'successful' },
    ]);
    expect(ona.executions).toMatchObject([
      { taskName: 'Boot', phase: 'succeeded', finished: true },
    ]);
    expect(ona.executions[0]?.steps.length).toBeGreaterThan(0);

    fake.control.tfc.createOrganization({ name: 'acme' });
    const workspace = fake.control.tfc.createWorkspace({ organization: 'acme', name: 'ws' });
    const run = fake.control.tfc.startRun({ workspaceId: workspace.id });
    const tfc = dialect(await snapshot(fake), 'tfc');
    expect(tfc.executions).toMatchObject([{ id: run.id, taskId: workspace.id }]);
    expect(tfc.taskCount).toBe(0);
  });

  it('shows the newest journal entries first with their bodies, cut past the limit', async () => {
    fake = await startFakeServer({ clock: 'virtual' });
    const long = `"${'x'.repeat(SNAPSHOT_BODY_LIMIT + 10)}"`;
    await post(fake, '/v1/tasks', '<script>alert(1)</script>');
    await post(fake, '/v1/tasks', long);
    const { journal } = await snapshot(fake);
    expect(journal.count).toBe(2);
    expect(journal.entries.map((entry) => [entry.seq, entry.body.length, entry.bodyCut])).toEqual([
      [2, SNAPSHOT_BODY_LIMIT, true],
      [1, '<script>alert(1)</script>'.length, false],
    ]);
    expect(journal.entries[1]).toMatchObject({ method: 'POST', path: '/v1/tasks', dialect: 'cts' });
  });
});

describe('GET /_taskport/snapshot/stream', () => {
  it('sends a snapshot at once, and a new one after a request lands', async () => {
    fake = await startFakeServer({ clock: 'virtual' });
    const abort = new AbortController();
    const response = await fetch(`${fake.url}/_taskport/snapshot/stream`, { signal: abort.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    if (response.body === null) throw new Error('no body');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const pending: string[] = [];
    let buffer = '';
    const next = async (): Promise<FakeSnapshot> => {
      while (pending.length === 0) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        const { data, rest } = parseEvents(buffer + value);
        buffer = rest;
        pending.push(...data);
      }
      return JSON.parse(pending.shift() as string) as FakeSnapshot;
    };
    const first = await next();
    // The stream's own request is journaled once.
    expect(first.journal.entries.map((entry) => entry.path)).toEqual([
      '/_taskport/snapshot/stream',
    ]);
    await post(fake, '/v1/tasks', { task: WEB_TASK });
    const second = await next();
    expect(dialect(second, 'cts').tasks.map((task) => task.name)).toEqual(['web']);
    abort.abort();
  });
});

describe('parseEvents', () => {
  it('splits complete events and keeps the rest', () => {
    expect(parseEvents('event: snapshot\ndata: {"a":1}\n\nevent: snapshot\ndata: {"b"')).toEqual({
      data: ['{"a":1}'],
      rest: 'event: snapshot\ndata: {"b"',
    });
  });
});

describe('GET /_taskport/ui', () => {
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

  it('is one page with its script and style inline, allowed by hash and by nothing else', async () => {
    fake = await startFakeServer();
    const response = await fetch(`${fake.url}/_taskport/ui`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`<script>${CLIENT_SCRIPT}</script>`);
    expect(html).toContain(`<style>${CLIENT_STYLE}</style>`);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`script-src 'sha256-${sha256(CLIENT_SCRIPT)}'`);
    expect(csp).toContain(`style-src 'sha256-${sha256(CLIENT_STYLE)}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    // Small: the page is under 32 KiB.
    expect(html.length).toBeLessThan(32 * 1024);
  });

  it('needs no control token, but the data behind it does; another Host or a cross-site Origin gets nothing', async () => {
    fake = await startFakeServer({ controlToken: 'sekret' });
    expect((await fetch(`${fake.url}/_taskport/ui`)).status).toBe(200);
    expect((await fetch(`${fake.url}/_taskport/snapshot`)).status).toBe(401);
    expect((await fetch(`${fake.url}/_taskport/snapshot/stream`)).status).toBe(401);
    const withToken = await fetch(`${fake.url}/_taskport/snapshot`, {
      headers: { 'x-taskport-token': 'sekret' },
    });
    expect(withToken.status).toBe(200);
    // A POST to the page's path is not the page: it needs the token.
    expect((await post(fake, '/_taskport/ui', {})).status).toBe(401);
    const { request } = await import('node:http');
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${fake?.url}/_taskport/ui`, { headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.once('error', reject);
        req.end();
      });
    expect(await status({ host: 'evil.example' })).toBe(403);
    expect(await status({ 'sec-fetch-site': 'cross-site' })).toBe(403);
  });
});

describe('client-bundle.ts', () => {
  it('is what scripts/build-ui.mjs builds from src/testing/ui/client now (npm run build:ui)', async () => {
    expect(await readFile(BUNDLE_PATH, 'utf8')).toBe(await clientBundleModule());
  });
});
