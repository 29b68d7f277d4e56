/**
 * The load generator of the HTTP benches: autocannon (npm, a maintained
 * HTTP/1.1 benchmarking tool), driven from this process. N keep-alive
 * connections on 127.0.0.1, one request in flight per connection
 * (pipelining 1), for a fixed time with a hard cap on the number of
 * requests (`maxOverallRequests`).
 *
 * A route whose request never changes is sent as one request autocannon
 * builds once; a factory that varies with the index (a POST with a new
 * task name each time) goes through autocannon's `setupRequest`, called
 * once per request sent, with one counter shared by every connection.
 * Statuses other than the expected one count as errors, the first with the
 * start of its body (autocannon's per-request `onResponse`). Latencies are
 * autocannon's own per-response times (its `response` event): its HDR
 * histogram (`result.latency`) has 1 ms buckets, too coarse for sub-ms
 * medians, so the percentiles are taken exactly over those times.
 */

import autocannon from 'autocannon';

/** How the results files describe this load generator. */
export const LOAD_GENERATOR =
  'autocannon@9 (npm) in the bench process: keep-alive HTTP/1.1 on 127.0.0.1, pipelining 1 (one request in flight per connection), bounded by duration and maxOverallRequests; p50/p99 exact over its per-response times';

/** One request, as autocannon sends it (it adds `host`, `connection` and `content-length`). */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** One request; `index` counts requests across all connections. */
export type RequestFactory = (index: number) => HttpRequest;

/** Options of {@link runLoad}. */
export interface LoadOptions {
  readonly port: number;
  readonly connections: number;
  readonly durationMs: number;
  /** Stop issuing requests after this many, whatever the time. */
  readonly maxRequests: number;
  readonly request: RequestFactory;
  /** A response with another status counts as an error. */
  readonly expectStatus: number;
}

/** What one run measured. */
export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly elapsedMs: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Mean response size (head + body), bytes. */
  readonly meanResponseBytes: number;
  /** The first unexpected status seen, with the start of its body (or the first connection error). */
  readonly firstError?: string;
}

/** Describes a request. */
export function httpRequest(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): HttpRequest {
  return body === undefined ? { method, path, headers } : { method, path, headers, body };
}

/** How autocannon's run ends: the stop flag set by `duration` is only read on a sample tick. */
const SAMPLE_MS = 50;
/** Seconds autocannon waits on one response before it counts a timeout and reconnects. */
const TIMEOUT_S = 10;

function sameRequest(a: HttpRequest, b: HttpRequest): boolean {
  if (a === b) return true;
  if (a.method !== b.method || a.path !== b.path || a.body !== b.body) return false;
  const names = Object.keys(a.headers);
  return (
    names.length === Object.keys(b.headers).length &&
    names.every((name) => a.headers[name] === b.headers[name])
  );
}

function toAutocannon(request: HttpRequest): autocannon.Request {
  return {
    method: request.method as autocannon.Request['method'],
    path: request.path,
    // A fresh object: autocannon writes content-length into it.
    headers: { ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

/** Runs the load; resolves when autocannon has closed every connection. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  // autocannon splits maxOverallRequests over the connections; a connection given 0 would not stop.
  const connections = Math.max(1, Math.min(options.connections, options.maxRequests));
  const latencies = new Float64Array(options.maxRequests);
  let completed = 0;
  let errors = 0;
  let bytes = 0;
  let firstError: string | undefined;
  let lastResponseAt = 0;

  const first = options.request(0);
  const fixed = sameRequest(first, options.request(1));
  let next = 0;
  const request: autocannon.Request = {
    ...toAutocannon(first),
    onResponse(status, body) {
      if (status === options.expectStatus) return;
      errors++;
      firstError ??= `${status} ${body.slice(0, 200)}`;
    },
    // Called once per request sent, by every connection (the closure is shared).
    ...(fixed
      ? {}
      : {
          setupRequest: (base: autocannon.Request): autocannon.Request => ({
            ...base,
            ...toAutocannon(options.request(next++)),
          }),
        }),
  };

  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${options.port}`,
        connections,
        pipelining: 1,
        duration: options.durationMs / 1000,
        maxOverallRequests: options.maxRequests,
        timeout: TIMEOUT_S,
        sampleInt: SAMPLE_MS,
        requests: [request],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, size, responseTime) => {
      lastResponseAt = performance.now();
      if (completed < latencies.length) latencies[completed] = responseTime;
      completed++;
      bytes += size;
    });
    instance.on('reqError', (error: unknown) => {
      firstError ??= `connection: ${error instanceof Error ? error.message : String(error)}`;
    });
  });
  // Connection errors and timeouts (autocannon counts them) on top of unexpected statuses.
  errors += result.errors;
  // The window ends with the last response: after a `maxRequests` stop, autocannon idles until its next tick.
  const elapsedMs = (completed > 0 ? lastResponseAt : performance.now()) - started;
  const sorted = latencies.subarray(0, Math.min(completed, latencies.length)).sort();
  return {
    requests: completed,
    errors,
    elapsedMs,
    requestsPerSecond: (completed / elapsedMs) * 1000,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanResponseBytes: completed === 0 ? 0 : bytes / completed,
    ...(firstError === undefined ? {} : { firstError }),
  };
}
