/**
 * The database misbehaves under real worker processes: the server restarts,
 * and a worker's connections are terminated (`pg_terminate_backend`), idle
 * or in the middle of a statement. The workers must keep working afterwards
 * (an `engine:error` on the way is fine) and no task state may be lost.
 *
 * This file runs its own PostgreSQL server (the harness's startPostgres):
 * the run's shared server serves the other files and cannot be restarted
 * under them.
 *
 * A statement is caught "in the middle" deterministically: the test locks
 * the table it needs (`LOCK … ACCESS EXCLUSIVE` in an open transaction),
 * waits until the worker's session queues on that lock, terminates that
 * session, then lets go of the lock. The tests of a drop or restart "while
 * quiet" give their workers a long poll interval, so that they touch the
 * database only when woken, and wait until none is in the middle of
 * anything: a drop in the middle of a transaction is a test of its own.
 *
 * The last three tests each pinned a defect found here (a dropped
 * connection crashing a worker, a failed pump ending the polling, a failed
 * renewal ending the renewals), fixed since.
 */

import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/engine.ts';
import { schemaNames } from '../../../src/postgres/names.ts';
import { PostgresCoordination } from '../../../src/postgres/postgres-coordination.ts';
import { PostgresStore } from '../../../src/postgres/postgres-store.ts';
import { type RunningPostgres, startPostgres } from '../../support/postgres-server.ts';
import {
  createFleet,
  exclusionViolations,
  type Fleet,
  type FleetOptions,
  recoveredExpiries,
  reportsOf,
  runsOf,
  until,
  untilQuiet,
  type Worker,
} from './fleet.ts';

let server: RunningPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

/** Workers that pump every 100 ms, as in the other files. */
const BUSY: FleetOptions = { leaseMs: 1_000, pollIntervalMs: 100 };
/** Workers that touch the database only when woken (or when something they know of is due). */
const QUIET: FleetOptions = { leaseMs: 1_000, pollIntervalMs: 60_000 };

async function newFleet(options: FleetOptions): Promise<Fleet> {
  fleet = await createFleet(server.adminUrl, options);
  return fleet;
}

/** The sessions of a worker's engine (its pool and its listener); the run log's are apart. */
const SESSIONS_OF = `datname = current_database() AND application_name = 'taskport-worker-' || $1`;
const LISTENING = `query LIKE 'LISTEN %'`;
const WAITING_FOR_LOCK = `wait_event_type = 'Lock'`;

/**
 * Terminates the worker's engine sessions that match `where` and waits until
 * they are gone (so that no statement of theirs can still complete); how many.
 */
async function terminate(f: Fleet, worker: Worker, where = 'true'): Promise<number> {
  const { rows } = await f.pool.query<{ terminated: boolean }>(
    `SELECT pg_terminate_backend(pid, 5000) AS terminated FROM pg_stat_activity
    WHERE ${SESSIONS_OF} AND (${where})`,
    [worker.name],
  );
  return rows.filter((row) => row.terminated).length;
}

async function sessions(f: Fleet, worker: Worker, where = 'true'): Promise<number> {
  const { rows } = await f.pool.query(
    `SELECT 1 FROM pg_stat_activity WHERE ${SESSIONS_OF} AND (${where})`,
    [worker.name],
  );
  return rows.length;
}

/** Holds an ACCESS EXCLUSIVE lock on a table until the returned function runs. */
async function lockTable(table: string): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: server.adminUrl });
  client.on('error', () => {});
  await client.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
}

/**
 * Terminates the worker's session that waits on a lock of `table` (taken
 * here) and matches `where`, and lets go of the lock. Resolves with the
 * database time at which the lock was held: no statement on the table
 * committed after it, until the lock went.
 */
async function terminateWhileWaiting(
  f: Fleet,
  worker: Worker,
  table: string,
  where = 'true',
): Promise<number> {
  const unlock = await lockTable(table);
  try {
    const lockedAtMs = await dbNowMs(f);
    const waiting = `${WAITING_FOR_LOCK} AND (${where})`;
    await until(async () => (await sessions(f, worker, waiting)) === 1, 'a statement to wait');
    expect(await terminate(f, worker, waiting)).toBe(1);
    return lockedAtMs;
  } finally {
    await unlock();
  }
}

/** The database clock, epoch ms. */
async function dbNowMs(f: Fleet): Promise<number> {
  const { rows } = await f.pool.query<{ now_ms: number }>(
    'SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now_ms',
  );
  return Number(rows[0]?.now_ms);
}

/** A coordination of the test's own, whose changes wake no one (as behind a proxy that drops NOTIFY). */
function silentCoordination(f: Fleet): PostgresCoordination {
  return new PostgresCoordination({ pool: f.pool, schema: f.schema });
}

