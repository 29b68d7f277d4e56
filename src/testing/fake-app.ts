/**
 * The fake server with no listening socket: every dialect side by side, the
 * control API under `/_taskport/`, and the journal, as one `fetch` handler
 * (and a Hono app around it), for every namespace (`x-taskport-namespace`
 * or `/ns/<name>/…`; none: the default). Serve it with `startFakeServer()` on Node, or
 * hand `fetch` to `Bun.serve` / `Deno.serve`.
 */

import { Hono } from 'hono';
import type { Clock } from '../engine/clock.ts';
import { createRealClock } from '../engine/clock.ts';
import { VirtualClock } from '../engine/virtual-clock.ts';
import { FakeControl, type FakeControlOptions } from './control.ts';
import { ControlGuard, type ControlGuardOptions, refusalResponse } from './control-guard.ts';
import { ALL_DIALECTS, type DialectName, type DialectOptionsMap } from './dialects.ts';
import { DEFAULT_JOURNAL_MAX_BYTES } from './journal.ts';
import { isUnder } from './mount.ts';
import { NAMESPACES_PATH, namespaceRoutes } from './namespace-routes.ts';
import {
  NAMESPACE_HEADER,
  NAMESPACE_PATH_PREFIX,
  type NamespaceSelection,
  NamespaceSelectionError,
  requestAtPath,
  selectNamespace,
} from './namespace-routing.ts';
import {
  DEFAULT_NAMESPACE,
  NAMESPACE_JOURNAL_MAX_BYTES,
  type Namespace,
  NamespaceError,
  type NamespaceOptions,
  NamespaceRegistry,
} from './namespaces.ts';
import { createWorldFetch, splitUrl } from './world-fetch.ts';

/**
 * Options of {@link createFakeApp}. Each dialect's options go under its name:
 * `cts` (`CtsFakeOptions`: enterprise, the global buffer period, an HA
 * cluster), `tfc` (`TfcFakeOptions`: its knobs, its base URL), `ona`
 * (`OnaFakeOptions`: executor, policies, auth).
 */
export interface FakeAppOptions extends DialectOptionsMap, ControlGuardOptions {
  /** @default every dialect */
  readonly dialects?: readonly DialectName[];
  /**
   * `'real'` runs buffer periods and cron on wall-clock time, `'virtual'`
   * only when the control API advances it; or pass a Clock.
   * @default 'real'
   */
  readonly clock?: 'real' | 'virtual' | Clock;
  /** Requests kept in the journal. @default 10 000 */
  readonly journalLimit?: number;
  /**
   * Bytes the journal keeps, counted as each entry's strings (bodies cut at
   * 64 KiB of UTF-8) plus a fixed overhead; the oldest entries are evicted
   * to stay under it.
   * @default 16 MiB (`DEFAULT_JOURNAL_MAX_BYTES`)
   */
  readonly journalMaxBytes?: number;
  /**
   * Timers one `advance` (or `POST /_taskport/clock/advance`) may fire; past
   * it, advance stops at the last timer fired and the route answers 422.
   * @default 100 000 (`DEFAULT_ADVANCE_MAX_TIMERS`)
   */
  readonly advanceMaxTimers?: number;
  /**
   * Namespaces served besides the default one; a request that would create
   * one more answers 409 (`namespaceLimitMessage`).
   * @default 64 (`DEFAULT_MAX_NAMESPACES`)
   */
  readonly maxNamespaces?: number;
}

/** A web-standard request handler, as Bun, Deno and `taskport/node` serve one. */
export type FakeFetch = (request: Request, env?: unknown) => Promise<Response>;

/** The fake app and its control surface. */
export interface FakeApp {
  /**
   * The fake as a Hono app, to mount in another app or call with `app.request()`:
   * one catch-all route to {@link FakeApp.fetch}.
   */
  readonly app: Hono;
  /** Answers one request: the fastest way to serve the fake. */
  readonly fetch: FakeFetch;
  readonly control: FakeControl;
  /**
   * Who may use the control API (Host, Origin, token, media type). A server
   * that serves {@link FakeApp.fetch} itself calls `listeningOn(host, port)`
   * so that loopback names must come with its port.
   */
  readonly controlGuard: ControlGuard;
  /**
   * Every namespace: the default one (whose control is {@link FakeApp.control})
   * and those created on first use or by `namespaces.create(name)`.
   */
  readonly namespaces: NamespaceRegistry;
}

/** Where the path of an absolute URL starts. */
function pathStartOf(url: string): number {
  return url.indexOf('/', url.indexOf('://') + 3);
}

function clockOf(option: FakeAppOptions['clock']): Clock {
  if (option === undefined || option === 'real') return createRealClock();
  if (option === 'virtual') return new VirtualClock({ startMs: Date.now() });
  return option;
}

/** The kind of clock a new namespace gets by default: the fake's, never its instance. */
function clockKindOf(option: FakeAppOptions['clock']): 'real' | 'virtual' {
  if (option === undefined || option === 'real') return 'real';
  if (option === 'virtual') return 'virtual';
  return option.controlsTime ? 'virtual' : 'real';
}

/**
 * The options of a namespace other than the default: the fake's, with its
 * own clock, a smaller journal, and nothing that cannot be had twice (a CTS
 * cluster's ports, the durable store, an executor holding scripted outcomes).
 */
