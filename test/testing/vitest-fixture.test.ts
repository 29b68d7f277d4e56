/**
 * `taskport/vitest` against a real listening fake: each test gets a
 * namespace of its own (tests running at once see only their own tasks and
 * clock), its control client and clock work over HTTP, and the namespace
 * is gone after the test.
 */

import { afterAll, describe, expect } from 'vitest';
import { startFakeServer } from '../../src/testing/fake-server.ts';
import { createTaskportTest } from '../../src/vitest/index.ts';

const fake = await startFakeServer({ clock: 'virtual' });
const test = createTaskportTest({ url: fake.url, namespace: { clock: 'virtual', startMs: 0 } });
const seen = new Set<string>();

afterAll(async () => {
  // Every test's namespace was deleted after it.
  expect(seen.size).toBe(3);
  expect(fake.namespaces.all().map((namespace) => namespace.name)).toEqual(['default']);
  await fake.close();
});

const task = (name: string) =>
  JSON.stringify({ task: { name, module: 'm', condition: { services: { names: ['api'] } } } });

describe.concurrent('tests at once', () => {
  for (const name of ['alpha', 'beta']) {
    test(`${name} sees only its own task and clock`, async ({ namespace, control, clock }) => {
      seen.add(namespace.name);
      expect(namespace.url).toBe(`${fake.url}/ns/${namespace.name}`);
      expect(fake.namespaces.get(namespace.name)).toBeDefined();
      const created = await namespace.fetch('/v1/tasks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: task(name),
      });
      expect(created.status).toBe(201);
      expect(await clock.now()).toBe(0);
      expect(await clock.advance(name === 'alpha' ? 1_000 : 2_000)).toBe(
        name === 'alpha' ? 1_000 : 2_000,
      );
      const listed = (await (await namespace.fetch('/v1/tasks')).json()) as {
        tasks: { name: string }[];
      };
      expect(listed.tasks.map((item) => item.name)).toEqual([name]);
      const calls = await control.calls({ method: 'POST', path: '/v1/tasks' });
      expect(calls).toHaveLength(1);
      expect(calls[0]?.body).toBe(task(name));
    });
  }
});

test('the header reaches the same namespace, and reset clears it', async ({
  namespace,
  control,
}) => {
  seen.add(namespace.name);
  const created = await fetch(`${namespace.serverUrl}/v1/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...namespace.headers },
    body: task('web'),
  });
  expect(created.status).toBe(201);
  expect(await control.calls({ path: '/v1/tasks' })).toHaveLength(1);
  await control.reset();
  expect(await control.calls({ path: '/v1/tasks' })).toEqual([]);
  const failures = await control.seed({
    cts: { tasks: [{ name: 'seeded', module: 'm', condition: { services: { names: ['api'] } } }] },
  });
  expect(failures).toEqual([]);
  const listed = (await (await namespace.fetch('/v1/tasks')).json()) as {
    tasks: { name: string }[];
  };
  expect(listed.tasks.map((item) => item.name)).toEqual(['seeded']);
});
