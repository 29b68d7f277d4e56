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

/**
 * What the system needs of a taskport tree: this one's, or (for
 * `taskport-baseline`) another checkout's, loaded from its own sources.
 */
export interface TaskportModules {
  readonly createEngine: typeof createEngine;
  readonly createPostgresStorage: typeof createPostgresStorage;
  readonly ProducerCoordination: typeof ProducerCoordination;
}

/** Tasks created at once during setup. */
const SETUP_CONCURRENCY = 8;

/** The system on the modules that `load` gives (loaded once, on first use). */
export function taskportSystem(load: () => Promise<TaskportModules>): BenchSystem {
  let loaded: Promise<TaskportModules> | undefined;
  const modules = (): Promise<TaskportModules> => {
    loaded ??= load();
    return loaded;
  };
  return {
    pendingSql: `SELECT (SELECT count(*) FROM taskport_windows)
    + (SELECT count(*) FROM taskport_leases) AS pending`,

    async openWorker(url, index, onRunStart) {
      const { createEngine, createPostgresStorage } = await modules();
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
      const { createEngine, createPostgresStorage, ProducerCoordination } = await modules();
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
}

/** taskport as this checkout has it. */
export const taskport: BenchSystem = taskportSystem(async () => ({
  createEngine,
  createPostgresStorage,
  ProducerCoordination,
}));

/**
 * taskport from the checkout at `BENCH_PG_BASELINE` (a worktree of an
 * earlier commit, with node_modules reachable from it), so that a change
 * is measured against the code before it in one run.
 */
export const taskportBaseline: BenchSystem = taskportSystem(async () => {
  const root = process.env.BENCH_PG_BASELINE;
  if (root === undefined || root === '') {
    throw new Error('taskport-baseline: set BENCH_PG_BASELINE to the checkout to compare with');
  }
  const engine = await import(`${root}/src/engine/engine.ts`);
  const storage = await import(`${root}/src/postgres/storage.ts`);
  const producer = await import(`${root}/bench/postgres/systems/producer-coordination.ts`);
  return {
    createEngine: engine.createEngine,
    createPostgresStorage: storage.createPostgresStorage,
    ProducerCoordination: producer.ProducerCoordination,
  } as TaskportModules;
});
