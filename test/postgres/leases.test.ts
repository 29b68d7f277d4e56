/**
 * Run leases in PostgreSQL across pools: one holder at a time, fencing of a
 * holder whose lease was taken over, and each expired lease recovered once.
 */

import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Lease, LeasedRun } from '../../src/engine/coordination.ts';
import type { PostgresCoordination } from '../../src/postgres/postgres-coordination.ts';
import { useTestDatabase } from '../support/postgres.ts';
import { type Processes, processes, race, T0 } from './support.ts';

const db = useTestDatabase();
const LEASE_MS = 10_000;

function run(executionId: string, data: unknown = { from: executionId }): LeasedRun {
  return {
    executionId,
    trigger: 'manual',
    data,
    changeCount: 2,
    startedAtMs: T0,
    attempt: 1,
  };
}

let world: Processes;
let a: PostgresCoordination;
let b: PostgresCoordination;
beforeEach(async () => {
  world = await processes(db(), 3);
  [a, b] = world.all as [PostgresCoordination, PostgresCoordination];
});
afterEach(() => world.close());

it('grants one lease at a time: a second acquire waits for release or expiry', async () => {
  const lease = await a.acquireLease('web', 'a', LEASE_MS, run('e1'));
  expect(lease).toMatchObject({ taskId: 'web', owner: 'a', expiresAtMs: T0 + LEASE_MS });
  expect(await b.acquireLease('web', 'b', LEASE_MS, run('e2'))).toBeUndefined();
  expect(await b.isLeased('web')).toBe(true);
  await a.releaseLease(lease!);
  expect(await b.isLeased('web')).toBe(false);
  expect(await b.acquireLease('web', 'b', LEASE_MS, run('e2'))).toMatchObject({ owner: 'b' });
  await world.clock.advance(LEASE_MS);
  expect(await a.isLeased('web')).toBe(false);
});

it('lets exactly one of many concurrent acquirers win', async () => {
  const results = await race(world.all, 24, (coordination, i) =>
    coordination.acquireLease('web', `owner-${i}`, LEASE_MS, run(`e${i}`)),
  );
  expect(results.filter((lease) => lease !== undefined)).toHaveLength(1);
});

it('gives every grant a larger token than the ones before', async () => {
  const tokens: bigint[] = [];
  for (const task of ['a', 'b', 'c']) {
    const lease = await a.acquireLease(task, 'a', LEASE_MS, run(task));
    tokens.push(BigInt(lease?.token ?? -1));
  }
  expect([...tokens].sort((x, y) => (x < y ? -1 : 1))).toEqual(tokens);
  expect(new Set(tokens).size).toBe(3);
});

it('fences off the old holder once another process took its expired lease', async () => {
  const old = (await a.acquireLease('web', 'a', LEASE_MS, run('e1'))) as Lease;
  await world.clock.advance(LEASE_MS + 1);
  const taken = (await b.acquireLease('web', 'b', LEASE_MS, run('e2'))) as Lease;
  expect(BigInt(taken.token)).toBeGreaterThan(BigInt(old.token));
  expect(await a.renewLease(old, LEASE_MS)).toBeUndefined();
  // A stale release does not end the new holder's lease.
  await a.releaseLease(old);
  expect(await a.isLeased('web')).toBe(true);
  expect(await b.renewLease(taken, LEASE_MS)).toMatchObject({
    token: taken.token,
    expiresAtMs: world.clock.now() + LEASE_MS,
  });
});

it('renews a lease that expired while nobody took it (a slow holder keeps its run)', async () => {
  const lease = (await a.acquireLease('web', 'a', LEASE_MS, run('e1'))) as Lease;
  await world.clock.advance(LEASE_MS + 5);
  expect(await a.renewLease(lease, LEASE_MS)).toMatchObject({
    token: lease.token,
    expiresAtMs: T0 + 2 * LEASE_MS + 5,
  });
  expect(await b.claimExpiredLeases(10)).toEqual([]);
});

it('refuses a token it never issued', async () => {
  await a.acquireLease('web', 'a', LEASE_MS, run('e1'));
  const forged = { taskId: 'web', token: 'not-a-number', owner: 'a', expiresAtMs: 0 };
  expect(await b.renewLease(forged, LEASE_MS)).toBeUndefined();
  await b.releaseLease(forged);
  expect(await b.isLeased('web')).toBe(true);
});

it('returns each expired lease to exactly one of many concurrent recoverers', async () => {
  const tasks = Array.from({ length: 40 }, (_, i) => `task-${i}`);
  const leases = await race(world.all, tasks.length, (coordination, i) =>
    coordination.acquireLease(tasks[i] ?? '', 'dead', LEASE_MS, run(`e${i}`, { i })),
  );
  expect(leases.every((lease) => lease !== undefined)).toBe(true);
  await world.clock.advance(LEASE_MS);
  const recovered = (
    await race(world.all, 12, async (coordination) => {
      const mine = [];
      for (
        let batch = await coordination.claimExpiredLeases(3);
        batch.length > 0;
        batch = await coordination.claimExpiredLeases(3)
      ) {
        expect(batch.length).toBeLessThanOrEqual(3);
        mine.push(...batch);
      }
      return mine;
    })
  ).flat();
  expect(recovered.map((expired) => expired.lease.taskId).sort()).toEqual([...tasks].sort());
  for (const { lease, run: expiredRun } of recovered) {
    const i = tasks.indexOf(lease.taskId);
    expect(lease).toEqual(leases[i]);
    expect(expiredRun).toEqual(run(`e${i}`, { i }));
  }
  expect(await a.isLeased('task-0')).toBe(false);
  expect(await a.acquireLease('task-0', 'a', LEASE_MS, run('again'))).toBeDefined();
});

it('still recovers, once, a run whose expired lease a new claim replaced', async () => {
  const old = (await a.acquireLease('web', 'a', LEASE_MS, run('lost'))) as Lease;
  await world.clock.advance(LEASE_MS);
  const replaced = await b.acquireLease('web', 'b', LEASE_MS, run('next'));
  expect(replaced).toBeDefined();
  expect(await a.nextDueAtMs()).toBe(world.clock.now());
  const recovered = (await race(world.all, 9, (c) => c.claimExpiredLeases(10))).flat();
  expect(recovered).toEqual([{ lease: old, run: run('lost') }]);
  expect(await a.isLeased('web')).toBe(true);
});

it('does not recover a run that finished after its lease was replaced', async () => {
  const old = (await a.acquireLease('web', 'a', LEASE_MS, run('late'))) as Lease;
  await world.clock.advance(LEASE_MS);
  await b.acquireLease('web', 'b', LEASE_MS, run('next'));
  // The late holder finishes and releases: its run is not lost, nobody recovers it.
  await a.releaseLease(old);
  expect(await b.claimExpiredLeases(10)).toEqual([]);
  expect(await b.isLeased('web')).toBe(true);
});

it('keeps undefined run data undefined', async () => {
  await a.acquireLease('web', 'a', LEASE_MS, { ...run('e1'), data: undefined });
  await world.clock.advance(LEASE_MS);
  const [expired] = await b.claimExpiredLeases(1);
  expect(expired?.run.data).toBeUndefined();
  expect(expired?.run).toHaveProperty('data');
});
