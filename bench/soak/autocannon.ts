/**
 * autocannon@9 (a devDependency, CommonJS, no bundled types), loaded with
 * `createRequire` and typed here for the part the soak uses. This is a plain
 * module rather than a `declare module 'autocannon'`, so it cannot collide
 * with another ambient declaration of the package elsewhere in bench/.
 */

import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';

/** Per-connection state, reset to a clone of `initialContext` at the start of every cycle. */
export type RequestContext = Record<string, unknown>;

/** One step of the cycle each connection repeats. */
export interface AutocannonRequest {
  method?: 'DELETE' | 'GET' | 'PATCH' | 'POST' | 'PUT';
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Returns the request to send; a falsy return restarts the cycle. */
  setupRequest?: (request: AutocannonRequest, context: RequestContext) => AutocannonRequest;
  onResponse?: (
    status: number,
    body: string,
    context: RequestContext,
    headers: IncomingHttpHeaders,
  ) => void;
}

export interface AutocannonOptions {
  url: string;
  connections: number;
  /** Total requests, spread evenly over the connections; replaces `duration`. */
  amount: number;
  pipelining?: number;
  /** Seconds before a request counts as timed out. @default 10 */
  timeout?: number;
  /** Stop after this many errors (connection errors and timeouts). */
  bailout?: number;
  /** Milliseconds between samples; a finished run is noticed on a sample tick. */
  sampleInt?: number;
  requests: AutocannonRequest[];
}

export interface AutocannonResult {
  /** Seconds. */
  duration: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  resets: number;
  statusCodeStats: Record<string, { count: number }>;
  requests: { total: number; sent: number; average: number };
  latency: { average: number; p50: number; p90: number; p99: number; max: number };
}

/** What `autocannon(options)` returns without a callback: an emitter that is also a promise. */
export interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  stop(): void;
}

export const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: AutocannonOptions,
) => AutocannonInstance;
