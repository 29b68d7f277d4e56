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
import { connectCatalogTriggers } from './catalog-triggers.ts';
import type { CtsClusterOptions } from './cluster/options.ts';
import { ConsulCatalog } from './consul-catalog.ts';
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
   * `enterprise`). `createCtsFake` ignores it; the fake server builds the cluster.
   */
  readonly cluster?: CtsClusterOptions;
}

/** The parts of one simulated CTS daemon. */
export interface CtsFake {
  readonly app: Hono;
  readonly engine: Engine;
  readonly catalog: ConsulCatalog;
  readonly outcomes: ScriptedOutcomes;
  /** Stops timers and runs, and disconnects the catalog. */
  close(): Promise<void>;
}

/** Builds a simulated CTS daemon on `clock`. */
export function createCtsFake(clock: Clock, options: CtsFakeOptions = {}): CtsFake {
  const catalog = new ConsulCatalog();
  const outcomes = new ScriptedOutcomes();
  const model = createTerraformModel({ catalog, outcomes });
  const engine = createCtsEngine({ clock, executor: model, closeMode: 'abort' });
  engine.events.on('task:deleted', (task) => model.forget(task.id));
  const disconnect = connectCatalogTriggers(catalog, engine, 'cts');
  const app = ctsApi({
    engine,
    enterprise: options.enterprise,
    globalBufferPeriod: options.globalBufferPeriod,
  });
  return {
    app,
    engine,
    catalog,
    outcomes,
    async close() {
      disconnect();
      await engine.close();
    },
  };
}