function namespaceControlOptions(
  options: FakeAppOptions,
  dialects: readonly DialectName[],
  name: string,
  namespaceOptions: NamespaceOptions,
): FakeControlOptions {
  const kind = namespaceOptions.clock ?? clockKindOf(options.clock);
  const clock =
    kind === 'virtual'
      ? new VirtualClock({ startMs: namespaceOptions.startMs ?? Date.now() })
      : createRealClock();
  // A cluster (its ports, or its place in a cluster of processes) and the
  // durable stores belong to the default namespace only.
  const { cluster: _cluster, processHa: _processHa, store: _store, ...cts } = options.cts ?? {};
  const { store: _tfcStore, ...tfc } = options.tfc ?? {};
  const { executor: _executor, store: _onaStore, ...ona } = options.ona ?? {};
  return {
    ...options,
    clock,
    dialects,
    journalMaxBytes: Math.min(
      options.journalMaxBytes ?? DEFAULT_JOURNAL_MAX_BYTES,
      NAMESPACE_JOURNAL_MAX_BYTES,
    ),
    pathPrefix: `${NAMESPACE_PATH_PREFIX}${name}`,
    cts: { ...cts, enterprise: namespaceOptions.cts?.enterprise ?? cts.enterprise },
    tfc,
    ona,
  };
}

/** A refusal of the namespace layer, in the control API's `{ error }` envelope. */
function errorResponse(status: number, message: string): Response {
  return new Response(JSON.stringify({ error: message }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** Builds the fake server's app. */
export function createFakeApp(options: FakeAppOptions = {}): FakeApp {
  const dialects = options.dialects ?? ALL_DIALECTS;
  const control = new FakeControl({ ...options, clock: clockOf(options.clock), dialects });
  const controlGuard = new ControlGuard(options);
  // The namespaces' routes are served from every namespace; they need the
  // registry, which needs the default namespace: bound once both exist.
  let namespacesApp: Hono | undefined;
  const sharedControl = {
    at: NAMESPACES_PATH,
    fetch: (request: Request, env?: unknown) => (namespacesApp as Hono).fetch(request, env),
  };
  const namespaceOf = (
    name: string,
    namespaceControl: FakeControl,
    namespaceOptions: NamespaceOptions,
  ): Namespace => ({
    name,
    control: namespaceControl,
    fetch: createWorldFetch({ control: namespaceControl, guard: controlGuard, sharedControl }),
    options: namespaceOptions,
    createdAtMs: Date.now(),
    durable:
      name === DEFAULT_NAMESPACE &&
      (options.cts?.store ?? options.tfc?.store ?? options.ona?.store) !== undefined,
  });
  const namespaces = new NamespaceRegistry({
    defaultNamespace: namespaceOf(DEFAULT_NAMESPACE, control, {}),
    build: (name, namespaceOptions) =>
      namespaceOf(
        name,
        new FakeControl(namespaceControlOptions(options, dialects, name, namespaceOptions)),
        namespaceOptions,
      ),
    maxNamespaces: options.maxNamespaces,
  });
  namespacesApp = namespaceRoutes(namespaces);
  const defaultFetch = namespaces.defaultNamespace.fetch;

  /** A request that names a namespace, by header or path prefix. */
  const namespacedFetch = async (
    request: Request,
    env: unknown,
    header: string | null,
  ): Promise<Response> => {
    const { url } = request;
    const { path, pathStart } = splitUrl(url);
    let selection: NamespaceSelection;
    try {
      selection = selectNamespace(path, header) as NamespaceSelection;
    } catch (error) {
      if (error instanceof NamespaceSelectionError) return errorResponse(400, error.message);
      throw error;
    }
    const target =
      selection.by === 'prefix' ? requestAtPath(request, url, pathStart, selection.path) : request;
    const prefix = selection.by === 'prefix' ? selection.prefix : '';
    let namespace = namespaces.get(selection.name);
    // The namespaces' own routes create none.
    if (namespace === undefined && isUnder(selection.path, NAMESPACES_PATH)) {
      return defaultFetch(target, env, '');
    }
    if (namespace === undefined) {
      // A control request the guard refuses creates nothing either.
      if (isUnder(selection.path, '/_taskport')) {
        const refusal = controlGuard.check(target, selection.path);
        if (refusal !== undefined) return refusalResponse(refusal);
      }
      try {
        namespace = namespaces.resolve(selection.name);
      } catch (error) {
        if (error instanceof NamespaceError) return errorResponse(error.status, error.message);
        throw error;
      }
    }
    return namespace.fetch(target, env, prefix);
  };

  const fetch: FakeFetch = (request, env) => {
    const { url } = request;
    const header = request.headers.get(NAMESPACE_HEADER);
    // No header, no prefix: the default namespace, as the fake was before namespaces.
    if (header === null && !url.startsWith(NAMESPACE_PATH_PREFIX, pathStartOf(url))) {
      return defaultFetch(request, env, '');
    }
    return namespacedFetch(request, env, header);
  };

  const app = new Hono();
  app.all('*', (c) => fetch(c.req.raw, c.env));
  return { app, fetch, control, controlGuard, namespaces };
}
