/**
 * Who may use the control API (issue #14, item 3), through a listening fake:
 * Host names other than loopback and the listening host are refused (DNS
 * rebinding), so are browser requests from another origin and bodies that
 * are not JSON (CSRF), and an optional control token is required when set.
 * Refused requests change nothing; the dialects' routes are not affected.
 */

import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../src/testing/control-guard.ts';
import {
  exposedHostWarning,
  hostNotAllowedMessage,
  MESSAGE_CROSS_ORIGIN,
  MESSAGE_TOKEN_REQUIRED,
  mediaTypeMessage,
} from '../../src/testing/control-messages.ts';
import {
  type FakeServer,
  type FakeServerOptions,
  startFakeServer,
} from '../../src/testing/fake-server.ts';

interface Raw {
  readonly status: number;
  readonly body: string;
}

/** One request with headers exactly as given (fetch would set Host itself). */
function raw(
  fake: FakeServer,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: fake.port,
        method,
        path,
        setHost: false,
        headers: {
          host: `127.0.0.1:${fake.port}`,
          ...headers,
          ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const refused = (status: number, message: string): Raw => ({
  status,
  body: JSON.stringify({ error: message }),
});

const JSON_TYPE = { 'content-type': 'application/json' };
const KEPT = { name: 'kept', module: 'm', condition: { services: { names: ['api'] } } };
const TASK = JSON.stringify({ cts: { tasks: [KEPT] } });

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function started(options: FakeServerOptions = {}): Promise<FakeServer> {
  fake = await startFakeServer({ clock: 'virtual', dialects: ['cts', 'ona'], ...options });
  return fake;
}

async function taskNames(server: FakeServer): Promise<string[]> {
  const list = await raw(server, 'GET', '/v1/tasks');
  return (JSON.parse(list.body) as { tasks: { name: string }[] }).tasks.map((task) => task.name);
}

describe('the Host header of control requests', () => {
  it.each(['localhost', '127.0.0.1', '127.1.2.3', '[::1]'])(
    '%s with the listening port is answered',
    async (name) => {
      const server = await started();
      const result = await raw(server, 'GET', '/_taskport/clock', {
        host: `${name}:${server.port}`,
      });
      expect(result.status, result.body).toBe(200);
    },
  );

  it.each([
    ['a name the attacker points at 127.0.0.1', 'rebind.example'],
    ['a loopback name on another port', '127.0.0.1:1'],
    ['a loopback name without a port (80)', 'localhost'],
    ['a lookalike', '127.0.0.1.evil.example'],
  ])('%s → 403; the journal and the tasks stay', async (_what, host) => {
    const server = await started();
    expect((await raw(server, 'POST', '/_taskport/seed', JSON_TYPE, TASK)).status).toBe(200);
    const fullHost = host.includes(':') || host === 'localhost' ? host : `${host}:${server.port}`;
    expect(await raw(server, 'GET', '/_taskport/journal', { host: fullHost })).toEqual(
      refused(403, hostNotAllowedMessage(fullHost)),
    );
    expect(await raw(server, 'POST', '/_taskport/reset', { host: fullHost })).toEqual(
      refused(403, hostNotAllowedMessage(fullHost)),
    );
    expect(await taskNames(server)).toEqual(['kept']);
  });

  it('the dialects answer any Host', async () => {
    const server = await started();
    const result = await raw(server, 'GET', '/v1/health', { host: 'cts.example:8558' });
    expect(result).toEqual({ status: 200, body: '{}\n' });
  });

  it('allowedHosts adds names, with any port; true allows any Host', async () => {
    const server = await started({ allowedHosts: ['fake.internal'] });
    expect((await raw(server, 'GET', '/_taskport/clock', { host: 'fake.internal' })).status).toBe(
      200,
    );
    expect((await raw(server, 'GET', '/_taskport/clock', { host: 'other.internal' })).status).toBe(
      403,
    );
    await server.close();
    const open = await started({ allowedHosts: true });
    expect((await raw(open, 'GET', '/_taskport/clock', { host: 'anything:1' })).status).toBe(200);
  });
});

describe('browser requests from another origin', () => {
  it.each([
    ['Origin of another site', { origin: 'http://evil.example' }],
    ['Origin of another port', { origin: 'http://127.0.0.1:1' }],
    ['Origin null', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('%s → 403; nothing is reset', async (_what, headers) => {
    const server = await started();
    await raw(server, 'POST', '/_taskport/seed', JSON_TYPE, TASK);
    expect(await raw(server, 'POST', '/_taskport/reset', headers)).toEqual(
      refused(403, MESSAGE_CROSS_ORIGIN),
    );
    expect(await taskNames(server)).toEqual(['kept']);
  });

  it('a same-origin page is answered', async () => {
    const server = await started();
    const result = await raw(server, 'GET', '/_taskport/clock', {
      origin: `http://127.0.0.1:${server.port}`,
      'sec-fetch-site': 'same-origin',
    });
    expect(result.status).toBe(200);
  });
});

describe('the media type of control bodies', () => {
  it.each([
    'text/plain',
    'text/plain; charset=utf-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
  ])('%s → 415, nothing seeded', async (type) => {
    const server = await started();
    expect(await raw(server, 'POST', '/_taskport/seed', { 'content-type': type }, TASK)).toEqual(
      refused(415, mediaTypeMessage(type.split(';')[0] as string)),
    );
    expect(await taskNames(server)).toEqual([]);
  });

  it('a body without a Content-Type → 415; an empty POST without one is fine', async () => {
    const server = await started();
    expect(await raw(server, 'POST', '/_taskport/seed', {}, TASK)).toEqual(
      refused(415, mediaTypeMessage(null)),
    );
    expect((await raw(server, 'POST', '/_taskport/reset')).status).toBe(200);
    expect((await raw(server, 'POST', '/_taskport/seed', JSON_TYPE, TASK)).status).toBe(200);
    expect(
      (
        await raw(
          server,
          'POST',
          '/_taskport/seed',
          { 'content-type': 'application/vnd.x+json' },
          '{}',
        )
      ).status,
    ).toBe(200);
  });

  it('a KV value takes any type; an automations file YAML or JSON', async () => {
    const server = await started();
    const kv = await raw(
      server,
      'PUT',
      '/_taskport/cts/kv/k',
      { 'content-type': 'text/plain' },
      'v',
    );
    expect(kv.status).toBe(200);
    const created = await raw(server, 'POST', '/_taskport/ona/environments', JSON_TYPE, '{}');
    const id = (JSON.parse(created.body) as { environment: { id: string } }).environment.id;
    const yaml = 'tasks:\n  boot:\n    name: Boot\n    command: ./boot\n';
    const path = `/_taskport/ona/environments/${id}/automations`;
    expect(
      (await raw(server, 'POST', path, { 'content-type': 'application/yaml' }, yaml)).status,
    ).toBe(200);
    expect(await raw(server, 'POST', path, { 'content-type': 'text/plain' }, yaml)).toEqual(
      refused(415, mediaTypeMessage('text/plain')),
    );
  });
});

describe('the control token', () => {
  it('when set, control requests need it as a bearer token or X-Taskport-Token', async () => {
    const server = await started({ controlToken: 's3cret' });
    // Created through the dialect, which needs no control token.
    const created = await raw(
      server,
      'POST',
      '/v1/tasks',
      JSON_TYPE,
      JSON.stringify({ task: KEPT }),
    );
    expect(created.status).toBe(201);
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer wrong' },
      { 'x-taskport-token': 's3cre' },
    ]) {
      expect(await raw(server, 'POST', '/_taskport/reset', headers)).toEqual(
        refused(401, MESSAGE_TOKEN_REQUIRED),
      );
    }
    expect(await taskNames(server)).toEqual(['kept']);
    expect(
      (await raw(server, 'GET', '/_taskport/clock', { authorization: 'Bearer s3cret' })).status,
    ).toBe(200);
    expect(
      (await raw(server, 'GET', '/_taskport/clock', { 'x-taskport-token': 's3cret' })).status,
    ).toBe(200);
  });
});

describe('listening beyond loopback', () => {
  it('taskport serve warns for a host other than loopback', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('::')).toBe(false);
    expect(exposedHostWarning('0.0.0.0')).toMatch(
      /^taskport: warning: listening on 0\.0\.0\.0: .*--control-token/,
    );
  });
});
