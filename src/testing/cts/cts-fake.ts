/**
 * One simulated CTS daemon: an engine with CTS's policies, the simulated
 * Consul it watches, the Terraform model that runs its tasks, scripted
 * outcomes, and the CTS API on top.
 */

import type { Hono } from 'hono';
import { ctsApi } from '../../api/cts/app.ts';
import { createCtsEngine } from '../../api/cts/cts-engine.ts';
import type { EffectiveBufferPeriod } from '../../api/cts/types.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Engine } from '../../engine/engine.ts';
import type { Store } from '../../engine/store.ts';
import type { FakeWorld } from '../fake-dialect.ts';
import { watchEngine } from '../fired.ts';
import { connectCatalogTriggers } from './catalog-triggers.ts';
import type { CtsCluster } from './cluster/cluster.ts';
import type { CtsClusterOptions } from './cluster/options.ts';
import type {
  CtsProcessHa,
  CtsProcessHaOptions,
  CtsProcessHaParts,
} from './cluster/process-member.ts';
import { ConsulCatalog } from './consul-catalog.ts';
import { type CtsControl, createCtsControl } from './control.ts';
import { ctsControlRoutes } from './control-routes.ts';
import { ScriptedOutcomes } from './scripted-outcomes.ts';
import { createTerraformModel } from './terraform-model.ts';

/** Options of the fake's CTS dialect. */
export interface CtsFakeOptions {
  /** Serve as CTS Enterprise. @default false */
  readonly enterprise?: boolean;
  /** The daemon's global buffer period. @default enabled, 5 s, 20 s */
  readonly globalBufferPeriod?: EffectiveBufferPeriod;
  /**
   * Serve a CTS Enterprise HA cluster instead of one instance: each member on
   * its own port, one leader, failover through the control API (implies
   * `enterprise`). `createCtsFake` ignores it; the dialect builds the cluster
   * (`createCtsClusterFake`).
   */
  readonly cluster?: CtsClusterOptions;
  /**
   * Where the daemon keeps its tasks and events (`taskport serve --store`):
   * with a durable store (`taskport/postgres`) they survive a restart of the
   * fake, and a reset deletes them. The simulated Consul stays in memory.
   * @default a new in-memory store per world
   */
  readonly store?: Store;
  /**
   * Be one member of a CTS Enterprise HA cluster whose members are
   * processes on one database (`taskport serve --cts-ha`), instead of one
   * instance or an in-process simulation (implies `enterprise`). The member
   * joins when the caller calls `ha.start(port)` with the port it listens on.
   */
  readonly processHa?: CtsProcessHaOptions;
}

/** The parts of one simulated CTS daemon, or of a cluster's view of one. */
export interface CtsFake extends FakeWorld<CtsControl> {
  readonly app: Hono;
  readonly engine: Engine;
  readonly catalog: ConsulCatalog;
  readonly outcomes: ScriptedOutcomes;
  /** With `cts.cluster`: the simulated HA cluster this daemon is the view of. */
  readonly cluster: CtsCluster | undefined;
  /** With `cts.processHa`: this process's member of a cluster on a database. */
  readonly ha?: CtsProcessHa;
  /** Stops timers and runs, and disconnects the catalog. */
  close(): Promise<void>;
}

/** The fake's cluster; throws unless it was started with `cts.cluster`. */
export function clusterOf(fake: CtsFake | undefined): CtsCluster {
  if (fake?.cluster === undefined) {
    throw new Error(
      "taskport: this fake server does not simulate a CTS cluster; start it with cts: { cluster: { name: '…', members: 3 } }.",
    );
  }
  return fake.cluster;
}

