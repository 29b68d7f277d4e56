/**
 * `taskport/msw`: an app whose base URL is fixed (here a CTS daemon at
 * http://cts.internal:8558) talks to the fake in-process: msw intercepts
 * its requests and the fake answers them. No port, no network.
 *
 * Run: npx vitest run examples/msw-handlers.test.ts (with taskport and msw installed)
 */

import { setupServer } from 'msw/node';
import { taskportHandlers } from 'taskport/msw';
import { afterAll, beforeAll, expect, test } from 'vitest';

const CTS = 'http://cts.internal:8558';
const fake = taskportHandlers({ baseUrl: CTS, fake: { dialects: ['cts'] } });
const server = setupServer(...fake.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(async () => {
  server.close();
  await fake.control.close();
});

test('the app creates a task; the fake runs it once the catalog changes', async () => {
  const created = await fetch(`${CTS}/v1/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      task: { name: 'web', module: './web', condition: { services: { names: ['api'] } } },
    }),
  });
  expect(created.status).toBe(201);

  // The fake's control, in-process: the simulated Consul and virtual time.
  fake.control.cts.registerService({ name: 'api', address: '10.0.0.7', port: 8080 });
  await fake.control.advance(5_000);
  await fake.control.whenIdle();

  const status = await (await fetch(`${CTS}/v1/status/tasks/web`)).json();
  expect(status).toMatchObject({ web: { status: 'successful' } });
});
