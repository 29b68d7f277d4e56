/**
 * The dispatcher of one namespace's world: the control prefixes, then each
 * served dialect's `claim`, then the dialect that `answersUnclaimed`, else
 * a 404; the control guard in front of the control API; the journal after
 * every answer. The fake app runs one per namespace.
 */

import { Hono } from 'hono';
import { readBodyPrefix } from '../api/shared/read-body.ts';
import type { FakeControl } from './control.ts';
import { type ControlGuard, refusalResponse } from './control-guard.ts';
import { controlRoutes } from './control-routes.ts';
import { ALL_DIALECTS, FAKE_DIALECTS } from './dialects.ts';
import type { AnyFakeDialect, DialectFetch } from './fake-dialect.ts';
import { JOURNAL_BODY_LIMIT, queryOf } from './journal.ts';
import { isUnder, mountedAt } from './mount.ts';

/** Where the path of a request starts, and whether a query follows it. */
export interface RequestPath {
  readonly path: string;
  /** The index in the URL where the path starts (its origin ends). */
  readonly pathStart: number;
  readonly hasQuery: boolean;
}

/** The path and query of an absolute request URL, without building a `URL`. */
export function splitUrl(url: string): RequestPath {
  const pathStart = url.indexOf('/', url.indexOf('://') + 3);
  if (pathStart < 0) return { path: '/', pathStart: url.length, hasQuery: false };
  const queryStart = url.indexOf('?', pathStart);
  return queryStart < 0
    ? { path: url.slice(pathStart), pathStart, hasQuery: false }
    : { path: url.slice(pathStart, queryStart), pathStart, hasQuery: true };
}

/**
 * Answers one request of a namespace. `prefix` is the path prefix it came
 * by (`/ns/<name>`, taken off its URL already), `''` when none: the
 * dialects' links then carry it.
 */
export type WorldFetch = (request: Request, env: unknown, prefix: string) => Promise<Response>;

/** A 404 in chi's words, for a path no dialect serves when none answers them all. */
function notFound(): Response {
  return new Response('404 page not found\n', {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

/** Options of {@link createWorldFetch}. */
export interface WorldFetchOptions {
  readonly control: FakeControl;
  readonly guard: ControlGuard;
  /** Control routes served beside the namespace's own (the namespaces'), and where. */
  readonly sharedControl?: { readonly at: string; readonly fetch: DialectFetch };
}

/** Builds the dispatcher of one namespace's world. */
export function createWorldFetch({ control, guard, sharedControl }: WorldFetchOptions): WorldFetch {
  const { dialects } = control;
  const mountedControl = new Hono().route('/_taskport', controlRoutes(control));
  // The served dialects, in registry order: the order they are asked to claim a request.
  const served = ALL_DIALECTS.filter((name) => dialects.includes(name)).map((name) => ({
    name,
    dialect: FAKE_DIALECTS[name] as AnyFakeDialect,
    controlPrefix: `/_taskport/${name}`,
  }));

  // Who answers what no dialect claims (cts, when served: its root router's CORS).
  const fallback = served.find(({ dialect }) => dialect.answersUnclaimed === true);

  /**
   * Which app answers `path`, under which journal label, and which dialect
   * builds its links. The dialects' apps are looked up per request: a reset
   * (or a CTS failover) replaces them.
   */
  const route = (
    path: string,
    method: string,
  ): { handler: DialectFetch; dialect: string; owner?: AnyFakeDialect } => {
    if (isUnder(path, '/_taskport')) {
      for (const { name, controlPrefix } of served) {
        if (isUnder(path, controlPrefix)) {
          return {
            handler: mountedAt(controlPrefix, control.fake(name).controlRoutes).fetch,
            dialect: 'control',
          };
        }
      }
      if (sharedControl !== undefined && isUnder(path, sharedControl.at)) {
        return { handler: sharedControl.fetch, dialect: 'control' };
      }
      return { handler: mountedControl.fetch, dialect: 'control' };
    }
    for (const { name, dialect } of served) {
      const label = dialect.claim(path, method);
      if (label !== undefined)
        return { handler: dialect.handler(control.fake(name)), dialect: label, owner: dialect };
    }
    if (fallback !== undefined) {
      return {
        handler: fallback.dialect.handler(control.fake(fallback.name)),
        dialect: 'none',
        owner: fallback.dialect,
      };
    }
    return { handler: notFound, dialect: 'none' };
  };

  return async (request, env, prefix) => {
    const atMs = control.now();
    const { method, url } = request;
    const { path, pathStart, hasQuery } = splitUrl(url);
    const { handler, dialect, owner } = route(path, method);
    // Only the control API is guarded: the dialects' clients send any Host.
    const refusal = dialect === 'control' ? guard.check(request, path) : undefined;
    let response = refusal === undefined ? await handler(request, env) : refusalResponse(refusal);
    // A client that came by a path prefix follows links that keep it.
    if (prefix !== '' && owner?.withPrefix !== undefined) {
      response = await owner.withPrefix(response, {
        prefix,
        origin: url.slice(0, pathStart),
        path,
      });
    }
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
}
