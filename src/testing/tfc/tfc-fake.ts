/**
 * One simulated HCP Terraform organization space: the run tasks API on a
 * {@link TfcState}, the run simulation that calls run tasks, and the control
 * surface and routes a test drives it with.
 */

import { Hono } from 'hono';
import { tfcApi } from '../../api/tfc/app.ts';
import type { TfcEnv } from '../../api/tfc/context.ts';
import {
  DEFAULT_TFC_SETTINGS,
  mergeTfcSettings,
  type TfcSettings,
} from '../../api/tfc/settings.ts';
import { TfcState } from '../../api/tfc/state.ts';
import type { Clock } from '../../engine/clock.ts';
import type { RecordStore } from '../../engine/store.ts';
import type { FakeWorld } from '../fake-dialect.ts';
import type { FiredWatch } from '../fired.ts';
import { createTfcControl, type TfcControl } from './control.ts';
import { tfcControlRoutes } from './control-routes.ts';
import { RunSimulation } from './run-simulation.ts';
import { checkStartupTokens, type TokenInput } from './tokens.ts';

/** Options of {@link createTfcFake}. */
export interface TfcFakeOptions {
  /** Switches over the defaults (verification, strict content type, time limits, …). */
  readonly settings?: Partial<TfcSettings>;
  /**
   * The public base URL in payloads and callback URLs.
   * @default the origin of the first request the fake serves
   */
  readonly baseUrl?: string;
  /**
   * A path the fake is served under (a namespace's `/ns/<name>`), put after
   * the base URL's origin in payloads and callback URLs.
   * @default ''
   */
  readonly basePath?: string;
  /**
   * How requests to run tasks are sent.
   * @default globalThis.fetch
   */
  readonly fetch?: typeof fetch;
  /**
   * Bearer tokens the API accepts from the start (`taskport serve
   * --tfc-token`). Each reset builds the world again from these options, so
   * they survive it, as tokens created through the control API do not.
   * @default none
   */
  readonly tokens?: readonly TokenInput[];
  /**
   * Where the world's records live (`taskport serve --store`): with a
   * durable store (`taskport/postgres`) organizations, workspaces, tokens,
   * run tasks, associations, runs, stages and results survive a restart of
   * the fake, and a reset deletes them.
   * @default none: the world lives in this process only
   */
  readonly store?: RecordStore;
}

/** The parts of one simulated `tfc` world. */
export interface TfcFake extends FakeWorld<TfcControl> {
  /** The public API: mount at the root. */
  readonly app: Hono<TfcEnv>;
  readonly state: TfcState;
  readonly control: TfcControl;
  /** The control API over HTTP, to be mounted at `/_taskport/tfc`. */
  readonly controlRoutes: Hono;
  /** Stops time limits and in-flight requests. */
  close(): Promise<void>;
  /** True when no request to a run task is in flight (runs waiting on callbacks count as idle). */
  isIdle(): boolean;
  /** Resolves once no request to a run task is in flight. */
  whenIdle(): Promise<void>;
}

/** The requests sent to run tasks (retries and time-limited ones included) from now until `stop()`. */
function watchWebhooks(state: TfcState): FiredWatch {
  const from = state.webhooks.length;
  return {
    stop: () => ({
      webhooks: state.webhooks.slice(from).map((delivery) => ({
        dialect: 'tfc',
        id: delivery.id,
        kind: delivery.kind,
        taskId: delivery.taskId,
        resultId: delivery.resultId,
        url: delivery.url,
        attempt: delivery.attempt,
        sentAtMs: delivery.sentAtMs,
      })),
    }),
  };
}

/**
 * Builds a simulated `tfc` world on `clock`.
 *
 * @example
 * const fake = createTfcFake(new VirtualClock());
 * fake.control.createOrganization({ name: 'acme' });
 * const token = fake.control.createToken();
 * const server = await listen(new Hono().route('/', fake.app).route('/_taskport/tfc', fake.controlRoutes));
 */
export function createTfcFake(clock: Clock, options: TfcFakeOptions = {}): TfcFake {
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const state = new TfcState({
    now: () => clock.now(),
    settings: options.settings,
    baseUrl: options.baseUrl,
    basePath: options.basePath,
    records: options.store,
  });
  for (const token of checkStartupTokens(options.tokens)) state.createToken(token);
  const simulation = new RunSimulation(state, clock, fetchImpl);
  const control = createTfcControl(state, simulation);
  const app = tfcApi({ state, clock, fetch: fetchImpl });
  const routes = tfcControlRoutes(control, {
    whenIdle: () => simulation.whenIdle(),
    learnBaseUrl: (url) => state.learnBaseUrl(url),
  });
  const fake: TfcFake = {
    app,
    state,
    control,
    controlRoutes: routes,
    close: async () => {
      await simulation.close();
      await state.persisted();
    },
    isIdle: () => simulation.isIdle(),
    whenIdle: () => simulation.whenIdle(),
    watchFired: () => watchWebhooks(state),
  };
  if (!state.durable) return fake;
  return {
    ...fake,
    // As the API does (app.ts): answer once loaded, and once the changes are stored.
    controlRoutes: new Hono()
      .use(async (_c, next) => {
        await state.load();
        await next();
        await state.persisted();
      })
      .route('/', routes),
    // The fake listens once the stored world is loaded, so that in-process
    // control calls see it too.
    listen: () => state.load(),
    // A world on a store outlives its process: a reset empties that store
    // rather than opening a new world on what it still holds.
    resetInPlace: async () => {
      await simulation.reset();
      await state.clear();
      state.settings = mergeTfcSettings(DEFAULT_TFC_SETTINGS, options.settings ?? {});
      state.rateLimitedRequests = 0;
    },
  };
}
