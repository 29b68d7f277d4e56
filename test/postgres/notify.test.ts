/**
 * Wake-ups through LISTEN/NOTIFY between pools. Notifications travel in real
 * time, so these tests wait on conditions, each with a bounded deadline.
 */

import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { PostgresCoordination } from '../../src/postgres/postgres-coordination.ts';
import { LISTENER_APPLICATION_NAME } from '../../src/postgres/wake-listener.ts';
import { useTestDatabase } from '../support/postgres.ts';
import { type Processes, processes } from './support.ts';

const db = useTestDatabase();

/** Resolves once `condition()` holds; fails after `timeoutMs` of real time. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Backend pids of the test database's listening connections. */
async function listeners(): Promise<number[]> {
  const client = new pg.Client({ connectionString: db().url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
      [LISTENER_APPLICATION_NAME],
    );
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

let world: Processes;
let a: PostgresCoordination;
let b: PostgresCoordination;
beforeEach(async () => {
  world = await processes(db(), 2);
  [a, b] = world.all as [PostgresCoordination, PostgresCoordination];
});
afterEach(() => world.close());

it('a wake() on one pool reaches the subscribers of another', async () => {
  let woken = 0;
  const unsubscribe = await a.subscribe(() => {
    woken++;
  });
  await b.wake();
  await until(() => woken === 1);
  await unsubscribe();
});

it('keeps a subscription through pg_terminate_backend of its connection', async () => {
  let woken = 0;
  const unsubscribe = await a.subscribe(() => {
    woken++;
  });
  const [before] = await listeners();
  expect(before).toBeTypeOf('number');
  await b.wake();
  await until(() => woken === 1);

  const admin = new pg.Client({ connectionString: db().url });
  await admin.connect();
  await admin.query('SELECT pg_terminate_backend($1)', [before]);
  await admin.end();

  // Back on a new connection, it wakes its subscribers once: what was sent
  // while it was away is lost, so they should look again.
  await until(async () => {
    const now = await listeners();
    return now.length === 1 && now[0] !== before;
  });
  await until(() => woken === 2);
  await b.wake();
  await until(() => woken === 3);
  await unsubscribe();
});

it('closes its connection when the last subscriber leaves, and notifies nobody after', async () => {
  let first = 0;
  let second = 0;
  const unsubscribeFirst = await a.subscribe(() => {
    first++;
  });
  const unsubscribeSecond = await a.subscribe(() => {
    second++;
  });
  expect(await listeners()).toHaveLength(1);
  await unsubscribeFirst();
  await b.wake();
  await until(() => second === 1);
  expect(first).toBe(0);
  await unsubscribeSecond();
  await until(async () => (await listeners()).length === 0);
});

it('a release wakes the subscribers when a window of the task waits for it', async () => {
  const run = {
    executionId: 'e1',
    trigger: 'change' as const,
    data: undefined,
    changeCount: 1,
    startedAtMs: world.clock.now(),
    attempt: 1,
  };
  const lease = await b.acquireLease('web', 'b', 30_000, run);
  expect(lease).toBeDefined();
  // A change during the run: its window waits for the lease.
  await b.recordChange('web', { v: 2 }, undefined);
  let woken = 0;
  const unsubscribe = await a.subscribe(() => {
    woken++;
  });
  await b.releaseLease(lease!);
  await until(() => woken === 1);
  await unsubscribe();
});

it('a change that opens a window wakes the subscribers', async () => {
  let woken = 0;
  const unsubscribe = await a.subscribe(() => {
    woken++;
  });
  await b.recordChange('web', { v: 1 }, { minMs: 1_000, maxMs: 5_000 });
  await until(() => woken === 1);
  await unsubscribe();
});
