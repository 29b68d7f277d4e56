/**
 * What the PostgreSQL store keeps beyond the Store contract: the documents
 * as written, and exact summary counts under writes racing from two pools;
 * and who ends the pool of createPostgresStorage().
 */

import { expect, it } from 'vitest';
import { PostgresStore } from '../../src/postgres/postgres-store.ts';
import { createPostgresStorage } from '../../src/postgres/storage.ts';
import { eventFixture, taskFixture } from '../store/contract.ts';
import { useTestDatabase } from '../support/postgres.ts';
import { freshSchema } from './support.ts';

const db = useTestDatabase();

it('keeps a spec as written: key order, and characters jsonb would refuse', async () => {
  const store = new PostgresStore({ pool: db().pool(), schema: freshSchema('doc') });
  const spec = { zeta: 1, alpha: { b: 2, a: 1 }, '10': 'ten', '2': 'two', nul: 'a\u0000b' };
  await store.insertTask(taskFixture('web', { spec }));
  const read = (await store.getTask('web'))?.spec as typeof spec;
  expect(JSON.stringify(read)).toBe(JSON.stringify(spec));
  expect(Object.keys(read.alpha)).toEqual(['b', 'a']);
  await store.putRecord('runs', 'r1', { z: 1, a: 2 });
  expect(Object.keys((await store.getRecord<object>('runs', 'r1')) ?? {})).toEqual(['z', 'a']);
  await store.close();
});

it("keeps times as given, a virtual clock's fractions of a millisecond included", async () => {
  const store = new PostgresStore({ pool: db().pool(), schema: freshSchema('time') });
  const task = taskFixture('web', {
    createdAtMs: 1_700_000_000_000.25,
    deletionRequestedAtMs: 0.5,
  });
  await store.insertTask(task);
  expect(await store.getTask('web')).toEqual(task);
  await store.close();
});

it('keeps the summary exact while two pools insert, toggle, append to and delete the same tasks', async () => {
  const schema = freshSchema('sum');
  const stores = [
    new PostgresStore({ pool: db().pool(), schema }),
    new PostgresStore({ pool: db().pool(), schema }),
  ];
  const on = (i: number) => stores[i % 2] as PostgresStore;
  const ids = Array.from({ length: 12 }, (_, i) => `task-${i}`);
  await Promise.all(ids.map((id, i) => on(i).insertTask(taskFixture(id))));
  await Promise.all(
    ids.flatMap((id, i) => [
      on(i).replaceTask(taskFixture(id, { enabled: i % 3 !== 0 })),
      on(i + 1).replaceTask(taskFixture(id, { enabled: i % 2 === 0 })),
      on(i).appendEvent(eventFixture(id, i % 2 === 0), 5),
      on(i + 1).appendEvent(eventFixture(id, false), 5),
    ]),
  );
  await Promise.all(ids.slice(0, 4).map((id, i) => on(i).deleteTask(id)));
  const tasks = await stores[0]?.listTasks();
  const health = { successful: 0, errored: 0, critical: 0, unknown: 0 };
  for (const task of tasks ?? []) {
    const status = await stores[1]?.taskStatus(task.id);
    if (status !== undefined) health[status.health]++;
  }
  const enabled = (tasks ?? []).filter((task) => task.enabled).length;
  expect(await stores[1]?.summary()).toEqual({
    health,
    enabled: { true: enabled, false: (tasks?.length ?? 0) - enabled },
  });
  expect(await stores[0]?.countTasks()).toBe(8);
  await Promise.all(stores.map((store) => store.close()));
});

it('ends the pool it opened once both the store and the coordination are closed', async () => {
  const storage = createPostgresStorage({ connectionString: db().url, schema: freshSchema('own') });
  await storage.migrate();
  expect(await storage.store.countTasks()).toBe(0);
  await storage.store.close();
  expect(storage.pool.ended).toBe(false);
  // The coordination still works on the shared pool until it closes too.
  expect(await storage.coordination.isLeased('web')).toBe(false);
  await storage.coordination.close();
  expect(storage.pool.ended).toBe(true);
  await expect(storage.store.countTasks()).rejects.toMatchObject({ code: 'closed' });
  await storage.close();
});

it('never ends a pool the caller passed in', async () => {
  const pool = db().pool();
  const storage = createPostgresStorage({ pool, schema: freshSchema('own') });
  await storage.store.countTasks();
  await storage.close();
  expect(pool.ended).toBe(false);
  expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
});

it("brings each claimed window's task as the store holds it, null for a task not stored", async () => {
  const storage = createPostgresStorage({ pool: db().pool(), schema: freshSchema('claim') });
  const task = taskFixture('web', { spec: { b: 1, a: 2 } });
  await storage.store.insertTask(task);
  await storage.coordination.recordChange('web', { v: 1 }, undefined);
  await storage.coordination.recordChange('gone', { v: 2 }, undefined);
  const claims = await storage.coordination.claimDueWindows('a', 30_000, 10);
  const byTask = new Map(claims.map((claim) => [claim.lease.taskId, claim]));
  expect(byTask.get('web')?.task).toEqual(await storage.store.getTask('web'));
  expect(byTask.get('web')?.run.data).toEqual({ v: 1 });
  expect(byTask.get('gone')?.task).toBeNull();
  await storage.close();
});
