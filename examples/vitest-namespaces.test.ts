/**
 * `taskport/vitest`: every test gets a namespace of its own on one fake
 * server, with its control client and its (virtual) clock, deleted after
 * the test. Tests may run at once: none sees another's tasks or time.
 * Without TASKPORT_URL, each vitest worker starts a fake of its own.
 *
 * Run: npx vitest run examples/vitest-namespaces.test.ts (with taskport installed)
 */

import { test } from 'taskport/vitest';
import { describe, expect } from 'vitest';

const TASK = (name: string) =>
  JSON.stringify({
    task: { name, module: './web', condition: { services: { names: ['api'] } } },
  });

describe.concurrent('two tests at once, apart', () => {
  for (const name of ['blue', 'green']) {
    test(`${name} runs after its buffer period`, async ({ namespace, control, clock }) => {
      // A client under test takes `namespace.url` as its base URL.
      const created = await fetch(`${namespace.url}/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: TASK(name),
      });
      expect(created.status).toBe(201);

      await control.request('POST', '/cts/services', { name: 'api', address: '10.0.0.7' });
      await clock.advance(5_000); // CTS's default buffer period
      await control.whenIdle();

      const response = await fetch(`${namespace.url}/v1/status/tasks`);
      const status = (await response.json()) as Record<string, { status: string }>;
      expect(Object.keys(status)).toEqual([name]); // only this test's task
      expect(status[name]?.status).toBe('successful');
      expect(await control.calls({ method: 'POST', path: '/v1/tasks' })).toHaveLength(1);
    });
  }
});
