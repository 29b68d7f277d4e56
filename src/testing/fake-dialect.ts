/**
 * The whole contract between the fake server and a dialect it serves, in
 * one file: what a dialect's simulated world offers ({@link FakeWorld}) and
 * how the fake builds, routes to, waits for, seeds and resets it
 * ({@link FakeDialect}). The registry in `dialects.ts` lists one
 * `FakeDialect` per dialect; `FakeControl` and `createFakeApp` know
 * dialects only through it.
 *
 * @see src/testing/README.md (how to add a dialect)
 */

import type { Hono } from 'hono';
import type { Clock } from '../engine/clock.ts';
import type { FetchHandler, Listening, ListenOptions } from '../node.ts';
import type { FiredWatch } from './fired.ts';
import type { Journal } from './journal.ts';
import type { ControlOpenApi } from './openapi-builder.ts';
import type { WorldSnapshot } from './world-snapshot.ts';

/** A web-standard request handler, as a Hono app's `fetch`. */
export type DialectFetch = (request: Request, env?: unknown) => Response | Promise<Response>;

/** The Node listener `startFakeServer` passes to worlds that open ports of their own. */
export type ListenFunction = (handler: FetchHandler, options: ListenOptions) => Promise<Listening>;

/** What the fake server hands a dialect when it builds a world. */
export interface FakeDialectContext {
  /** The fake's clock: every timer and timestamp of the world goes through it. */
  readonly clock: Clock;
  /** The fake's journal, for requests a world answers on ports of its own. */
  readonly journal: Journal;
  /**
   * The path prefix of the namespace the world serves (`/ns/<name>`), `''`
   * for the default one. URLs the world hands to others, who cannot name
   * the namespace by a header (tfc's callback URLs), carry it.
   */
  readonly pathPrefix: string;
}

/**
 * One dialect's simulated world: the fake builds one at start and a new one
 * at each reset (unless it resets in place).
 */
export interface FakeWorld<Control = unknown> {
  /** The dialect's public API. */
  readonly app: { readonly fetch: DialectFetch };
  /** What a test drives the world with, as methods (`control.<dialect>`). */
  readonly control: Control;
  /** The same operations over HTTP, mounted at `/_taskport/<dialect>`. */
  readonly controlRoutes: Hono;
  /** True when the world has no work in flight. */
  isIdle(): boolean;
  /** Resolves the next time the world has no work in flight. */
  whenIdle(): Promise<void>;
  /** Stops its timers, runs and requests. */
  close(): Promise<void>;
  /**
   * Resets the world in place instead of being replaced by a new one: a
   * world with ports of its own (a CTS cluster's members) keeps them.
   */
  resetInPlace?(): Promise<void>;
  /**
   * Starts collecting what fires in the world (triggers, runs, requests sent)
   * until the watch stops: the fake's `advance()` reports it.
   */
  watchFired?(): FiredWatch;
  /** Opens the world's own ports, once the fake listens (`startFakeServer`). */
  listen?(listen: ListenFunction, options: { readonly host?: string }): Promise<void>;
}

/** Where a client reached a world by a path prefix (a namespace's `/ns/<name>`). */
export interface PrefixedRequest {
  /** The prefix taken off the path, e.g. `/ns/team-a`. */
  readonly prefix: string;
  /** The request's origin, e.g. `http://127.0.0.1:8558`. */
  readonly origin: string;
  /** The path the world saw, without the prefix. */
  readonly path: string;
}

/** A seeded item the dialect's public API refused, with the status and message it answered. */
export interface SeedFailure {
  readonly name: string;
  readonly status: number;
  readonly message: string;
}

/**
 * A dialect as the fake server serves it. `Options` are its part of the
 * fake's options (`cts: {…}`), `World` what {@link create} builds, `Seed`
 * its part of `seed()`'s input (`never` when it has none).
 */
export interface FakeDialect<Options, World extends FakeWorld, Seed = never> {
  /** How the CLI's usage names it, e.g. `Consul-Terraform-Sync (/v1)`. */
  readonly title: string;
  /**
   * Where its work waits. `'clock'`: its engines attach to the fake's
   * clock, so a virtual clock's `whenIdle()` moves time for them. `'io'`:
   * on real I/O the clock cannot see (tfc's webhooks), which the fake lets
   * land before virtual time may jump (past a time limit, say).
   */
  readonly waitsOn: 'clock' | 'io';
  /**
   * Whether its public API answers this request, and if so under which
   * journal label (`'none'` for a path it answers but does not own). The
   * fake asks the dialects in registry order; the first claim wins.
   */
  claim(path: string, method: string): string | undefined;
  /** The handler of the requests it claims, in `world`. */
  handler(world: World): DialectFetch;
  /**
   * Whether its handler also answers the requests no dialect claims, labelled
   * `'none'` in the journal: CTS's root router answers every path (any
   * OPTIONS with 200, the rest with chi's 404, all with its CORS headers).
   * The first served dialect that says so answers them; with none, the fake
   * answers a plain 404.
   */
  readonly answersUnclaimed?: boolean;
  /**
   * Its answer to a client that came by a path prefix, with the links its
   * API builds (absolute or root-relative) carrying the prefix, so that a
   * client following them stays in the namespace. Without it the answer
   * goes out as it is.
   */
  withPrefix?(response: Response, at: PrefixedRequest): Response | Promise<Response>;
  /** Builds a world on the fake's clock. */
  create(context: FakeDialectContext, options: Options): World;
  /** Creates what `input` lists through the public API's own validation; returns what was refused. */
  seed?(world: World, input: Seed): Promise<SeedFailure[]>;
  /** Its API description, served at `/_taskport/openapi/<dialect>.json`. */
  readonly openApi?: unknown;
  /**
   * The description of its control routes, for the control API's document
   * (`/_taskport/openapi/control.json`); a test fails for a route without one.
   */
  readonly controlOpenApi?: ControlOpenApi;
  /** What the dashboard shows of `world` (`GET /_taskport/snapshot`): its tasks, runs, windows. */
  snapshot?(world: World): Promise<WorldSnapshot>;
  /**
   * Where its API lives and one request to try it, for the CLI's start-up
   * lines: `path` under the fake's URL, `example` a curl command line for `url`.
   */
  readonly startHint?: { readonly path: string; example(url: string): string };
}

/**
 * Any dialect, as the registry checks its entries (methods compare their
 * parameters both ways, so every dialect's options, world and seed fit).
 */
export type AnyFakeDialect = FakeDialect<never, FakeWorld, never>;
