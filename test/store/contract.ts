/**
 * The contract every {@link Store} passes: the in-memory store and the
 * PostgreSQL store run this same suite. Each test gets a fresh, empty store.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/engine/store.ts';
import type { StatusEvent, Task } from '../../src/engine/types.ts';

/** How a suite obtains stores. */
export interface StoreContractSubject {
  /** A fresh, empty store. */
  readonly createStore: () => Promise<Store>;
  /** A second store on the same data as `store` (another process's view), when the kind has one. */
  readonly openPeer?: (store: Store) => Promise<Store>;
}

export function taskFixture(id: string, overrides: Partial<Task> = {}): Task {
  return {
    id,
    name: id,
    scope: '',
    enabled: true,
    spec: { module: `./modules/${id}`, variables: { count: 1, tags: ['a', 'b'] } },
    triggers: [{ kind: 'change' }],
    dependsOn: [],
    bufferPeriod: { minMs: 5_000, maxMs: 20_000 },
    createdAtMs: 1_700_000_000_000,
    updatedAtMs: 1_700_000_000_000,
    deletionRequestedAtMs: undefined,
    ...overrides,
  };
}

let eventSequence = 0;
export function eventFixture(
  taskId: string,
  success: boolean,
  at = 1_700_000_000_000,
): StatusEvent {
  eventSequence++;
  return {
    id: `event-${eventSequence}`,
    taskId,
    executionId: `execution-${eventSequence}`,
    success,
    startedAtMs: at,
    finishedAtMs: at + 1_000,
    failureMessage: success ? undefined : `failure ${eventSequence}`,
    trigger: 'change',
    details: { providers: ['local'], services: [], source: './m' },
  };
}

