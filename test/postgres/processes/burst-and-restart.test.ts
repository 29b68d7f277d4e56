/**
 * Real worker processes on one database: a burst of changes announced
 * across three of them becomes one window and one run; and a restart of
 * every process (all killed at once, new ones started) loses no task, no
 * pending window and no event history, and the window fires afterwards.
 *
 * Each wait polls the database up to a deadline; nothing sleeps.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leaseExpiredMessage } from '../../../src/engine/shared-scheduler.ts';
import { useTestDatabase } from '../../support/postgres.ts';
import { createFleet, type Fleet, runsOf, until } from './fleet.ts';

const db = useTestDatabase();

let fleet: Fleet;
beforeEach(async () => {
  fleet = await createFleet(db().url, { leaseMs: 1_000, pollIntervalMs: 100 });
});
afterEach(async () => {
  await fleet.close();
});

describe('workers on one database', () => {
  it('joins a burst of changes announced across three workers into one window and one run', async () => {
    const workers = await Promise.all(['a', 'b', 'c'].map((name) => fleet.start(name)));
    const [a] = workers;
    // The quiet time only has to outlast the gaps between the burst's changes.
    await a?.createTask({ id: 'web', name: 'web', bufferPeriod: { minMs: 600, maxMs: 10_000 } });
    const labels = Array.from({ length: 30 }, (_, i) => `change-${i}`);
    await Promise.all(
      labels.map((label, i) => workers[i % workers.length]?.notify('web', { label })),
    );
    // Every change joined one window (none fired early and opened another).
    expect(await fleet.window('web')).toMatchObject({ changeCount: 30 });

    await until(async () => (await fleet.events('web')).length === 1, 'the run');
    // Nothing left that could start another run: no window, no lease.
    await until(
      async () => (await fleet.window('web')) === undefined && !(await fleet.leased('web')),
      'the task to be settled',
    );
    const runs = runsOf(await fleet.runLog('web'));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ changeCount: 30, end: 'finished' });
    // The data is the latest change's: the burst is concurrent, so any of them.
    expect(labels).toContain(runs[0]?.label);
    expect(await fleet.events('web')).toEqual([
      { executionId: runs[0]?.executionId, success: true, failureMessage: null, trigger: 'change' },
    ]);
  });

  it('loses no task, pending window or event history when every process restarts', async () => {
    const [a, b] = await Promise.all([fleet.start('a'), fleet.start('b')]);
    await a.createTask({ id: 'history', name: 'history' });
    await a.createTask({ id: 'idle', name: 'idle' });
    await a.createTask({ id: 'busy', name: 'busy' });
    // A window that outlasts the restart: it must still be pending when the processes die.
    await a.createTask({
      id: 'pending',
      name: 'pending',
      bufferPeriod: { minMs: 1_000, maxMs: 1_000 },
    });
    await a.notify('history', { label: 'h1' });
    await until(async () => (await fleet.events('history')).length === 1, 'the first event');
    await b.notify('history', { label: 'h2' });
    await until(async () => (await fleet.events('history')).length === 2, 'the second event');
    const history = await fleet.events('history');
    // A run in flight when everything dies.
    await b.notify('busy', { label: 'interrupted', hold: true });
    await until(async () => runsOf(await fleet.runLog('busy')).length === 1, 'the busy run');
    const interrupted = runsOf(await fleet.runLog('busy'))[0];
    await a.notify('pending', { label: 'after-restart' });

    await fleet.killAll();
    const window = await fleet.window('pending');
    expect(window, 'the window fired before the processes died').toMatchObject({
      changeCount: 1,
      data: { label: 'after-restart' },
    });

    await Promise.all([fleet.start('c'), fleet.start('d')]);
    await until(async () => (await fleet.events('pending')).length === 1, 'the window to fire');
    await until(async () => (await fleet.events('busy')).length === 1, 'the busy run recovered');

    expect(await fleet.taskIds()).toEqual(['history', 'idle', 'busy', 'pending']);
    expect(await fleet.events('history')).toEqual(history);
    expect(await fleet.events('idle')).toEqual([]);
    const [fired] = runsOf(await fleet.runLog('pending'));
    expect(fired).toMatchObject({ label: 'after-restart', changeCount: 1, end: 'finished' });
    expect(['c', 'd']).toContain(fired?.worker);
    expect(fired?.startedAtMs).toBeGreaterThanOrEqual(window?.fireAtMs ?? NaN);
    expect(await fleet.events('pending')).toEqual([
      expect.objectContaining({ executionId: fired?.executionId, success: true }),
    ]);
    // The run that died with its process is recorded failed by a new one.
    expect(await fleet.events('busy')).toEqual([
      {
        executionId: interrupted?.executionId,
        success: false,
        failureMessage: leaseExpiredMessage(interrupted?.worker ?? ''),
        trigger: 'change',
      },
    ]);
  });
});
