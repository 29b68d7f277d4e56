/**
 * A small, bounded HTTP/1.1 load generator: N keep-alive connections on
 * 127.0.0.1, each sending one request at a time (no pipelining) for a fixed
 * time, with a hard cap on the number of requests. It writes pre-built
 * request bytes straight to a socket and reads only the status line,
 * `content-length` / `transfer-encoding` and the body length, so the client
 * costs far less per request than the servers it measures.
 */

import { connect, type Socket } from 'node:net';

/** One request's bytes; `index` counts requests across all connections. */
export type RequestFactory = (index: number) => Buffer;

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
  /** The first unexpected status seen, with the start of its body. */
  readonly firstError?: string;
}

/** Builds the bytes of a request. */
export function httpRequest(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Buffer {
  let head = `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: keep-alive\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  if (body === undefined) return Buffer.from(`${head}\r\n`, 'latin1');
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([
    Buffer.from(`${head}content-length: ${bytes.length}\r\n\r\n`, 'latin1'),
    bytes,
  ]);
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Incremental parser of responses on one connection (content-length or chunked bodies). */
class ResponseReader {
  #buffer: Buffer = Buffer.alloc(0);
  /** -1 while reading the head. */
  #remaining = -1;
  #chunked = false;
  #status = 0;
  #bytes = 0;
  #bodyStart = '';

  /** Feeds bytes; calls `done(status, bytes, bodyStart)` for each complete response. */
  feed(data: Buffer, done: (status: number, bytes: number, bodyStart: string) => void): void {
    this.#buffer = this.#buffer.length === 0 ? data : Buffer.concat([this.#buffer, data]);
    for (;;) {
      if (this.#remaining < 0) {
        const end = this.#buffer.indexOf(CRLFCRLF);
        if (end < 0) return;
        const head = this.#buffer.toString('latin1', 0, end);
        this.#status = Number(head.slice(9, 12));
        const lower = head.toLowerCase();
        const lengthAt = lower.indexOf('\r\ncontent-length:');
        this.#chunked = lengthAt < 0 && lower.includes('\r\ntransfer-encoding: chunked');
        this.#remaining = lengthAt < 0 ? 0 : Number.parseInt(lower.slice(lengthAt + 17), 10);
        this.#bytes = end + 4;
        this.#buffer = this.#buffer.subarray(end + 4);
        this.#bodyStart = '';
      }
      if (this.#chunked) {
        // Chunks: "<hex>\r\n<data>\r\n", ended by "0\r\n\r\n".
        const lineEnd = this.#buffer.indexOf('\r\n');
        if (lineEnd < 0) return;
        const size = Number.parseInt(this.#buffer.toString('latin1', 0, lineEnd), 16);
        const total = lineEnd + 2 + size + 2;
        if (this.#buffer.length < total) return;
        if (this.#bodyStart === '' && size > 0)
          this.#bodyStart = this.#buffer.toString('utf8', lineEnd + 2, lineEnd + 2 + 200);
        this.#bytes += total;
        this.#buffer = this.#buffer.subarray(total);
        if (size > 0) continue;
      } else {
        if (this.#buffer.length < this.#remaining) return;
        if (this.#status >= 300)
          this.#bodyStart = this.#buffer.toString('utf8', 0, Math.min(200, this.#remaining));
        this.#bytes += this.#remaining;
        this.#buffer = this.#buffer.subarray(this.#remaining);
      }
      this.#remaining = -1;
      this.#chunked = false;
      done(this.#status, this.#bytes, this.#bodyStart);
    }
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

/** Runs the load; resolves when every connection has finished its last request. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies = new Float64Array(options.maxRequests);
  let issued = 0;
  let completed = 0;
  let errors = 0;
  let bytes = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + options.durationMs;
  // A connection that stops answering is cut loose after this long.
  const hardStop = deadline + 10_000;

  const oneConnection = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const socket: Socket = connect({ host: '127.0.0.1', port: options.port });
      socket.setNoDelay(true);
      const reader = new ResponseReader();
      let sentAt = 0;
      let finished = false;
      const timer = setTimeout(
        () => finish(new Error('load: a connection hung')),
        hardStop - started,
      );
      const finish = (error?: Error): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        socket.destroy();
        if (error === undefined) resolve();
        else reject(error);
      };
      const sendNext = (): void => {
        if (issued >= options.maxRequests || performance.now() >= deadline) {
          finish();
          return;
        }
        const index = issued++;
        sentAt = performance.now();
        socket.write(options.request(index));
      };
      socket.on('connect', sendNext);
      socket.on('data', (data: Buffer) =>
        reader.feed(data, (status, size, bodyStart) => {
          latencies[completed++] = performance.now() - sentAt;
          bytes += size;
          if (status !== options.expectStatus) {
            errors++;
            firstError ??= `${status} ${bodyStart}`;
          }
          sendNext();
        }),
      );
      socket.on('error', (error) => finish(error));
      socket.on('close', () => finish(finished ? undefined : new Error('load: server closed')));
    });

  await Promise.all(Array.from({ length: options.connections }, oneConnection));
  const elapsedMs = performance.now() - started;
  const sorted = latencies.subarray(0, completed).sort();
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
