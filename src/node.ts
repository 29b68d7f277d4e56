/**
 * Serving taskport's Hono apps on Node with `@hono/node-server`. The only
 * module that imports it: Bun and Deno serve `app.fetch` with their own servers.
 *
 * @module
 */

import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { type Http2Bindings, type HttpBindings, serve } from '@hono/node-server';
import { provideBodyBytes } from './api/shared/read-body.ts';

/** Something with a web-standard `fetch` handler (a Hono app). */
export interface FetchHandler {
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

/**
 * Bodies up to this size, with a declared length, are read straight from
 * Node's request (see {@link withBodiesRead}).
 */
const READ_AHEAD_MAX_BYTES = 1024 * 1024;

type NodeBindings = HttpBindings | Http2Bindings;

function readIncoming(incoming: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.once('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
    incoming.once('error', reject);
  });
}

/**
 * `fetch` with small bodies read from Node's request before it runs. The
 * handlers read bodies through `readBodyText`, which then finds the bytes
 * and never asks for `request.body`: on @hono/node-server that question
 * builds a full web `Request` with a stream over the Node request, most of
 * the cost of a POST. Node's parser stops at the declared length, so the
 * read is bounded; a larger or chunked body takes the usual way.
 */
function withBodiesRead(
  fetch: (request: Request, env: NodeBindings) => Response | Promise<Response>,
): (request: Request, env: NodeBindings) => Response | Promise<Response> {
  return (request, env) => {
    const { incoming } = env;
    const method = incoming.method;
    if (method === 'GET' || method === 'HEAD') return fetch(request, env);
    const declared = Number(incoming.headers['content-length']);
    if (!(declared > 0 && declared <= READ_AHEAD_MAX_BYTES)) return fetch(request, env);
    return readIncoming(incoming).then((bytes) => {
      provideBodyBytes(request, bytes);
      // For handlers that read `request.body` after all: @hono/node-server
      // builds that body from `rawBody` (its hook for hosts that pre-read bodies).
      Object.assign(incoming, { rawBody: bytes });
      return fetch(request, env);
    });
  };
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
      {
        fetch: withBodiesRead(handler.fetch.bind(handler)),
        hostname: host,
        port: options.port ?? 0,
      },
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
