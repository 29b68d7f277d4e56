/**
 * `taskport/msw`: an app with a fixed base URL, its requests intercepted by
 * msw and answered by the fake in-process. Nothing leaves the process:
 * a request no handler takes is an error.
 */

import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { taskportHandlers } from '../../src/msw/index.ts';
import { createFakeApp } from '../../src/testing/fake-app.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const CTS = 'http://cts.internal:8558';
const json = { 'content-type': 'application/json' };
const task = (name: string) =>
  JSON.stringify({ task: { name, module: 'm', condition: { services: { names: ['api'] } } } });

describe('taskportHandlers', () => {
  it('answers a CTS client at its fixed address from the fake, time on the virtual clock', async () => {
    const fake = taskportHandlers({ baseUrl: CTS, fake: { dialects: ['cts'] } });
    server.use(...fake.handlers);
    const created = await fetch(`${CTS}/v1/tasks`, {
      method: 'POST',
      headers: json,
      body: task('web'),
    });
    expect(created.status).toBe(201);
    fake.control.cts.registerService({ name: 'api' });
    await fake.control.advance(5_000);
    await fake.control.whenIdle();
    const status = (await (await fetch(`${CTS}/v1/status/tasks/web`)).json()) as Record<
      string,
      { status: string }
    >;
    expect(status.web?.status).toBe('successful');
    expect(fake.control.calls({ method: 'POST', path: '/v1/tasks' })).toHaveLength(1);
    await fake.control.close();
  });

  it('answers TFC at https://app.terraform.io, with the links of the real API', async () => {
    const fake = taskportHandlers({
      baseUrl: 'https://app.terraform.io',
      fake: { dialects: ['tfc'] },
    });
    server.use(...fake.handlers);
    fake.control.tfc.createOrganization({ name: 'acme' });
    const token = fake.control.tfc.createToken();
    const response = await fetch('https://app.terraform.io/api/v2/organizations/acme', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const document = (await response.json()) as { data: { links: { self: string } } };
    expect(document.data.links.self).toBe('/api/v2/organizations/acme');
    await fake.control.close();
  });

  it('takes a base URL path off before the fake sees it', async () => {
    const fake = taskportHandlers({
      baseUrl: 'http://gateway.internal/consul/',
      fake: { dialects: ['cts'] },
    });
    server.use(...fake.handlers);
    const created = await fetch('http://gateway.internal/consul/v1/tasks', {
      method: 'POST',
      headers: json,
      body: task('web'),
    });
    expect(created.status).toBe(201);
    expect(fake.control.calls().map((entry) => entry.path)).toEqual(['/v1/tasks']);
    await fake.control.close();
  });

  it('answers in a namespace of a shared fake: the default sees nothing of it', async () => {
    const app = createFakeApp({ clock: 'virtual', dialects: ['cts'] });
    const fake = taskportHandlers({ baseUrl: CTS, app, namespace: 'case-1' });
    server.use(...fake.handlers);
    const created = await fetch(`${CTS}/v1/tasks`, {
      method: 'POST',
      headers: json,
      body: task('web'),
    });
    expect(created.status).toBe(201);
    expect(fake.control).toBe(app.namespaces.get('case-1')?.control);
    expect(fake.control.calls({ path: '/v1/tasks' })).toHaveLength(1);
    expect(app.control.calls()).toEqual([]);
    await app.namespaces.close();
    await app.control.close();
  });

  it('refuses a base URL that is not absolute http(s)', () => {
    expect(() => taskportHandlers({ baseUrl: 'cts.internal' })).toThrow(
      'Expected `baseUrl` to be an absolute http(s) URL, got cts.internal',
    );
  });
});
