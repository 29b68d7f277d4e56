/**
 * taskport on PostgreSQL: one task per key with a change trigger and the
 * bench's buffer period; a change is `engine.notifyChange(key, data)`; a
 * worker is an engine with the shared coordination whose executor's step
 * does nothing.
 */

import { createEngine, type Engine } from '../../../src/engine/engine.ts';
import { createPostgresStorage } from '../../../src/postgres/storage.ts';
import { DEBOUNCE, POLL_MS, POOL_SIZE } from '../settings.ts';
import { ProducerCoordination } from './producer-coordination.ts';
import { type BenchSystem, withApplicationName } from './system.ts';

/** Tasks created at once during setup. */
const SETUP_CONCURRENCY = 8;

export const taskport: BenchSystem = {
  pendingSql: `SELECT (SELECT count(*) FROM taskport_windows)
    + (SELECT count(*) FROM taskport_leases) AS pending`,

  async openWorker(url, index, onRunStart) {
    const storage = createPostgresStorage({
      connectionString: withApplicationName(url, `bench-taskport-worker-${index}`),
      maxConnections: POOL_SIZE,
    });
    // Connects and checks the schema now rather than inside the measured drain.
    await storage.migrate();
    await storage.store.countTasks();
    let engine: Engine | undefined;
    return {
      async start() {
        engine = createEngine({
          store: storage.store,
          coordination: storage.coordination,
          ownerId: `worker-${index}`,
          pollIntervalMs: POLL_MS,
          executor: {
            runStep(context) {
              onRunStart(context.trigger.data);
              return undefined;
            },
          },
        });
        engine.events.on('engine:error', (error) => console.error('taskport worker:', error));
        await engine.ready();
      },
      async stop() {
        await engine?.close();
        engine = undefined;
      },
      async close() {
        await engine?.close();
        await storage.close();
      },
    };
  },

  async openProducer(url) {
    const storage = createPostgresStorage({
      connectionString: withApplicationName(url, 'bench-taskport-generator'),
      maxConnections: POOL_SIZE,
    });
    await storage.migrate();
    const engine = createEngine({
      store: storage.store,
      coordination: new ProducerCoordination(storage.coordination),
      // It claims nothing: its pump only has to wake now and then.
      pollIntervalMs: 60_000,
    });
    engine.events.on('engine:error', (error) => console.error('taskport generator:', error));
    await engine.ready();
    return {
      async setup(keys) {
        let next = 0;
        const createNext = async (): Promise<void> => {
          while (next < keys.length) {
            const id = keys[next++] as string;
            await engine.createTask({ id, name: id, bufferPeriod: DEBOUNCE });
          }
        };
        await Promise.all(Array.from({ length: SETUP_CONCURRENCY }, createNext));
      },
      async announce(key, data) {
        await engine.notifyChange(key, data);
        return true;
      },
      async close() {
        await engine.close();
        await storage.close();
      },
    };
  },
};
