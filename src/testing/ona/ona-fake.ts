/**
 * One simulated Ona world: an engine on the fake's clock, environments,
 * scripted step outcomes, the Ona API on top, and its control surface.
 */

import { Hono } from 'hono';
import { onaApp } from '../../api/ona/app.ts';
import { createOnaEngine, type OnaStepExecutor } from '../../api/ona/ona-engine.ts';
import type { OnaAuthOptions, OnaPolicies } from '../../api/ona/options.ts';
import { OnaService } from '../../api/ona/service.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Engine } from '../../engine/engine.ts';
import type { Store } from '../../engine/store.ts';
import type { FakeWorld } from '../fake-dialect.ts';
import { watchEngine } from '../fired.ts';
import { createOnaControl, type OnaControl } from './control.ts';
import { onaControlRoutes } from './control-routes.ts';
import { OnaEnvironments } from './environments.ts';
import { ScriptedOnaExecutor } from './scripted-executor.ts';

/** Options of {@link createOnaFake}. */
export interface OnaFakeOptions {
  /**
   * Runs the steps. Scripting outcomes has no effect with another executor.
   * @default a {@link ScriptedOnaExecutor} (steps succeed at once unless scripted)
   */
  readonly executor?: OnaStepExecutor;
  /** Switches for the behaviours the references leave open. */
  readonly policies?: OnaPolicies;
  /** @default any non-empty bearer token */
  readonly auth?: OnaAuthOptions;
  /**
   * `registered`: CreateTask accepts only environments created through the
   * control API (research B13); `any`: every UUID.
   * @default 'registered'
   */
  readonly environments?: 'registered' | 'any';
  /** An execution's `status.logUrl`. */
  readonly logUrl?: (executionId: string) => string;
  /**
   * Where the world lives (`taskport serve --store`): the engine's tasks
   * (Ona's tasks), the execution records and the environments. With a
   * durable store (`taskport/postgres`) they survive a restart of the fake,
   * and a reset deletes them; an execution that was running when its process
   * ended is then failed, since its steps ran in that process.
   * @default a new in-memory store per world
   */
  readonly store?: Store;
}

/** The parts of one simulated Ona world. */
export interface OnaFake extends FakeWorld<OnaControl> {
  /** The Ona API; mount it under `/api`. */
  readonly app: Hono;
  /** The control routes; mount them at `/_taskport/ona`. */
  readonly controlRoutes: Hono;
  readonly control: OnaControl;
  readonly engine: Engine;
  readonly service: OnaService;
  /** Stops timers and executions. */
  close(): Promise<void>;
  /** True when no execution runs. */
  isIdle(): boolean;
  /** Resolves the next time no execution runs. */
  whenIdle(): Promise<void>;
}

/**
 * Builds a simulated Ona world on `clock`.
 *
 * @example
 * const ona = createOnaFake(new VirtualClock());
 * const app = new Hono().route('/api', ona.app).route('/_taskport/ona', ona.controlRoutes);
 * const env = ona.control.createEnvironment();
 * ona.control.script('build', { kind: 'fail', message: 'exit status 2' });
 */
export function createOnaFake(clock: Clock, options: OnaFakeOptions = {}): OnaFake {
  const scripted = new ScriptedOnaExecutor();
  const engine = createOnaEngine({
    clock,
    executor: options.executor ?? scripted,
    store: options.store,
  });
  const environments = new OnaEnvironments(() => clock.now(), options.store);
  const service = new OnaService({
    engine,
    policies: options.policies,
    auth: options.auth,
    environments: options.environments === 'any' ? undefined : environments,
    logUrl: options.logUrl,
  });

  const control = createOnaControl({ engine, service, environments, scripted });

  const fake: OnaFake = {
    app: onaApp(service),
    controlRoutes: onaControlRoutes(control),
    control,
    engine,
    service,
    close: () => engine.close(),
    isIdle: () => engine.isIdle(),
    whenIdle: () => engine.whenIdle(),
    watchFired: () => watchEngine(engine, 'ona'),
  };
  if (options.store === undefined) return fake;
  const loaded = async (): Promise<void> => {
    await Promise.all([service.ready(), environments.load()]);
  };
  return {
    ...fake,
    // Control requests see the stored world, and answer once their changes are stored.
    controlRoutes: new Hono()
      .use(async (_c, next) => {
        await loaded();
        await next();
        await environments.persisted();
      })
      .route('/', fake.controlRoutes),
    close: async () => {
      await engine.close();
      await environments.persisted();
    },
    // The fake listens once the stored world is loaded, so that in-process control calls see it.
    listen: loaded,
    // A world on a store outlives its process: a reset empties that store
    // rather than opening a new world on what it still holds.
    resetInPlace: async () => {
      await loaded();
      await control.reset();
      await environments.persisted();
    },
  };
}
