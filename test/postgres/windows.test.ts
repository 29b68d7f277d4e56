/**
 * Buffer windows in PostgreSQL, with several pools standing for several
 * processes: hcat's rule across processes, and a due window claimed once.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeasedRun } from '../../src/engine/coordination.ts';
import { PostgresCoordination } from '../../src/postgres/postgres-coordination.ts';
import { useTestDatabase } from '../support/postgres.ts';
import { type Processes, processes, race, T0 } from './support.ts';

const db = useTestDatabase();
const BUFFER = { minMs: 5_000, maxMs: 20_000 };

function manualRun(executionId: string): LeasedRun {
  return {
    executionId,
    trigger: 'manual',
    data: null,
    changeCount: 0,
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

describe('hcat rule', () => {
  it('opens at now+min with the deadline at now+max, snoozes to min(now+min, deadline), keeps the latest data', async () => {
    expect(await a.recordChange('web', { n: 1 }, BUFFER)).toEqual({
      taskId: 'web',
      fireAtMs: T0 + 5_000,
      deadlineMs: T0 + 20_000,
      changeCount: 1,
      data: { n: 1 },
    });
    await world.clock.advance(4_000);
    expect(await b.recordChange('web', { n: 2 }, BUFFER)).toMatchObject({
      fireAtMs: T0 + 9_000,
      deadlineMs: T0 + 20_000,
      changeCount: 2,
    });
    await world.clock.advance(13_000);
    // now + min = T0 + 22 s, past the deadline: the window fires at the deadline.
    expect(await a.recordChange('web', { n: 3 }, BUFFER)).toEqual({
      taskId: 'web',
      fireAtMs: T0 + 20_000,
      deadlineMs: T0 + 20_000,
      changeCount: 3,
      data: { n: 3 },
    });
    expect(await b.window('web')).toMatchObject({ changeCount: 3, data: { n: 3 } });
  });

  it('reads fractions of a millisecond of the given clock', async () => {
    await world.clock.advance(0.5);
    expect(await a.recordChange('web', 1, BUFFER)).toMatchObject({
      fireAtMs: T0 + 5_000.5,
      deadlineMs: T0 + 20_000.5,
    });
    expect(await b.now()).toBe(T0 + 0.5);
  });

  it("reads the database's now() when given no clock", async () => {
    const onDatabaseTime = new PostgresCoordination({ pool: db().pool(), schema: world.schema });
    try {
      // The server runs on this machine: its clock is this process's clock.
      const before = Date.now();
      const window = await onDatabaseTime.recordChange('web', 1, BUFFER);
      const after = Date.now();
      expect(window.fireAtMs - BUFFER.minMs).toBeGreaterThanOrEqual(before);
      expect(window.fireAtMs - BUFFER.minMs).toBeLessThanOrEqual(after);
      expect(window.deadlineMs - window.fireAtMs).toBe(BUFFER.maxMs - BUFFER.minMs);
      expect(await onDatabaseTime.now()).toBeGreaterThanOrEqual(after);
    } finally {
      await onDatabaseTime.close();
    }
  });

  it('makes a change without a buffer period due at once', async () => {
    expect(await a.recordChange('web', 'x', undefined)).toMatchObject({
      fireAtMs: T0,
      deadlineMs: T0,
      changeCount: 1,
    });
    expect(await b.claimDueWindows('b', 30_000, 10)).toHaveLength(1);
  });

  it('joins changes made at once from several pools into one window', async () => {
    await race(world.all, 12, (coordination, i) => coordination.recordChange('web', { i }, BUFFER));
    const window = await a.window('web');
    expect(window).toMatchObject({
      fireAtMs: T0 + 5_000,
      deadlineMs: T0 + 20_000,
      changeCount: 12,
    });
    await world.clock.advance(3_000);
    await race(world.all, 6, (coordination, i) => coordination.recordChange('web', { i }, BUFFER));
    expect(await b.window('web')).toMatchObject({ fireAtMs: T0 + 8_000, changeCount: 18 });
  });

  it('drops a window without running it, and forgets a deleted task', async () => {
    await a.recordChange('web', 1, BUFFER);
    await a.recordChange('db', 1, BUFFER);
    await b.dropWindow('web');
    await b.forgetTask('db');
    expect(await a.window('web')).toBeUndefined();
    expect(await a.window('db')).toBeUndefined();
    await world.clock.advance(BUFFER.maxMs);
    expect(await a.claimDueWindows('a', 30_000, 10)).toEqual([]);
  });
});

describe('claiming due windows', () => {
  it('claims nothing before the fire time', async () => {
    await a.recordChange('web', 1, BUFFER);
    await world.clock.advance(4_999);
    expect(await b.claimDueWindows('b', 30_000, 10)).toEqual([]);
    expect(await b.nextDueAtMs()).toBe(T0 + 5_000);
    await world.clock.advance(1);
    expect(await b.claimDueWindows('b', 30_000, 10)).toHaveLength(1);
  });

  it('hands each due window to exactly one of many concurrent claimers', async () => {
    const tasks = Array.from({ length: 200 }, (_, i) => `task-${i}`);
    await race(world.all, tasks.length, (coordination, i) =>
      coordination.recordChange(tasks[i] ?? '', { i }, undefined),
    );
    // Small batches, so that the claimers overlap.
    const claims = await race(world.all, 12, async (coordination, i) => {
      const mine = [];
      for (
        let batch = await coordination.claimDueWindows(`owner-${i}`, 30_000, 5);
        batch.length > 0;
        batch = await coordination.claimDueWindows(`owner-${i}`, 30_000, 5)
      ) {
        mine.push(...batch);
      }
      return mine;
    });
    const claimed = claims.flat();
    expect(claimed.map((claim) => claim.lease.taskId).sort()).toEqual([...tasks].sort());
    for (const { lease, run } of claimed) {
      expect(run).toMatchObject({ trigger: 'change', changeCount: 1, startedAtMs: T0, attempt: 1 });
      expect(run.data).toEqual({ i: tasks.indexOf(lease.taskId) });
      expect(lease.expiresAtMs).toBe(T0 + 30_000);
    }
    expect(new Set(claimed.map((claim) => claim.run.executionId)).size).toBe(tasks.length);
    expect(await b.window('task-0')).toBeUndefined();
    expect(await b.isLeased('task-0')).toBe(true);
    expect(await b.claimDueWindows('b', 30_000, 30)).toEqual([]);
  });

  it('takes at most `limit`, oldest fire time first', async () => {
    await a.recordChange('late', 1, { minMs: 2_000, maxMs: 2_000 });
    await a.recordChange('early', 1, { minMs: 1_000, maxMs: 1_000 });
    await a.recordChange('latest', 1, { minMs: 3_000, maxMs: 3_000 });
    await world.clock.advance(3_000);
    const first = await b.claimDueWindows('b', 30_000, 2);
    expect(first.map((claim) => claim.lease.taskId)).toEqual(['early', 'late']);
    expect((await b.claimDueWindows('b', 30_000, 2)).map((claim) => claim.lease.taskId)).toEqual([
      'latest',
    ]);
  });

  it('leaves the window of a leased task until the lease is released: the one follow-up run', async () => {
    const lease = await a.acquireLease('web', 'a', 30_000, manualRun('manual-1'));
    expect(lease).toBeDefined();
    await b.recordChange('web', { n: 1 }, undefined);
    await b.recordChange('web', { n: 2 }, undefined);
    expect(await b.claimDueWindows('b', 30_000, 10)).toEqual([]);
    // The waiting window is not "due": the next thing due is the lease's expiry.
    expect(await b.nextDueAtMs()).toBe(T0 + 30_000);
    await world.clock.advance(10_000);
    await a.releaseLease(lease!);
    const [followUp, ...rest] = await b.claimDueWindows('b', 30_000, 10);
    expect(rest).toEqual([]);
    expect(followUp?.run).toMatchObject({ changeCount: 2, data: { n: 2 }, trigger: 'change' });
  });

  it('leaves the window of a leased task until the lease expires, and the lapsed run is still recovered', async () => {
    const lease = await a.acquireLease('web', 'a', 30_000, manualRun('manual-1'));
    await b.recordChange('web', 'data', undefined);
    await world.clock.advance(29_999);
    expect(await b.claimDueWindows('b', 30_000, 10)).toEqual([]);
    await world.clock.advance(1);
    const [claim] = await b.claimDueWindows('b', 30_000, 10);
    expect(claim?.lease.owner).toBe('b');
    expect(BigInt(claim?.lease.token ?? 0)).toBeGreaterThan(BigInt(lease?.token ?? 0));
    // The holder of the replaced lease is fenced off…
    expect(await a.renewLease(lease!, 30_000)).toBeUndefined();
    // …and its run is handed, once, to whoever recovers expired leases.
    const recovered = (await race(world.all, 6, (c) => c.claimExpiredLeases(10))).flat();
    expect(recovered.map((expired) => expired.run.executionId)).toEqual(['manual-1']);
    expect(recovered[0]?.lease).toEqual(lease);
    expect(await a.isLeased('web')).toBe(true);
  });

  it('never loses a window to a lease granted at the same moment', async () => {
    const tasks = Array.from({ length: 20 }, (_, i) => `task-${i}`);
    for (const task of tasks) await a.recordChange(task, task, undefined);
    const [claims, manual] = await Promise.all([
      b.claimDueWindows('claimer', 30_000, 20),
      Promise.all(tasks.map((task) => a.acquireLease(task, 'manual', 30_000, manualRun(task)))),
    ]);
    const claimedTasks = new Set(claims.map((claim) => claim.lease.taskId));
    for (const [i, task] of tasks.entries()) {
      const byHand = manual[i] !== undefined;
      // Exactly one of the two got the task…
      expect(claimedTasks.has(task) !== byHand, task).toBe(true);
      // …and when the hand won, the change still waits for its run.
      if (byHand) expect(await b.window(task), task).toMatchObject({ data: task });
      else expect(await b.window(task), task).toBeUndefined();
    }
  });
});
