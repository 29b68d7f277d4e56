/**
 * Namespaces over HTTP on a real listening fake: a request picks its world
 * by `x-taskport-namespace` or `/ns/<name>/`, worlds share nothing (tasks,
 * clock, journal, organizations), the control API creates, lists and
 * deletes them, bad names and the limit get their documented answers and
 * lose nothing, and the links the dialects build keep the prefix.
 */

import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import {
  invalidNamespaceNameMessage,
  MESSAGE_DEFAULT_NOT_DELETABLE,
  namespaceConflictMessage,
  namespaceLimitMessage,
} from '../../src/testing/namespace-messages.ts';
import { type RunTaskService, startRunTaskService } from '../fixtures/tfc/run-task-service.ts';

let fake: FakeServer;

beforeEach(async () => {
  fake = await startFakeServer({ clock: 'virtual', maxNamespaces: 4 });
});
afterEach(async () => {
  await fake.close();
});

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

async function call(
  method: string,
  path: string,
  options: { body?: unknown; namespace?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.namespace !== undefined) headers['x-taskport-namespace'] = options.namespace;
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, body };
}

const task = (name: string) => ({
  task: { name, module: 'm', condition: { services: { names: ['api'] } } },
});

function taskNames(answer: Answer): string[] {
  return (answer.body as { tasks: { name: string }[] }).tasks.map((t) => t.name).sort();
}

