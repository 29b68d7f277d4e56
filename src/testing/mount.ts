/**
 * Path helpers of the fake's dispatcher: whether a path is under a prefix,
 * and an app served under a prefix with the prefix taken off its paths.
 */

import { Hono } from 'hono';

/** Whether `path` is `prefix` or below it (`/api` is under `/api`, `/apix` is not). */
export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47);
}

/**
 * `app` served under `prefix` with the prefix taken off its paths. Built once
 * per app: each app is mounted at one prefix only, and a reset brings new
 * apps. Hono's `route` keeps the app's error handler; paths it has no route
 * for go to the app itself, for its own 404.
 */
const mountedApps = new WeakMap<Hono, Hono>();
export function mountedAt(prefix: string, app: Hono): Hono {
  let mounted = mountedApps.get(app);
  if (mounted === undefined) {
    mounted = new Hono().route(prefix, app);
    mounted.notFound((c) => app.fetch(c.req.raw, c.env));
    mountedApps.set(app, mounted);
  }
  return mounted;
}
