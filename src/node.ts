/**
 * Serving taskport's Hono apps on Node with `@hono/node-server`. The only
 * module that imports it: Bun and Deno serve `app.fetch` with their own servers.
 *
 * @module
 */

import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

/** Something with a web-standard `fetch` handler (a Hono app). */
export interface FetchHandler {
  fetch(request: Request): Response | Promise<Response>;
}

/** Options of {@link listen}. */
export interface ListenOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
}

/** A listening server. */
export interface Listening extends AsyncDisposable {
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and closes idle ones. */
  close(): Promise<void>;
}

/**
 * Serves `handler` on Node until `close()`.
 *
 * @example
 * import { listen } from 'taskport/node';
 * const server = await listen(new Hono().route('/', ctsApi({ engine })), { port: 8558 });
 */
export function listen(handler: FetchHandler, options: ListenOptions = {}): Promise<Listening> {
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: handler.fetch.bind(handler), hostname: host, port: options.port ?? 0 },
      (info: AddressInfo) => {
        const urlHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        let closing: Promise<void> | undefined;
        const close = (): Promise<void> => {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            if ('closeAllConnections' in server) server.closeAllConnections();
          });
          return closing;
        };
        resolve({
          url: `http://${urlHost}:${info.port}`,
          port: info.port,
          close,
          [Symbol.asyncDispose]: close,
        });
      },
    );
    server.once('error', reject);
  });
}