describe('selecting a namespace', () => {
  it('by header and by prefix reach the same world; the default sees neither', async () => {
    expect(
      (await call('POST', '/v1/tasks', { body: task('by-header'), namespace: 'a' })).status,
    ).toBe(201);
    expect((await call('POST', '/ns/a/v1/tasks', { body: task('by-prefix') })).status).toBe(201);
    expect((await call('POST', '/ns/b/v1/tasks', { body: task('other') })).status).toBe(201);

    expect(taskNames(await call('GET', '/ns/a/v1/tasks'))).toEqual(['by-header', 'by-prefix']);
    expect(taskNames(await call('GET', '/v1/tasks', { namespace: 'a' }))).toEqual([
      'by-header',
      'by-prefix',
    ]);
    expect(taskNames(await call('GET', '/ns/b/v1/tasks'))).toEqual(['other']);
    expect(taskNames(await call('GET', '/v1/tasks'))).toEqual([]);
    expect(taskNames(await call('GET', '/ns/default/v1/tasks'))).toEqual([]);
  });

  it('each namespace has its own clock and journal, seen under its own paths', async () => {
    await call('POST', '/ns/a/_taskport/clock/advance', { body: { ms: 60_000 } });
    const clockA = (await call('GET', '/ns/a/_taskport/clock')).body as { nowMs: number };
    const clockDefault = (await call('GET', '/_taskport/clock')).body as { nowMs: number };
    expect(clockA.nowMs - clockDefault.nowMs).toBeGreaterThanOrEqual(59_000);

    await call('GET', '/ns/a/v1/tasks');
    const journalA = (await call('GET', '/ns/a/_taskport/journal')).body as {
      calls: { path: string }[];
    };
    // The prefix is off the journal's paths, as off the dialect's.
    expect(journalA.calls.map((entry) => entry.path)).toEqual([
      '/_taskport/clock/advance',
      '/_taskport/clock',
      '/v1/tasks',
    ]);
    const journalDefault = (await call('GET', '/_taskport/journal')).body as {
      calls: { path: string }[];
    };
    expect(journalDefault.calls.map((entry) => entry.path)).toEqual(['/_taskport/clock']);
    expect(fake.control.calls().map((entry) => entry.path)).toEqual([
      '/_taskport/clock',
      '/_taskport/journal',
    ]);
  });

  it('tfc organizations and ona environments are per namespace too', async () => {
    await call('POST', '/ns/a/_taskport/tfc/organizations', { body: { name: 'acme' } });
    const environment = (await call('POST', '/ns/a/_taskport/ona/environments', { body: {} }))
      .body as { environment: { id: string } };
    const list = (path: string) =>
      call('GET', path).then((answer) => answer.body as Record<string, unknown[]>);
    expect((await list('/ns/a/_taskport/ona/environments')).environments).toHaveLength(1);
    expect((await list('/_taskport/ona/environments')).environments).toEqual([]);
    expect((await list('/ns/b/_taskport/ona/environments')).environments).toEqual([]);
    expect(fake.namespaces.get('a')?.control.ona.environments()[0]?.id).toBe(
      environment.environment.id,
    );
    expect(fake.control.tfcFake.state.organizations.has('acme')).toBe(false);
    expect(fake.namespaces.get('a')?.control.tfcFake.state.organizations.has('acme')).toBe(true);
  });

  it('a reset of a namespace resets it alone', async () => {
    await call('POST', '/v1/tasks', { body: task('kept') });
    await call('POST', '/ns/a/v1/tasks', { body: task('gone') });
    await call('POST', '/ns/b/v1/tasks', { body: task('kept-too') });
    expect((await call('POST', '/ns/a/_taskport/reset')).status).toBe(200);
    expect(taskNames(await call('GET', '/ns/a/v1/tasks'))).toEqual([]);
    expect(taskNames(await call('GET', '/ns/b/v1/tasks'))).toEqual(['kept-too']);
    expect(taskNames(await call('GET', '/v1/tasks'))).toEqual(['kept']);
    // Reset keeps it listed.
    const listed = (await call('GET', '/_taskport/namespaces')).body as {
      namespaces: { name: string }[];
    };
    expect(listed.namespaces.map((namespace) => namespace.name)).toEqual(['default', 'a', 'b']);
  });

  it('a streamed (chunked) body reaches the namespace and its journal whole', async () => {
    const body = JSON.stringify(task('streamed'));
    const bytes = new TextEncoder().encode(body);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 10));
        controller.enqueue(bytes.subarray(10));
        controller.close();
      },
    });
    const response = await fetch(`${fake.url}/ns/a/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(201);
    expect(taskNames(await call('GET', '/ns/a/v1/tasks'))).toEqual(['streamed']);
    const entry = fake.namespaces.get('a')?.control.calls({ method: 'POST' })[0];
    expect(entry?.body).toBe(body);
  });

  it('the header and the prefix must agree', async () => {
    const answer = await call('GET', '/ns/a/v1/tasks', { namespace: 'b' });
    expect(answer).toEqual({ status: 400, body: { error: namespaceConflictMessage('b', 'a') } });
    expect(taskNames(await call('GET', '/ns/a/v1/tasks', { namespace: 'a' }))).toEqual([]);
  });
});

describe('the namespaces control API', () => {
  it('PUT creates (201) with options, again is 200, other options 409; GET lists; DELETE removes', async () => {
    const created = await call('PUT', '/_taskport/namespaces/team-a', {
      body: { clock: 'virtual', startMs: 0 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'team-a',
      clock: 'virtual',
      nowMs: 0,
      durable: false,
      options: { clock: 'virtual', startMs: 0 },
    });
    expect((await call('GET', '/ns/team-a/_taskport/clock')).body).toMatchObject({ nowMs: 0 });
    const again = await call('PUT', '/_taskport/namespaces/team-a', {
      body: { clock: 'virtual', startMs: 0 },
    });
    expect(again.status).toBe(200);
    expect((await call('PUT', '/_taskport/namespaces/team-a', { body: {} })).status).toBe(409);

    const list = (await call('GET', '/_taskport/namespaces')).body as {
      namespaces: { name: string; durable: boolean }[];
      maxNamespaces: number;
    };
    expect(list.namespaces.map((namespace) => namespace.name)).toEqual(['default', 'team-a']);
    expect(list.maxNamespaces).toBe(4);
    // The same list from inside a namespace (a dashboard's view of one).
    expect((await call('GET', '/ns/team-a/_taskport/namespaces')).body).toEqual(list);

    expect((await call('DELETE', '/_taskport/namespaces/team-a')).status).toBe(200);
    expect((await call('GET', '/_taskport/namespaces/team-a')).status).toBe(404);
    expect((await call('DELETE', '/_taskport/namespaces/team-a')).status).toBe(404);
    expect(await call('DELETE', '/_taskport/namespaces/default')).toEqual({
      status: 409,
      body: { error: MESSAGE_DEFAULT_NOT_DELETABLE },
    });
  });

  it('listing from an unknown namespace creates none', async () => {
    await call('GET', '/ns/ghost/_taskport/namespaces');
    await call('GET', '/_taskport/namespaces', { namespace: 'ghost2' });
    expect(fake.namespaces.all().map((namespace) => namespace.name)).toEqual(['default']);
  });

  it('refuses unknown options with a 400', async () => {
    const answer = await call('PUT', '/_taskport/namespaces/x', { body: { colour: 'red' } });
    expect(answer.status).toBe(400);
    expect(fake.namespaces.get('x')).toBeUndefined();
  });

  it('DELETE /_taskport/namespaces removes all but the default', async () => {
    await call('GET', '/ns/a/v1/tasks');
    await call('GET', '/ns/b/v1/tasks');
    await call('POST', '/v1/tasks', { body: task('kept') });
    expect((await call('DELETE', '/_taskport/namespaces')).body).toEqual({ deleted: ['a', 'b'] });
    expect(fake.namespaces.all().map((namespace) => namespace.name)).toEqual(['default']);
    expect(taskNames(await call('GET', '/v1/tasks'))).toEqual(['kept']);
  });
});

describe('bad names and the limit', () => {
  it.each([
    ['Team-A', '/ns/Team-A/v1/tasks'],
    ['-a', '/ns/-a/v1/tasks'],
    ['', '/ns//v1/tasks'],
    ['a.b', '/ns/a.b/v1/tasks'],
    ['x'.repeat(64), `/ns/${'x'.repeat(64)}/v1/tasks`],
  ])('%j is a 400 that names the rule', async (name, path) => {
    expect(await call('GET', path)).toEqual({
      status: 400,
      body: { error: invalidNamespaceNameMessage(name) },
    });
    expect(await call('GET', '/v1/tasks', { namespace: name })).toEqual({
      status: 400,
      body: { error: invalidNamespaceNameMessage(name) },
    });
    expect((await call('PUT', `/_taskport/namespaces/${name}`, { body: {} })).status).toBe(
      name === '' ? 404 : 400,
    );
    expect(fake.namespaces.all()).toHaveLength(1);
  });

  it('past maxNamespaces, first use and PUT answer 409 and nothing else changes', async () => {
    for (const name of ['n1', 'n2', 'n3', 'n4']) {
      expect((await call('POST', `/ns/${name}/v1/tasks`, { body: task(name) })).status).toBe(201);
    }
    const limit = { status: 409, body: { error: namespaceLimitMessage(4) } };
    expect(await call('POST', '/ns/n5/v1/tasks', { body: task('n5') })).toEqual(limit);
    expect(await call('GET', '/v1/tasks', { namespace: 'n5' })).toEqual(limit);
    expect(await call('PUT', '/_taskport/namespaces/n5', { body: {} })).toEqual(limit);
    for (const name of ['n1', 'n2', 'n3', 'n4']) {
      expect(taskNames(await call('GET', `/ns/${name}/v1/tasks`))).toEqual([name]);
    }
    // Deleting one frees its place.
    await call('DELETE', '/_taskport/namespaces/n1');
    expect((await call('POST', '/ns/n5/v1/tasks', { body: task('n5') })).status).toBe(201);
  });

  it('a control request the guard refuses creates no namespace', async () => {
    const response = await fetch(`${fake.url}/ns/evil/_taskport/reset`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
    expect(fake.namespaces.get('evil')).toBeUndefined();
  });
});

describe('links under a prefix', () => {
  let service: RunTaskService;
  beforeEach(async () => {
    service = await startRunTaskService();
  });
  afterEach(async () => {
    await service.close();
  });

  /** An organization and a token in `base`'s namespace (by prefix or header). */
  async function tfcWorld(prefix: string, namespace?: string): Promise<string> {
    await call('POST', `${prefix}/_taskport/tfc/organizations`, {
      body: { name: 'acme' },
      namespace,
    });
    const token = (await call('POST', `${prefix}/_taskport/tfc/tokens`, { body: {}, namespace }))
      .body as { token: string };
    return token.token;
  }

  async function tfc(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    namespace?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/vnd.api+json',
    };
    if (namespace !== undefined) headers['x-taskport-namespace'] = namespace;
    const response = await fetch(`${fake.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const taskBody = (url: string) => ({
    data: { type: 'tasks', attributes: { name: 'checker', url, category: 'task' } },
  });

  it('tfc: resource and page links carry the prefix; callback URLs always do', async () => {
    service.script('checker', {});
    const token = await tfcWorld('/ns/team-a');
    const created = await tfc(
      'POST',
      '/ns/team-a/api/v2/organizations/acme/tasks',
      token,
      taskBody(service.taskUrl('checker')),
    );
    expect(created.status).toBe(201);
    const id = (created.body.data as { id: string }).id;
    expect((created.body.data as { links: { self: string } }).links.self).toBe(
      `/ns/team-a/api/v2/tasks/${id}`,
    );
    const list = await tfc('GET', '/ns/team-a/api/v2/organizations/acme/tasks', token);
    const links = list.body.links as Record<string, string | null>;
    expect(links.self).toBe(
      `${fake.url}/ns/team-a/api/v2/organizations/acme/tasks?page%5Bnumber%5D=1&page%5Bsize%5D=20`,
    );
    expect(links.first?.startsWith(`${fake.url}/ns/team-a/api/v2/`)).toBe(true);
    // The verification request's callback URL leads back into the namespace.
    const callback = String(service.received[0]?.payload.task_result_callback_url);
    expect(callback.startsWith(`${fake.url}/ns/team-a/api/v2/task-results/`)).toBe(true);

    // Service discovery under the prefix points at the prefixed API.
    const discovery = await fetch(`${fake.url}/ns/team-a/.well-known/terraform.json`);
    expect(await discovery.json()).toMatchObject({ 'tfe.v2': '/ns/team-a/api/v2/' });
    // The default namespace answers as before.
    const root = await fetch(`${fake.url}/.well-known/terraform.json`);
    expect(await root.json()).toMatchObject({ 'tfe.v2': '/api/v2/' });
  });

  it('tfc by header: links as at the root, but callback URLs carry the prefix', async () => {
    service.script('checker', {});
    const token = await tfcWorld('', 'team-b');
    const created = await tfc(
      'POST',
      '/api/v2/organizations/acme/tasks',
      token,
      taskBody(service.taskUrl('checker')),
      'team-b',
    );
    expect(created.status).toBe(201);
    const id = (created.body.data as { id: string }).id;
    expect((created.body.data as { links: { self: string } }).links.self).toBe(
      `/api/v2/tasks/${id}`,
    );
    const callback = String(service.received[0]?.payload.task_result_callback_url);
    expect(callback.startsWith(`${fake.url}/ns/team-b/api/v2/task-results/`)).toBe(true);
    // The organization lives in team-b only.
    expect((await tfc('GET', '/api/v2/organizations/acme', token)).status).toBe(401);
  });

  it('cts: a status events_url carries the prefix', async () => {
    await call('POST', '/ns/a/v1/tasks?run=now', { body: task('web') });
    const status = (await call('GET', '/ns/a/v1/status/tasks/web')).body as Record<
      string,
      { events_url: string }
    >;
    expect(status.web?.events_url).toBe('/ns/a/v1/status/tasks/web?include=events');
    const byHeader = (await call('GET', '/v1/status/tasks/web', { namespace: 'a' })).body as Record<
      string,
      { events_url: string }
    >;
    expect(byHeader.web?.events_url).toBe('/v1/status/tasks/web?include=events');
  });
});

describe('taskport serve --max-namespaces', () => {
  const REPO = fileURLToPath(new URL('../..', import.meta.url));

  it('bounds the namespaces; a bad value stops the CLI with a message', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--max-namespaces', '1'],
      // Bounded: the process is killed if the test fails before it stops it.
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`the CLI exited (${code}): ${stdout}`)));
      });
      const put = (name: string) =>
        fetch(`${url}/_taskport/namespaces/${name}`, { method: 'PUT' }).then((r) => r.status);
      expect(await put('a')).toBe(201);
      expect(await put('b')).toBe(409);
    } finally {
      child.kill();
    }

    const bad = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--max-namespaces', 'lots'],
      { cwd: REPO, encoding: 'utf8', timeout: 30_000 },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(
      'taskport: --max-namespaces must be a non-negative integer, got lots\n',
    );
  }, 60_000);
});
