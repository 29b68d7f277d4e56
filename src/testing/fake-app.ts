/**
 * The fake server with no listening socket: every dialect side by side, the
 * control API under `/_taskport/`, and the journal, as one `fetch` handler
 * (and a Hono app around it). Serve it with `startFakeServer()` on Node, or
 * hand `fetch` to `Bun.serve` / `Deno.serve`.
 */

import { Hono } from 'hono';
import { readBodyPrefix } from '../api/shared/read-body.ts';
import type { Clock } from '../engine/clock.ts';
import { createRealClock } from '../engine/clock.ts';
import { VirtualClock } from '../engine/virtual-clock.ts';
import { FakeControl } from './control.ts';
import { ControlGuard, type ControlGuardOptions, refusalResponse } from './control-guard.ts';
import { controlRoutes } from './control-routes.ts';
import {
  ALL_DIALECTS,
  type DialectName,
  type DialectOptionsMap,
  FAKE_DIALECTS,
} from './dialects.ts';
import type { AnyFakeDialect, DialectFetch } from './fake-dialect.ts';
import { JOURNAL_BODY_LIMIT, queryOf } from './journal.ts';
import { isUnder, mountedAt } from './mount.ts';

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
}

/** A 404 in chi's words, for a path no dialect serves when none answers them all. */
function notFound(): Response {
  return new Response('404 page not found\n', {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

/** The path and query of an absolute request URL, without building a `URL`. */
function splitUrl(url: string): { readonly path: string; readonly hasQuery: boolean } {
  const pathStart = url.indexOf('/', url.indexOf('://') + 3);
  if (pathStart < 0) return { path: '/', hasQuery: false };
  const queryStart = url.indexOf('?', pathStart);
  return queryStart < 0
    ? { path: url.slice(pathStart), hasQuery: false }
    : { path: url.slice(pathStart, queryStart), hasQuery: true };
}

function clockOf(option: FakeAppOptions['clock']): Clock {
  if (option === undefined || option === 'real') return createRealClock();
  if (option === 'virtual') return new VirtualClock({ startMs: Date.now() });
  return option;
}

/** Builds the fake server's app. */
export function createFakeApp(options: FakeAppOptions = {}): FakeApp {
  const dialects = options.dialects ?? ALL_DIALECTS;
  const control = new FakeControl({ ...options, clock: clockOf(options.clock), dialects });
  const controlApp = new Hono().route('/_taskport', controlRoutes(control));
  const controlGuard = new ControlGuard(options);
  // The served dialects, in registry order: the order they are asked to claim a request.
  const served = ALL_DIALECTS.filter((name) => dialects.includes(name)).map((name) => ({
    name,
    dialect: FAKE_DIALECTS[name] as AnyFakeDialect,
    controlPrefix: `/_taskport/${name}`,
  }));

  // Who answers what no dialect claims (cts, when served: its root router's CORS).
  const fallback = served.find(({ dialect }) => dialect.answersUnclaimed === true);

  /**
   * Which app answers `path`, and under which journal label. The dialects'
   * apps are looked up per request: a reset (or a CTS failover) replaces them.
   */
  const route = (path: string, method: string): { handler: DialectFetch; dialect: string } => {
    if (isUnder(path, '/_taskport')) {
      for (const { name, controlPrefix } of served) {
        if (isUnder(path, controlPrefix)) {
          return {
            handler: mountedAt(controlPrefix, control.fake(name).controlRoutes).fetch,
            dialect: 'control',
          };
        }
      }
      return { handler: controlApp.fetch, dialect: 'control' };
    }
    for (const { name, dialect } of served) {
      const label = dialect.claim(path, method);
      if (label !== undefined)
        return { handler: dialect.handler(control.fake(name)), dialect: label };
    }
    if (fallback !== undefined) {
      return { handler: fallback.dialect.handler(control.fake(fallback.name)), dialect: 'none' };
    }
    return { handler: notFound, dialect: 'none' };
  };

  const fetch: FakeFetch = async (request, env) => {
    const atMs = control.now();
    const { method, url } = request;
    const { path, hasQuery } = splitUrl(url);
    const { handler, dialect } = route(path, method);
    // Only the control API is guarded: the dialects' clients send any Host.
    const refusal = dialect === 'control' ? controlGuard.check(request, path) : undefined;
    const response = refusal === undefined ? await handler(request, env) : refusalResponse(refusal);
    control.journal.record({
      method,
      path,
      // Most requests have no query: parse one only when there is one.
      query: hasQuery ? queryOf(new URL(url)) : {},
      // After the answer: a body the dialect read is remembered; one it left is read now.
      body:
        method === 'GET' || method === 'HEAD'
          ? ''
          : await readBodyPrefix(request, JOURNAL_BODY_LIMIT),
      status: response.status,
      atMs,
      dialect,
    });
    return response;
  };

  const app = new Hono();
  app.all('*', (c) => fetch(c.req.raw, c.env));
  return { app, fetch, control, controlGuard };
}
