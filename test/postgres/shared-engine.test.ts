/**
 * Several engines on one PostgreSQL database, in one process, on one
 * VirtualClock: a change announced on any engine joins one window that
 * fires once, a cron tick fires once, a task runs at most once at a time,
 * and a run whose lease ran out is recorded as failed by another engine.
 *
 * Database I/O is real, so after moving virtual time a test waits, with a
 * bounded deadline, for the engines to have done what they must.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import type { Executor } from '../../src/engine/executor.ts';
import type { Execution } from '../../src/engine/types.ts';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';
import { createPostgresStorage, type PostgresStorage } from '../../src/postgres/storage.ts';
import { useTestDatabase } from '../support/postgres.ts';
import { freshSchema, T0 } from './support.ts';

const db = useTestDatabase();

interface World {
  readonly clock: VirtualClock;
  readonly engines: Engine[];
  readonly storages: PostgresStorage[];
  /** Every run started, on any engine. */
  readonly started: Execution[];
  close(): Promise<void>;
}

async function world(count: number, executor?: (engine: number) => Executor): Promise<World> {
  const clock = new VirtualClock({ startMs: T0 });
  const schema = freshSchema('engines');
  const started: Execution[] = [];
  const storages: PostgresStorage[] = [];
  const engines: Engine[] = [];
  for (let n = 0; n < count; n++) {
    const storage = createPostgresStorage({ pool: db().pool(), schema, now: () => clock.now() });
    await storage.migrate();
    storages.push(storage);
    const engine = createEngine({
      clock,
      store: storage.store,
      coordination: storage.coordination,
      ownerId: `engine-${n}`,
      leaseMs: 3_000,
      pollIntervalMs: 500,
      executor: executor?.(n),
    });
    engine.events.on('execution:started', (execution) => started.push(execution));
    await engine.ready();
    engines.push(engine);
  }
  return {
    clock,
    engines,
    storages,
    started,
    async close() {
      await Promise.all(engines.map((engine) => engine.close()));
      await Promise.all(storages.map((storage) => storage.close()));
    },
  };
}

/** Waits (real time, bounded) until `check` holds. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Moves virtual time in steps, letting the engines' database round trips land between them. */
async function advance(clock: VirtualClock, ms: number, stepMs = 250): Promise<void> {
  for (let moved = 0; moved < ms; moved += stepMs) {
    await clock.advance(Math.min(stepMs, ms - moved));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let w: World;
afterEach(async () => {
  await w?.close();
});

describe('engines sharing one database', () => {
  beforeEach(async () => {
    w = await world(3);
  });

  it('joins changes announced on three engines into one window that fires once with the latest data', async () => {
    const [a, b, c] = w.engines as [Engine, Engine, Engine];
    await a.createTask({ id: 'web', name: 'web', bufferPeriod: { minMs: 2_000, maxMs: 8_000 } });
    await a.notifyChange('web', { n: 1 });
    await advance(w.clock, 1_000);
    await b.notifyChange('web', { n: 2 });
    await advance(w.clock, 1_000);
    await c.notifyChange('web', { n: 3 });
    expect(await a.bufferFireAtMs('web')).toBe(T0 + 4_000);
    expect(await b.bufferWindow('web')).toEqual({ fireAtMs: T0 + 4_000, deadlineMs: T0 + 8_000 });
    await advance(w.clock, 1_500);
    expect(w.started).toHaveLength(0);
    await advance(w.clock, 1_000);
    await until(() => w.started.length > 0, 'the window to fire');
    await until(async () => (await a.taskStatus('web'))?.events.length === 1, 'its event');
    await advance(w.clock, 3_000);
    expect(w.started).toHaveLength(1);
    expect(w.started[0]?.trigger).toMatchObject({ kind: 'change', data: { n: 3 }, changeCount: 3 });
    expect((await c.taskStatus('web'))?.health).toBe('successful');
  });

  it('fires a cron tick once across the engines', async () => {
    const [a] = w.engines as [Engine];
    // Every minute: T0 is on a minute boundary.
    await a.createTask({
      id: 'nightly',
      name: 'nightly',
      triggers: [{ kind: 'cron', expression: '* * * * *' }],
    });
    await advance(w.clock, 61_000, 1_000);
    await until(() => w.started.length >= 1, 'the first tick');
    await until(async () => (await a.taskStatus('nightly'))?.events.length === 1, 'its event');
    expect(w.started.map((execution) => execution.trigger.kind)).toEqual(['cron']);
  });

  it('refuses a manual run on one engine while another runs the task', async () => {
    await w.close();
    let release: (() => void) | undefined;
    w = await world(2, () => ({
      runStep: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    }));
    const [a, b] = w.engines as [Engine, Engine];
    await a.createTask({ id: 'web', name: 'web' });
    const first = await a.runNow('web');
    await until(() => release !== undefined, 'the run to start');
    await expect(b.runNow('web')).rejects.toMatchObject({ code: 'busy' });
    release?.();
    await a.whenFinished(first.id);
    const second = await b.runNow('web');
    await until(() => w.started.length === 2, 'the second run');
    expect(second.taskId).toBe('web');
  });

  it('a change during a run becomes one follow-up run after it, on whichever engine claims it', async () => {
    await w.close();
    const releases: (() => void)[] = [];
    w = await world(2, () => ({
      runStep: () => new Promise<void>((resolve) => releases.push(resolve)),
    }));
    const [a, b] = w.engines as [Engine, Engine];
    await a.createTask({ id: 'web', name: 'web' });
    await a.notifyChange('web', { n: 1 });
    await until(() => releases.length === 1, 'the first run');
    await b.notifyChange('web', { n: 2 });
    await a.notifyChange('web', { n: 3 });
    await advance(w.clock, 2_000);
    expect(w.started).toHaveLength(1);
    releases[0]?.();
    await until(() => releases.length === 2, 'the follow-up run');
    expect(w.started[1]?.trigger).toMatchObject({ kind: 'change', data: { n: 3 }, changeCount: 2 });
    releases[1]?.();
    await until(async () => (await b.taskStatus('web'))?.events.length === 2, 'both events');
  });
});

describe('a run whose engine stops renewing its lease', () => {
  it('is recorded as failed by another engine, and the task is free again', async () => {
    w = await world(2, (n) => ({
      // Engine 0 hangs in its run; engine 1 succeeds.
      runStep: () => (n === 0 ? new Promise(() => {}) : undefined),
    }));
    const [a, b] = w.engines as [Engine, Engine];
    await a.createTask({ id: 'web', name: 'web' });
    await a.runNow('web');
    // Engine 0 stalls: its pool is gone, so it can neither renew nor finish.
    await w.storages[0]?.close();
    await advance(w.clock, 4_000);
    await until(async () => (await b.taskStatus('web'))?.events.length === 1, 'the recovery');
    const status = await b.taskStatus('web');
    expect(status?.health).toBe('errored');
    expect(status?.events[0]?.failureMessage).toContain('engine-0 stopped renewing');
    const again = await b.runNow('web');
    await b.whenFinished(again.id);
    await until(async () => (await b.taskStatus('web'))?.health === 'successful', 'the next run');
    // Engine 0's engine still closes (its run is stopped; its store is closed already).
    w.storages.splice(0, 1);
  });
});
