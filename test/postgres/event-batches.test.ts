/**
 * Status events appended at once go to the database in one batch
 * (`append_events`): each caller still gets its own status, the events of
 * one task keep the order they were appended in, and the health and the
 * summary move as they would one event at a time.
 */

import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { PostgresStore } from '../../src/postgres/postgres-store.ts';
import { eventFixture, taskFixture } from '../store/contract.ts';
import { useTestDatabase } from '../support/postgres.ts';

const db = useTestDatabase();

function freshSchema(): string {
  return `batch_${randomBytes(4).toString('hex')}`;
}

it('gives each of many events appended at once its own status, in order per task', async () => {
  const store = new PostgresStore({ pool: db().pool(), schema: freshSchema() });
  await store.insertTask(taskFixture('a'));
  await store.insertTask(taskFixture('b'));
  const events = Array.from({ length: 12 }, (_, i) =>
    eventFixture(i % 2 === 0 ? 'a' : 'b', i < 10),
  );
  const missing = eventFixture('missing', true);
  const statuses = await Promise.all([
    ...events.map((event) => store.appendEvent(event, 3)),
    store.appendEvent(missing, 3),
  ]);
  expect(statuses.at(-1)).toBeUndefined();
  // The 11th event (b, failed) sees a's and b's history after it, and no later event.
  expect(statuses[10]?.health).toBe('errored');
  expect(statuses[10]?.events.map((event) => event.id)).toEqual(
    [events[10], events[8], events[6]].map((event) => event?.id),
  );
  expect(statuses[11]?.health).toBe('errored');
  expect(statuses[11]?.events.map((event) => event.id)).toEqual(
    [events[11], events[9], events[7]].map((event) => event?.id),
  );
  expect(statuses[2]?.events.map((event) => event.id)).toEqual(
    [events[2], events[0]].map((event) => event?.id),
  );
  expect((await store.taskStatus('a'))?.events).toEqual(statuses[10]?.events);
  expect(await store.summary()).toEqual({
    health: { successful: 0, errored: 2, critical: 0, unknown: 0 },
    enabled: { true: 2, false: 0 },
  });
  await store.close();
});

it('keeps the summary right when two stores append to the same tasks at once', async () => {
  const schema = freshSchema();
  const store = new PostgresStore({ pool: db().pool(), schema });
  const ids = Array.from({ length: 20 }, (_, i) => `t${i}`);
  for (const id of ids) await store.insertTask(taskFixture(id));
  const peer = new PostgresStore({ pool: db().pool(), schema });
  await Promise.all(
    [store, peer].flatMap((each, which) =>
      // Opposite orders, so that a batch locking tasks as they come would deadlock.
      (which === 0 ? ids : [...ids].reverse()).map((id) =>
        each.appendEvent(eventFixture(id, which === 0), 5),
      ),
    ),
  );
  const healths = await Promise.all(ids.map(async (id) => (await store.taskStatus(id))?.health));
  const summary = await store.summary();
  expect(summary.health.unknown).toBe(0);
  expect(summary.health.errored).toBe(healths.filter((health) => health === 'errored').length);
  expect(summary.health.successful).toBe(
    healths.filter((health) => health === 'successful').length,
  );
  expect(summary.health.successful + summary.health.errored).toBe(20);
  await Promise.all([store.close(), peer.close()]);
});

it('fails only the event the database refuses, not the others of its batch', async () => {
  const store = new PostgresStore({ pool: db().pool(), schema: freshSchema() });
  await store.insertTask(taskFixture('a'));
  await store.insertTask(taskFixture('b'));
  const refused = { ...eventFixture('a', false), failureMessage: 'nul \u0000 in text' };
  const kept = eventFixture('b', true);
  const [first, second] = await Promise.allSettled([
    store.appendEvent(refused, 5),
    store.appendEvent(kept, 5),
  ]);
  expect(first.status).toBe('rejected');
  expect(second.status === 'fulfilled' ? second.value?.health : undefined).toBe('successful');
  expect((await store.taskStatus('a'))?.events).toEqual([]);
  expect((await store.taskStatus('b'))?.events.map((event) => event.id)).toEqual([kept.id]);
  await store.close();
});

it('sends the events appended before close() before it closes', async () => {
  const schema = freshSchema();
  const store = new PostgresStore({ pool: db().pool(), schema });
  await store.insertTask(taskFixture('a'));
  const appended = store.appendEvent(eventFixture('a', true), 5);
  await store.close();
  expect((await appended)?.health).toBe('successful');
  const reader = new PostgresStore({ pool: db().pool(), schema });
  expect((await reader.taskStatus('a'))?.events).toHaveLength(1);
  await reader.close();
});
