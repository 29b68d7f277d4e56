/**
 * `taskport/msw`: Mock Service Worker request handlers answered by the fake
 * in-process, for an app whose base URL is fixed (`https://app.terraform.io`,
 * a CTS address in its config): msw intercepts its requests, and the fake's
 * dialects answer them as the fake server would, with no port opened.
 *
 * msw (2.x) is a peer dependency of this entry only: no other entry point
 * of taskport imports it.
 *
 * @example
 * import { setupServer } from 'msw/node';
 * import { taskportHandlers } from 'taskport/msw';
 *
 * const fake = taskportHandlers({ baseUrl: 'https://app.terraform.io', fake: { dialects: ['tfc'] } });
 * const server = setupServer(...fake.handlers);
 * server.listen();
 * fake.control.tfc.createOrganization({ name: 'acme' });
 *
 * @module
 */

import { type HttpHandler, http } from 'msw';
import type { FakeControl } from '../testing/control.ts';
import { createFakeApp, type FakeApp, type FakeAppOptions } from '../testing/fake-app.ts';
import { NAMESPACE_HEADER, requestAtPath } from '../testing/namespace-routing.ts';
import { DEFAULT_NAMESPACE } from '../testing/namespaces.ts';

/** Options of {@link taskportHandlers}. */
export interface TaskportHandlersOptions {
  /**
   * The base URLs the app calls, each answered by the fake: an origin
   * (`https://app.terraform.io`) or an origin with a path (`http://cts:8558/consul`,
   * taken off before the fake sees the path).
   */
  readonly baseUrl: string | readonly string[];
  /** The fake to answer from. @default a new `createFakeApp(options.fake)` */
  readonly app?: FakeApp;
  /** Options of the fake built when `app` is absent. @default `{ clock: 'virtual' }` */
  readonly fake?: FakeAppOptions;
  /**
   * Answer in this namespace of the fake, as if each request named it; for
   * handlers of one test over a fake that several tests share.
   * @default the default namespace
   */
  readonly namespace?: string;
}

/** The handlers, and the fake behind them. */
export interface TaskportHandlers {
  /** For `setupServer(...handlers)` or `server.use(...handlers)`. */
  readonly handlers: HttpHandler[];
  readonly app: FakeApp;
  /** The control of the namespace the handlers answer in. */
  readonly control: FakeControl;
}

/** `base` without a trailing slash, checked to be an absolute http(s) URL. */
function parseBase(base: string): { readonly origin: string; readonly path: string } {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new TypeError(`Expected \`baseUrl\` to be an absolute http(s) URL, got ${String(base)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`Expected \`baseUrl\` to be an absolute http(s) URL, got ${base}`);
  }
  return { origin: url.origin, path: url.pathname.replace(/\/+$/, '') };
}

/** `request` as the fake must see it: the base's path taken off, the namespace named. */
function forFake(request: Request, basePath: string, namespace: string | undefined): Request {
  const { url } = request;
  let moved = request;
  if (basePath !== '') {
    const pathStart = url.indexOf('/', url.indexOf('://') + 3);
    const queryStart = url.indexOf('?', pathStart);
    const path = url.slice(pathStart, queryStart < 0 ? undefined : queryStart);
    moved = requestAtPath(request, url, pathStart, path.slice(basePath.length) || '/');
  }
  if (namespace === undefined) return moved;
  const headers = new Headers(moved.headers);
  headers.set(NAMESPACE_HEADER, namespace);
  return new Request(moved, { headers });
}

/**
 * msw handlers that answer every request under `options.baseUrl` from the
 * fake. Use its control in-process (`control.tfc.createOrganization(…)`,
 * `control.advance(…)`): the control API over HTTP would refuse the app's
 * Host name.
 */
export function taskportHandlers(options: TaskportHandlersOptions): TaskportHandlers {
  const app = options.app ?? createFakeApp({ clock: 'virtual', ...options.fake });
  const { namespace } = options;
  const control =
    namespace === undefined || namespace === DEFAULT_NAMESPACE
      ? app.control
      : app.namespaces.resolve(namespace).control;
  const bases = typeof options.baseUrl === 'string' ? [options.baseUrl] : options.baseUrl;
  const handlers = bases.map((base) => {
    const { origin, path } = parseBase(base);
    return http.all(`${origin}${path}/*`, ({ request }) =>
      app.fetch(forFake(request, path, namespace)),
    );
  });
  return { handlers, app, control };
}