/** Builds a simulated CTS daemon on `clock`. */
export function createCtsFake(clock: Clock, options: CtsFakeOptions = {}): CtsFake {
  const catalog = new ConsulCatalog();
  const outcomes = new ScriptedOutcomes();
  const model = createTerraformModel({ catalog, outcomes });
  const engine = createCtsEngine({
    clock,
    executor: model,
    closeMode: 'abort',
    store: options.store,
  });
  engine.events.on('task:deleted', (task) => model.forget(task.id));
  const disconnect = connectCatalogTriggers(catalog, engine, 'cts');
  const app = ctsApi({
    engine,
    drivers: model,
    enterprise: options.enterprise,
    globalBufferPeriod: options.globalBufferPeriod,
  });
  const control = createCtsControl({ catalog, outcomes });
  const fake: CtsFake = {
    app,
    engine,
    catalog,
    outcomes,
    control,
    controlRoutes: ctsControlRoutes(
      () => control,
      () => clusterOf(fake),
    ),
    cluster: undefined,
    isIdle: () => engine.isIdle(),
    whenIdle: () => engine.whenIdle(),
    watchFired: () => watchEngine(engine, 'cts'),
    async close() {
      disconnect();
      await engine.close();
    },
    // A world on a store it was given outlives its process: a reset empties
    // that store rather than opening a new world on what it still holds.
    resetInPlace:
      options.store === undefined
        ? undefined
        : async () => {
            const tasks = await engine.listTasks();
            for (const task of tasks) {
              const active = engine.activeExecution(task.id);
              if (active !== undefined) engine.stopExecution(active.id, 'reset');
            }
            await Promise.all(tasks.map((task) => engine.deleteTask(task.id).catch(() => {})));
            catalog.clear();
            outcomes.clear();
          },
  };
  return fake;
}

/**
 * A simulated CTS Enterprise HA cluster as one daemon: the leader's API
 * and engine, the shared catalog and outcomes. It resets in place, so its
 * members keep their ports, and opens them when the fake listens.
 */
export function createCtsClusterFake(cluster: CtsCluster): CtsFake {
  const view = cluster.fake;
  const control = createCtsControl(view);
  const fake: CtsFake = {
    get app() {
      return view.app;
    },
    get engine() {
      return view.engine;
    },
    get catalog() {
      return view.catalog;
    },
    get outcomes() {
      return view.outcomes;
    },
    control,
    controlRoutes: ctsControlRoutes(
      () => control,
      () => cluster,
    ),
    cluster,
    isIdle: () => view.engine.isIdle() && cluster.isIdle(),
    // The leader's engine when the advance starts (a failover during it is not followed).
    watchFired: () => watchEngine(view.engine, 'cts'),
    whenIdle: async () => {
      await Promise.all([view.engine.whenIdle(), cluster.whenIdle()]);
    },
    close: () => cluster.close(),
    resetInPlace: () => cluster.reset(),
    listen: (listen, options) => cluster.listen(listen, options),
  };
  return fake;
}

/**
 * This process as one member of a CTS Enterprise HA cluster on a database:
 * the leader's API and engine while it leads, the follower's redirects
 * otherwise. A reset on the leader deletes the cluster's stored tasks; on a
 * follower it clears only this process's simulated Consul and outcomes.
 */
export function createCtsProcessHaFake(parts: CtsProcessHaParts): CtsFake {
  const { state, member, ha } = parts;
  const engineNow = (): Engine => member.term?.engine ?? state.standby;
  const control = createCtsControl({
    catalog: state.world.catalog,
    outcomes: state.world.outcomes,
  });
  const fake: CtsFake = {
    app: parts.app,
    get engine() {
      return engineNow();
    },
    catalog: state.world.catalog,
    outcomes: state.world.outcomes,
    control,
    controlRoutes: ctsControlRoutes(
      () => control,
      () => clusterOf(fake),
    ),
    cluster: undefined,
    ha,
    isIdle: () => engineNow().isIdle() && state.pending.size === 0,
    whenIdle: async () => {
      while (state.pending.size > 0) await Promise.all(state.pending);
      await engineNow().whenIdle();
    },
    close: () => ha.stop(),
    resetInPlace: async () => {
      const engine = member.term?.engine;
      if (engine !== undefined) {
        const tasks = await engine.listTasks();
        for (const task of tasks) {
          const active = engine.activeExecution(task.id);
          if (active !== undefined) engine.stopExecution(active.id, 'reset');
        }
        await Promise.all(tasks.map((task) => engine.deleteTask(task.id).catch(() => {})));
      }
      state.world.catalog.clear();
      state.world.outcomes.clear();
    },
  };
  return fake;
}
