/**
 * tfc's and Ona's worlds on a record store they were given: everything they
 * answer survives a restart of the fake on the same store, and a reset
 * deletes it. The store here hands out JSON copies, as a database does, so a
 * change the worlds made in place but did not write back shows up.
 */

import { afterEach, expect, it } from 'vitest';
import { MemoryStore } from '../../src/engine/memory-store.ts';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import {
  buildDurableWorld,
  expectEmptyWorlds,
  readDurableWorld,
} from '../fixtures/durable-worlds.ts';

/** A MemoryStore whose records are JSON text: no object is shared with a caller. */
class JsonRecordStore extends MemoryStore {
  override putRecord<T>(collection: string, key: string, value: T, scope?: string): Promise<void> {
    return super.putRecord(collection, key, JSON.stringify(value), scope);
  }

  override async getRecord<T>(collection: string, key: string): Promise<T | undefined> {
    const text = await super.getRecord<string>(collection, key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  override async listRecords<T>(collection: string, scope?: string): Promise<T[]> {
    return (await super.listRecords<string>(collection, scope)).map(
      (text) => JSON.parse(text) as T,
    );
  }
}

const servers: FakeServer[] = [];

function start(store: MemoryStore): Promise<FakeServer> {
  return startFakeServer({ dialects: ['tfc', 'ona'], tfc: { store }, ona: { store } }).then(
    (server) => {
      servers.push(server);
      return server;
    },
  );
}

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

it('keeps run tasks, associations, runs, results, Ona tasks and executions across a restart', async () => {
  const store = new JsonRecordStore();
  const first = await start(store);
  const world = await buildDurableWorld(first.url);
  const before = await readDurableWorld(first.url, world);
  expect(
    (before.tfc as { result: { data: { attributes: { status: string } } } }).result.data.attributes
      .status,
  ).toBe('passed');
  await first.close();

  const second = await start(store);
  expect(await readDurableWorld(second.url, world)).toEqual(before);
});

it('deletes both worlds on a reset, also for the next process', async () => {
  const store = new JsonRecordStore();
  const first = await start(store);
  const world = await buildDurableWorld(first.url);
  const reset = await fetch(`${first.url}/_taskport/reset`, { method: 'POST' });
  expect(reset.status).toBeLessThan(300);
  await expectEmptyWorlds(first.url, world);
  await first.close();
  const second = await start(store);
  await expectEmptyWorlds(second.url, world);
});
