/**
 * A worker process dies (kill -9) or stalls (SIGSTOP past its lease) in the
 * middle of a run, with another worker on the same database: the survivor
 * recovers the run as failed with the lease-expired message, then runs the
 * task's owed follow-up itself, and no two runs of the task overlap while a
 * lease says only one may run.
 *
 * Real processes and the real clock: each wait polls the database or the
 * workers' reports up to a deadline, and no assertion is about how long
 * something took. Times compared are all the database's clock: the run log's
 * stamps and the leases' expiries.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leaseExpiredMessage } from '../../../src/engine/shared-scheduler.ts';
import { useTestDatabase } from '../../support/postgres.ts';
import {
  createFleet,
  exclusionViolations,
  type Fleet,
  type LoggedRun,
  recoveredExpiries,
  reportsOf,
  runsOf,
  until,
  type Worker,
} from './fleet.ts';

const db = useTestDatabase();

let fleet: Fleet;
beforeEach(async () => {
  fleet = await createFleet(db().url, { leaseMs: 1_000, pollIntervalMs: 100 });
});
afterEach(async () => {
  await fleet.close();
});

async function runs(taskId: string): Promise<LoggedRun[]> {
  return runsOf(await fleet.runLog(taskId));
}

/**
 * Two workers, a task, and a first run that holds; then a change during the
 * run, announced on the worker that does not run it: the one follow-up run
 * the task owes. Returns the holder, the other worker and the first run.
 */
async function holdingRun(): Promise<{ holder: Worker; other: Worker; first: LoggedRun }> {
  const [a, b] = await Promise.all([fleet.start('a'), fleet.start('b')]);
  await a.createTask({ id: 'web', name: 'web' });
  await a.notify('web', { label: 'first', hold: true });
  await until(async () => (await runs('web')).length === 1, 'the first run to start');
  const [first] = await runs('web');
  if (first === undefined) throw new Error('no first run');
  const holder = first.worker === a.name ? a : b;
  const other = holder === a ? b : a;
  return { holder, other, first };
}

describe('a worker dies or stalls in the middle of a run', () => {
  it('kill -9: the survivor records the run failed (lease expired), then runs the task itself', async () => {
    const { holder, other, first } = await holdingRun();
    await other.notify('web', { label: 'second' });
    // The task holds a valid lease, so the change waits in a window.
    expect(await fleet.window('web')).toMatchObject({ changeCount: 1, data: { label: 'second' } });

    await holder.kill();
    await until(async () => (await fleet.events('web')).length === 2, 'two events');
    await until(async () => !(await fleet.leased('web')), 'the task to be free again');

    const [, second] = await runs('web');
    expect(second).toMatchObject({ label: 'second', worker: other.name, end: 'finished' });
    // Recorded in either order: the follow-up may be claimed in the pump that recovers.
    expect(
      (await fleet.events('web')).sort((x, y) => (x.success ? 1 : 0) - (y.success ? 1 : 0)),
    ).toEqual([
      {
        executionId: first.executionId,
        success: false,
        failureMessage: leaseExpiredMessage(holder.name),
        trigger: 'change',
      },
      { executionId: second?.executionId, success: true, failureMessage: null, trigger: 'change' },
    ]);
    // Recovered once, by the survivor.
    expect(reportsOf(fleet.workers, 'recovered')).toEqual([
      expect.objectContaining({
        worker: other.name,
        executionId: first.executionId,
        owner: holder.name,
      }),
    ]);
    const expiries = recoveredExpiries(fleet.workers);
    // The dead run's right to run lasted until its lease's last expiry; the
    // follow-up started after it, so the two never overlapped.
    expect(second?.startedAtMs).toBeGreaterThanOrEqual(expiries.get(first.executionId) ?? NaN);
    expect(exclusionViolations(await runs('web'), expiries)).toEqual([]);
    expect(await fleet.window('web')).toBeUndefined();
  });

  it('SIGSTOP past the lease, then SIGCONT: the other worker took over; the resumed run is stopped and adds no event', async () => {
    const { holder, other, first } = await holdingRun();
    // The follow-up holds too, so that it still runs when the stalled worker wakes up.
    await other.notify('web', { label: 'second', hold: true });

    holder.signal('SIGSTOP');
    // The recovery's event and the follow-up's start come in either order
    // (the follow-up may replace the expired lease before anyone recovers it).
    await until(
      async () => (await runs('web')).length === 2 && (await fleet.events('web')).length === 1,
      'the other worker to take over',
    );
    const taken = await fleet.events('web');
    expect(taken).toEqual([
      expect.objectContaining({
        executionId: first.executionId,
        success: false,
        failureMessage: leaseExpiredMessage(holder.name),
      }),
    ]);

    holder.signal('SIGCONT');
    // The resumed worker's next renewal finds its lease taken and stops the run.
    // The wait's deadline is the only bound put on how soon: the overlap in
    // real time, from the follow-up's start until the resumed step sees its
    // stop, is what a lease cannot prevent (a stalled holder learns of the
    // takeover only when it runs again), so its length is not asserted.
    await until(
      async () => (await runs('web'))[0]?.end !== undefined,
      'the resumed run to see its stop',
    );
    const [resumed, second] = await runs('web');
    expect(resumed).toMatchObject({
      executionId: first.executionId,
      worker: holder.name,
      end: 'stopped',
      stopReason: 'lease lost',
    });
    await until(
      () =>
        reportsOf([holder], 'finished').some((report) => report.executionId === first.executionId),
      'the resumed run to end',
    );
    expect(reportsOf([holder], 'finished')).toEqual([
      expect.objectContaining({ executionId: first.executionId, phase: 'stopped' }),
    ]);

    expect(await other.release('web')).toBe(true);
    // The resumed run had ended before the release: any event of its is in by now.
    await until(
      async () =>
        (await fleet.events('web')).some((event) => event.executionId === second?.executionId) &&
        !(await fleet.leased('web')),
      "the follow-up's event",
    );
    // The workers record every run, stopped ones too (worker.ts): the only
    // thing keeping the resumed run's result out is that its lease was lost.
    const events = await fleet.events('web');
    expect(events.filter((event) => event.executionId === first.executionId)).toHaveLength(1);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ executionId: second?.executionId, success: true });
    // Exactly: the follow-up started after the last expiry the stalled run's
    // lease ever had, and the stalled run's work never completed.
    const expiries = recoveredExpiries(fleet.workers);
    expect(second?.startedAtMs).toBeGreaterThanOrEqual(expiries.get(first.executionId) ?? NaN);
    expect(exclusionViolations(await runs('web'), expiries)).toEqual([]);
    expect(reportsOf(fleet.workers, 'recovered')).toHaveLength(1);
  });
});
