/**
 * The fake server in a vitest suite of your own: it listens on a free port of
 * 127.0.0.1 and `await using` closes it when the test ends. Time is virtual:
 * it moves only when the test says so.
 *
 * Run: npx vitest run examples/vitest-fake.test.ts (with taskport installed)
 */

import { startFakeServer } from 'taskport/testing';
import { expect, test } from 'vitest';

interface TaskStatus {
  readonly status: string;
  readonly events: readonly { readonly success: boolean }[];
}

test('a CTS task runs once the catalog changes and its buffer period passes', async () => {
  await using fake = await startFakeServer({ clock: 'virtual', dialects: ['cts'] });

  const created = await fetch(`${fake.url}/v1/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      task: { name: 'web', module: './web', condition: { services: { names: ['api'] } } },
    }),
  });
  expect(created.status).toBe(201);

  fake.control.cts.registerService({ name: 'api', address: '10.0.0.7', port: 8080 });
  await fake.control.advance(5_000); // CTS's default buffer period
  await fake.control.whenIdle();

  const response = await fetch(`${fake.url}/v1/status/tasks/web?include=events`);
  const status = (await response.json()) as Record<string, TaskStatus>;
  expect(status.web?.status).toBe('successful');
  expect(status.web?.events.map((event) => event.success)).toEqual([true]);
  expect(fake.control.calls({ method: 'POST', path: '/v1/tasks' })).toHaveLength(1);
});
