/**
 * `taskport serve --store postgres://…` as a library call: the fake's CTS
 * tasks and events live in PostgreSQL, survive a restart of the fake, and a
 * reset deletes them.
 */

import { afterEach, expect, it } from 'vitest';
import { createPostgresStorage, type PostgresStorage } from '../../src/postgres/storage.ts';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import { useTestDatabase } from '../support/postgres.ts';
import { freshSchema } from './support.ts';

const db = useTestDatabase();
const opened: { server: FakeServer; storage: PostgresStorage }[] = [];

async function startOn(schema: string): Promise<FakeServer> {
  const storage = createPostgresStorage({ connectionString: db().url, schema });
  const server = await startFakeServer({ dialects: ['cts'], cts: { store: storage.store } });
  opened.push({ server, storage });
  return server;
}

async function stop(server: FakeServer): Promise<void> {
  const index = opened.findIndex((entry) => entry.server === server);
  const [entry] = opened.splice(index, 1);
  await entry?.server.close();
  await entry?.storage.close();
}

afterEach(async () => {
  for (const { server } of [...opened]) await stop(server);
});

const TASK = {
  task: { name: 'web', module: './modules/web', condition: { services: { names: ['api'] } } },
};

it('keeps tasks and events across a restart of the fake, and a reset deletes them', async () => {
  const schema = freshSchema('fake');
  const first = await startOn(schema);
  const created = await fetch(`${first.url}/v1/tasks?run=now`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(TASK),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const before = await (await fetch(`${first.url}/v1/tasks/web`)).json();
  await stop(first);

  const second = await startOn(schema);
  const after = await fetch(`${second.url}/v1/tasks/web`);
  expect(after.status).toBe(200);
  const body = (await after.json()) as { task: unknown };
  expect(body.task).toEqual((before as { task: unknown }).task);
  const status = (await (
    await fetch(`${second.url}/v1/status/tasks/web?include=events`)
  ).json()) as {
    web: { status: string; events: unknown[] };
  };
  expect(status.web.status).toBe('successful');
  expect(status.web.events).toHaveLength(1);

  const reset = await fetch(`${second.url}/_taskport/reset`, { method: 'POST' });
  expect(reset.status).toBeLessThan(300);
  expect((await fetch(`${second.url}/v1/tasks/web`)).status).toBe(404);
  await stop(second);
  const third = await startOn(schema);
  expect((await fetch(`${third.url}/v1/tasks/web`)).status).toBe(404);
});

it('only the default namespace is durable: a namespace lives in memory, apart from the store', async () => {
  const schema = freshSchema('fake');
  const first = await startOn(schema);
  const post = (url: string, name: string) =>
    fetch(`${url}/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: { ...TASK.task, name } }),
    });
  expect((await post(first.url, 'kept')).status).toBe(201);
  expect((await post(`${first.url}/ns/team-a`, 'in-memory')).status).toBe(201);
  // The namespace's task never reached the store the default reads.
  expect((await fetch(`${first.url}/v1/tasks/in-memory`)).status).toBe(404);
  const listed = (await (await fetch(`${first.url}/_taskport/namespaces`)).json()) as {
    namespaces: { name: string; durable: boolean }[];
  };
  expect(listed.namespaces.map(({ name, durable }) => [name, durable])).toEqual([
    ['default', true],
    ['team-a', false],
  ]);
  await stop(first);

  const second = await startOn(schema);
  expect((await fetch(`${second.url}/v1/tasks/kept`)).status).toBe(200);
  expect((await fetch(`${second.url}/ns/team-a/v1/tasks/in-memory`)).status).toBe(404);
});
