/**
 * The fake server as a Hono app, with no listening socket: every dialect
 * side by side, the control API under `/_taskport/`, and the journal. Serve
 * it with `startFakeServer()` on Node, or `Bun.serve` / `Deno.serve`.
 */

import { Hono } from 'hono';
import type { Clock } from '../engine/clock.ts';
import { createRealClock } from '../engine/clock.ts';
import { VirtualClock } from '../engine/virtual-clock.ts';
import { ALL_DIALECTS, type DialectName, FakeControl } from './control.ts';
import { controlRoutes } from './control-routes.ts';
import type { CtsFakeOptions } from './cts/cts-fake.ts';
import { queryOf } from './journal.ts';
import type { OnaFakeOptions } from './ona/ona-fake.ts';
import type { TfcFakeOptions } from './tfc/tfc-fake.ts';

/** Options of {@link createFakeApp}. */
export interface FakeAppOptions {
  /** @default every dialect */
  readonly dialects?: readonly DialectName[];
  /**
   * `'real'` runs buffer periods and cron on wall-clock time, `'virtual'`
   * only when the control API advances it; or pass a Clock.
   * @default 'real'
   */
  readonly clock?: 'real' | 'virtual' | Clock;
  /** Options of the CTS dialect. */
  readonly cts?: CtsFakeOptions;
  /** Options of the Terraform Cloud dialect (its knobs, its base URL). */
  readonly tfc?: TfcFakeOptions;
  /** Options of the Ona dialect (executor, policies, auth). */
  readonly ona?: OnaFakeOptions;
  /** Requests kept in the journal. @default 10 000 */
  readonly journalLimit?: number;
}

/** The fake app and its control surface. */
export interface FakeApp {
  readonly app: Hono;
  readonly control: FakeControl;
}

/** Bodies longer than this are cut in the journal. */
const JOURNAL_BODY_LIMIT = 64 * 1024;

function dialectOf(path: string): string {
  if (path.startsWith('/_taskport')) return 'control';
  if (path === '/v1' || path.startsWith('/v1/')) return 'cts';
  if (path.startsWith('/api/v2/') || path === '/.well-known/terraform.json') return 'tfc';
  if (path.startsWith('/api/gitpod.')) return 'ona';
  return 'none';
}

/** Requests whose body the journal read, rebuilt from the bytes it read. */
const bufferedRequests = new WeakMap<Request, Request>();

/** The request a dialect should see: the journal's rebuilt one if it read the body. */
function requestOf(raw: Request): Request {
  return bufferedRequests.get(raw) ?? raw;
}

/** Hands `request` to `target` with `prefix` taken off its path. */
function forward(request: Request, prefix: string, target: Hono): Response | Promise<Response> {
  const url = new URL(request.url);
  url.pathname = url.pathname.slice(prefix.length) || '/';
  return target.fetch(new Request(url, request));
}

function clockOf(option: FakeAppOptions['clock']): Clock {
  if (option === undefined || option === 'real') return createRealClock();
  if (option === 'virtual') return new VirtualClock({ startMs: Date.now() });
  return option;
}

/** Builds the fake server's app. */
export function createFakeApp(options: FakeAppOptions = {}): FakeApp {
  const dialects = options.dialects ?? ALL_DIALECTS;
  const control = new FakeControl({
    clock: clockOf(options.clock),
    dialects,
    cts: options.cts,
    tfc: options.tfc,
    ona: options.ona,
    journalLimit: options.journalLimit,
  });
  const app = new Hono();

  app.use('*', async (c, next) => {
    const atMs = control.now();
    const method = c.req.method;
    let body = '';
    if (method !== 'GET' && method !== 'HEAD') {
      // Read once, then hand the dialect a request built from the same bytes:
      // cheaper than clone(), which tees the stream for a second reader.
      // Through Hono's body cache, so the control routes of this app can read it again.
      const bytes = await c.req.arrayBuffer();
      body = new TextDecoder().decode(
        bytes.byteLength > JOURNAL_BODY_LIMIT ? bytes.slice(0, JOURNAL_BODY_LIMIT) : bytes,
      );
      bufferedRequests.set(
        c.req.raw,
        new Request(c.req.raw.url, { method, headers: c.req.raw.headers, body: bytes }),
      );
    }
    await next();
    const path = c.req.path;
    const url = c.req.url;
    control.journal.record({
      method,
      path,
      // Most requests have no query: parse one only when there is one.
      query: url.includes('?') ? queryOf(new URL(url)) : {},
      body,
      status: c.res.status,
      atMs,
      dialect: dialectOf(path),
    });
  });

  if (dialects.includes('tfc')) {
    // Mounted ahead of the general control routes; a reset swaps the world behind it.
    app.all('/_taskport/tfc/*', (c) =>
      forward(requestOf(c.req.raw), '/_taskport/tfc', control.tfcFake.controlRoutes),
    );
  }
  if (dialects.includes('ona')) {
    app.all('/_taskport/ona/*', (c) =>
      forward(requestOf(c.req.raw), '/_taskport/ona', control.onaFake.controlRoutes),
    );
  }
  app.route('/_taskport', controlRoutes(control));
  if (dialects.includes('cts')) {
    // Forwarded to the current daemon, which a reset replaces.
    app.all('/v1', (c) => control.ctsFake.app.fetch(requestOf(c.req.raw)));
    app.all('/v1/*', (c) => control.ctsFake.app.fetch(requestOf(c.req.raw)));
  }
  if (dialects.includes('tfc')) {
    app.all('/api/v2/*', (c) => control.tfcFake.app.fetch(requestOf(c.req.raw)));
    app.get('/.well-known/terraform.json', (c) => control.tfcFake.app.fetch(requestOf(c.req.raw)));
  }
  if (dialects.includes('ona')) {
    // Ona serves its Connect methods under /api, as the real service does.
    app.all('/api/*', (c) => forward(requestOf(c.req.raw), '/api', control.onaFake.app));
  }
  app.notFound(
    () =>
      new Response('404 page not found\n', {
        status: 404,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      }),
  );
  return { app, control };
}