describe('the database restarts or drops connections under running workers', () => {
  it('a worker whose every connection was terminated while quiet keeps working', async () => {
    const f = await newFleet(QUIET);
    const a = await f.start('a');
    await a.createTask({ id: 'web', name: 'web' });
    await a.notify('web', { label: 'before' });
    await until(async () => (await f.events('web')).length === 1, 'the first run');
    await untilQuiet([a]);

    // Its pool's connections and its listener.
    await until(async () => (await sessions(f, a, LISTENING)) === 1, 'the listener');
    expect(await terminate(f, a)).toBeGreaterThanOrEqual(2);
    await until(async () => (await sessions(f, a, LISTENING)) === 1, 'the listener to reconnect');
    await a.notify('web', { label: 'after' });
    await until(async () => (await f.events('web')).length === 2, 'a run after the drop');
    expect(runsOf(await f.runLog('web')).map((run) => [run.label, run.end])).toEqual([
      ['before', 'finished'],
      ['after', 'finished'],
    ]);
    expect((await f.events('web')).map((event) => event.success)).toEqual([true, true]);
    expect(a.hasExited()).toBe(false);
  });

  it('a restart of the database while the workers are quiet loses no state, and every worker works afterwards', async () => {
    const f = await newFleet(QUIET);
    const [a, b] = await Promise.all([f.start('a'), f.start('b')]);
    await a.createTask({ id: 'web', name: 'web' });
    await a.createTask({ id: 'pending', name: 'pending' });
    await a.notify('web', { label: 'before' });
    await until(async () => (await f.events('web')).length === 1, 'the first run');
    const history = await f.events('web');
    await untilQuiet([a, b]);
    // A window no worker was told of: they find it when they next look,
    // which is after the restart (they were quiet, and poll once a minute).
    const window = await silentCoordination(f).recordChange(
      'pending',
      { label: 'across-the-restart' },
      { minMs: 1_000, maxMs: 1_000 },
    );

    await server.restart();
    const restartedAtMs = await dbNowMs(f);
    // Reconnected, each listener wakes its engine: that is how they look again.
    await until(
      async () =>
        (await sessions(f, a, LISTENING)) === 1 && (await sessions(f, b, LISTENING)) === 1,
      'both listeners to reconnect',
    );
    await a.notify('web', { label: 'after-a' });
    await until(async () => (await f.events('web')).length === 2, 'a run announced on a');
    await b.notify('web', { label: 'after-b' });
    await until(async () => (await f.events('web')).length === 3, 'a run announced on b');
    await until(async () => (await f.events('pending')).length === 1, 'the window to fire');

    expect([a.hasExited(), b.hasExited()]).toEqual([false, false]);
    expect(await f.taskIds()).toEqual(['web', 'pending']);
    expect((await f.events('web')).slice(0, 1)).toEqual(history);
    expect((await f.events('web')).map((event) => event.success)).toEqual([true, true, true]);
    const [fired] = runsOf(await f.runLog('pending'));
    // The window kept its data and count through the restart and fired after it.
    expect(fired).toMatchObject({ label: 'across-the-restart', changeCount: 1, end: 'finished' });
    expect(fired?.startedAtMs).toBeGreaterThanOrEqual(Math.max(restartedAtMs, window.fireAtMs));
  });

  // Was a defect (src/postgres/database.ts, Database.transaction): the client taken
  // with pool.connect() has no 'error' listener while checked out (pg-pool
  // listens only on idle clients), so when the server ends the connection in
  // the middle of a transaction, node-postgres emits 'error' on the Client
  // and the process dies of an unhandled 'error' event. Every pump runs
  // claimCronTicks in a transaction, so a database restart kills, most of
  // the time, at least one of the workers running across it.
  it('a worker survives its connection being terminated in the middle of a transaction', async () => {
    const f = await newFleet(BUSY);
    const a = await f.start('a');
    await a.createTask({ id: 'web', name: 'web' });
    // claimCronTicks: the pump's transaction, whose first statement reads the cron slots.
    await terminateWhileWaiting(f, a, schemaNames(f.schema).cronSlots);
    await until(
      () => a.hasExited() || reportsOf([a], 'engine-error').length > 0,
      'the failure to surface',
    );
    expect(a.hasExited(), a.stderr()).toBe(false);
    await a.notify('web', { label: 'after' });
    await until(async () => (await f.events('web')).length === 1, 'a run after the drop');
  });

  // Was a defect (src/engine/shared-scheduler.ts, SharedScheduler.pump): a pump
  // that throws is reported as engine:error, but #armTimer ran inside the
  // failed #pumpOnce, so no timer is armed any more: the engine pumps again
  // only when a NOTIFY wakes it. Work that becomes due without one (a window
  // recorded behind a proxy that drops NOTIFY, a window's fire time, a cron
  // tick, an expired lease to recover) waits until some other engine happens
  // to wake it, contrary to "work is only delayed by one poll interval"
  // (src/postgres/README.md).
  it('a worker whose polling statement was terminated mid-query keeps polling', async () => {
    const f = await newFleet(BUSY);
    // The task is stored here, so that nothing sends the worker a NOTIFY.
    const store = new PostgresStore({ pool: f.pool, schema: f.schema });
    const setup = createEngine({ store });
    await setup.createTask({ id: 'web', name: 'web' });
    await setup.close();
    // Every pump starts by claiming lapsed runs: the worker's first pump queues on the lock.
    const a = await (async () => {
      const unlock = await lockTable(schemaNames(f.schema).lapsedRuns);
      try {
        const started = await f.start('a');
        await until(
          async () => (await sessions(f, started, WAITING_FOR_LOCK)) === 1,
          'the first pump to wait',
        );
        expect(await terminate(f, started, WAITING_FOR_LOCK)).toBe(1);
        return started;
      } finally {
        await unlock();
      }
    })();
    await until(() => reportsOf([a], 'engine-error').length > 0, 'the failed pump to be reported');

    await silentCoordination(f).recordChange('web', { label: 'unannounced' }, undefined);
    // Ten poll intervals.
    await until(
      async () => (await f.events('web')).length === 1,
      'the polled change to run',
      1_000,
    );
    expect(runsOf(await f.runLog('web'))).toEqual([
      expect.objectContaining({ label: 'unannounced', worker: 'a', end: 'finished' }),
    ]);
  });

  // Was a defect (src/engine/shared-scheduler.ts, SharedScheduler.#renewLater): a
  // renewal that rejects (the connection dropped, the database restarting)
  // ends in #background's catch: reported, but the next renewal is never
  // scheduled and the run is not stopped. The run goes on without a lease;
  // once it expires another engine records it failed (lease expired) and
  // starts the follow-up while it still runs; when it finishes, onFinal
  // records its success too: two events for one run, and its work completed
  // after another run had started.
  it('a run whose lease renewal was terminated mid-query keeps its lease or is stopped: one event, no overlap', async () => {
    const f = await newFleet(BUSY);
    const [a, b] = await Promise.all([f.start('a'), f.start('b')]);
    await a.createTask({ id: 'web', name: 'web' });
    await a.notify('web', { label: 'first', hold: true });
    await until(async () => runsOf(await f.runLog('web')).length === 1, 'the first run');
    const first = runsOf(await f.runLog('web'))[0];
    const holder = first?.worker === a.name ? a : b;
    // The follow-up the task owes: a worker that wrongly thinks the task free starts it.
    await b.notify('web', { label: 'second' });

    const { leases } = schemaNames(f.schema);
    // renewLeaseSql is the only statement that UPDATEs the leases table.
    const lockedAtMs = await terminateWhileWaiting(
      f,
      holder,
      leases,
      `query ~ 'UPDATE \\S+taskport_leases'`,
    );

    // Either the holder renews again (a renewal committed after the lock was
    // taken: it outlives any expiry granted before), or someone recovers the lease.
    const renewedSince = async () => {
      const { rows } = await f.pool.query<{ expires_at_ms: number }>(
        `SELECT expires_at_ms FROM ${leases} WHERE task_id = 'web' AND execution_id = $1`,
        [first?.executionId],
      );
      return rows.some((row) => Number(row.expires_at_ms) > lockedAtMs + 1_000);
    };
    await until(
      async () => (await renewedSince()) || reportsOf(f.workers, 'recovered').length > 0,
      'a renewal or a recovery',
      4_000,
    );
    await holder.release('web');
    // Settled: the first run ended in its worker, and no window, lease or
    // unfinished step is left (so the follow-up ran, or never will).
    await until(async () => {
      const ended = reportsOf([holder], 'finished').some(
        (report) => report.executionId === first?.executionId,
      );
      const runs = runsOf(await f.runLog('web'));
      return (
        ended &&
        runs.every((run) => run.end !== undefined) &&
        !(await f.leased('web')) &&
        (await f.window('web')) === undefined
      );
    }, 'the task to settle');

    const events = await f.events('web');
    expect(events.filter((event) => event.executionId === first?.executionId)).toHaveLength(1);
    const runs = runsOf(await f.runLog('web'));
    expect(exclusionViolations(runs, recoveredExpiries(f.workers))).toEqual([]);
    // The change announced during the run was not lost.
    expect(runs.map((run) => run.label)).toEqual(['first', 'second']);
  });
});