export function runStoreContract(name: string, subject: StoreContractSubject): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await subject.createStore();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('tasks', () => {
      it('returns undefined for an unknown task', async () => {
        expect(await store.getTask('missing')).toBeUndefined();
      });

      it('returns an inserted task equal to what was stored, undefined fields included', async () => {
        const task = taskFixture('web', { bufferPeriod: undefined, scope: 'org-1' });
        expect(await store.insertTask(task)).toBe(true);
        const read = await store.getTask('web');
        expect(read).toEqual(task);
        expect(read !== undefined && 'deletionRequestedAtMs' in read).toBe(true);
        expect(read?.bufferPeriod).toBeUndefined();
      });

      it('refuses a second insert of the same id and keeps the first', async () => {
        await store.insertTask(taskFixture('web', { name: 'first' }));
        expect(await store.insertTask(taskFixture('web', { name: 'second' }))).toBe(false);
        expect((await store.getTask('web'))?.name).toBe('first');
        expect(await store.countTasks()).toBe(1);
      });

      it('replaces a stored task in place and refuses to replace an absent one', async () => {
        await store.insertTask(taskFixture('a'));
        await store.insertTask(taskFixture('b'));
        await store.insertTask(taskFixture('c'));
        expect(
          await store.replaceTask(taskFixture('a', { name: 'a2', deletionRequestedAtMs: 5 })),
        ).toBe(true);
        expect((await store.listTasks()).map((task) => task.name)).toEqual(['a2', 'b', 'c']);
        expect((await store.getTask('a'))?.deletionRequestedAtMs).toBe(5);
        expect(await store.replaceTask(taskFixture('missing'))).toBe(false);
        expect(await store.getTask('missing')).toBeUndefined();
      });

      it('lists in insertion order, and by scope', async () => {
        for (const [id, scope] of [
          ['z', 'one'],
          ['a', 'two'],
          ['m', 'one'],
        ] as const) {
          await store.insertTask(taskFixture(id, { scope }));
        }
        expect((await store.listTasks()).map((task) => task.id)).toEqual(['z', 'a', 'm']);
        expect((await store.listTasks('one')).map((task) => task.id)).toEqual(['z', 'm']);
        expect(await store.listTasks('none')).toEqual([]);
        expect(await store.countTasks()).toBe(3);
      });

      it('deletes a task with its events, and says whether it was there', async () => {
        await store.insertTask(taskFixture('web'));
        await store.appendEvent(eventFixture('web', false), 5);
        expect(await store.deleteTask('web')).toBe(true);
        expect(await store.deleteTask('web')).toBe(false);
        expect(await store.getTask('web')).toBeUndefined();
        expect(await store.taskStatus('web')).toBeUndefined();
        // A task re-created with the id starts with no history.
        await store.insertTask(taskFixture('web'));
        expect(await store.taskStatus('web')).toEqual({ health: 'unknown', events: [] });
      });

      it('keeps the spec as JSON data: nested objects, arrays, strings with any character', async () => {
        const spec = {
          text: 'quote " backslash \\ unicode é \u2028 nul-free',
          list: [1, [2, { x: null }]],
        };
        await store.insertTask(taskFixture('web', { spec }));
        expect((await store.getTask('web'))?.spec).toEqual(spec);
      });

      it('keeps triggers, dependsOn and timestamps', async () => {
        const task = taskFixture('nightly', {
          triggers: [{ kind: 'cron', expression: '0 3 * * *', timezone: 'Europe/Paris' }],
          dependsOn: ['a', 'b'],
          createdAtMs: 1,
          updatedAtMs: 2,
        });
        await store.insertTask(task);
        expect(await store.getTask('nightly')).toEqual(task);
      });
    });

    describe('status', () => {
      it('a new task is unknown with no events', async () => {
        await store.insertTask(taskFixture('web'));
        expect(await store.taskStatus('web')).toEqual({ health: 'unknown', events: [] });
      });

      it('refuses an event for an unknown task and writes nothing', async () => {
        expect(await store.appendEvent(eventFixture('missing', true), 5)).toBeUndefined();
        expect(await store.taskStatus('missing')).toBeUndefined();
        expect((await store.summary()).health).toEqual({
          successful: 0,
          errored: 0,
          critical: 0,
          unknown: 0,
        });
      });

      it('keeps the newest `limit` events, newest first, as stored', async () => {
        await store.insertTask(taskFixture('web'));
        const events = [1, 2, 3, 4, 5, 6, 7].map((n) =>
          eventFixture('web', n % 2 === 0, n * 1_000),
        );
        for (const event of events) await store.appendEvent(event, 5);
        const status = await store.taskStatus('web');
        expect(status?.events).toEqual(events.slice(2).reverse());
      });

      it.each([
        [[true], 'successful'],
        [[false], 'errored'],
        [[false, false], 'critical'],
        [[false, true, false], 'critical'],
        [[false, true], 'successful'],
        [[true, false], 'errored'],
      ] as const)('events %j (oldest first) give health %s', async (successes, health) => {
        await store.insertTask(taskFixture('web'));
        let last: unknown;
        for (const success of successes)
          last = await store.appendEvent(eventFixture('web', success), 5);
        expect((last as { health: string }).health).toBe(health);
        expect((await store.taskStatus('web'))?.health).toBe(health);
      });

      it('forgets a failure once it falls out of the history', async () => {
        await store.insertTask(taskFixture('web'));
        await store.appendEvent(eventFixture('web', false), 3);
        await store.appendEvent(eventFixture('web', false), 3);
        expect((await store.taskStatus('web'))?.health).toBe('critical');
        await store.appendEvent(eventFixture('web', true), 3);
        await store.appendEvent(eventFixture('web', true), 3);
        await store.appendEvent(eventFixture('web', false), 3);
        // Kept, newest first: [false, true, true]: both older failures fell out.
        expect((await store.taskStatus('web'))?.health).toBe('errored');
      });

      it('keeps the summary by health and enabled through inserts, events, replaces and deletes', async () => {
        await store.insertTask(taskFixture('a'));
        await store.insertTask(taskFixture('b', { enabled: false }));
        await store.insertTask(taskFixture('c'));
        await store.appendEvent(eventFixture('a', true), 5);
        await store.appendEvent(eventFixture('b', false), 5);
        expect(await store.summary()).toEqual({
          health: { successful: 1, errored: 1, critical: 0, unknown: 1 },
          enabled: { true: 2, false: 1 },
        });
        await store.replaceTask(taskFixture('c', { enabled: false }));
        await store.appendEvent(eventFixture('b', false), 5);
        expect(await store.summary()).toEqual({
          health: { successful: 1, errored: 0, critical: 1, unknown: 1 },
          enabled: { true: 1, false: 2 },
        });
        await store.deleteTask('b');
        expect(await store.summary()).toEqual({
          health: { successful: 1, errored: 0, critical: 0, unknown: 1 },
          enabled: { true: 1, false: 1 },
        });
      });
    });

    describe('records', () => {
      it('puts, gets, replaces in place, lists by scope, deletes and clears', async () => {
        await store.putRecord('runs', 'r1', { n: 1 }, 'ws-1');
        await store.putRecord('runs', 'r2', { n: 2 }, 'ws-2');
        await store.putRecord('runs', 'r3', { n: 3 }, 'ws-1');
        await store.putRecord('other', 'r1', { n: 'other' });
        await store.putRecord('runs', 'r1', { n: 10 }, 'ws-1');
        expect(await store.getRecord('runs', 'r1')).toEqual({ n: 10 });
        expect(await store.getRecord('other', 'r1')).toEqual({ n: 'other' });
        expect(await store.getRecord('runs', 'missing')).toBeUndefined();
        expect(await store.listRecords('runs')).toEqual([{ n: 10 }, { n: 2 }, { n: 3 }]);
        expect(await store.listRecords('runs', 'ws-1')).toEqual([{ n: 10 }, { n: 3 }]);
        expect(await store.deleteRecord('runs', 'r2')).toBe(true);
        expect(await store.deleteRecord('runs', 'r2')).toBe(false);
        expect(await store.clearRecords('runs', 'ws-1')).toBe(2);
        expect(await store.listRecords('runs')).toEqual([]);
        expect(await store.listRecords('other')).toEqual([{ n: 'other' }]);
        expect(await store.clearRecords('other')).toBe(1);
      });
    });

    if (subject.openPeer !== undefined) {
      const openPeer = subject.openPeer;
      describe('shared by several engines', () => {
        it('a peer sees what the other wrote, and exactly one of two racing inserts wins', async () => {
          const peer = await openPeer(store);
          try {
            await store.insertTask(taskFixture('web'));
            expect((await peer.getTask('web'))?.id).toBe('web');
            const results = await Promise.all(
              Array.from({ length: 8 }, (_, n) =>
                (n % 2 === 0 ? store : peer).insertTask(taskFixture('race', { name: `r${n}` })),
              ),
            );
            expect(results.filter(Boolean)).toHaveLength(1);
          } finally {
            await peer.close();
          }
        });

        it('events appended from two stores at once are all counted in health and summary', async () => {
          const peer = await openPeer(store);
          try {
            await store.insertTask(taskFixture('web'));
            await Promise.all(
              Array.from({ length: 6 }, (_, n) =>
                (n % 2 === 0 ? store : peer).appendEvent(eventFixture('web', false), 5),
              ),
            );
            const status = await peer.taskStatus('web');
            expect(status?.events).toHaveLength(5);
            expect(status?.health).toBe('critical');
            expect((await store.summary()).health.critical).toBe(1);
          } finally {
            await peer.close();
          }
        });
      });
    }
  });
}
