/**
 * Synchronous HTTP for control calls that must take effect before the next
 * line runs (the CTS contract's `control.cts.registerService()` is
 * synchronous, as `FakeControl`'s is). A worker thread makes the request
 * while this thread waits on a shared flag; the answer comes back through a
 * message port read synchronously.
 */

import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ flag, port, url, method, body, timeoutMs }) => {
  let reply;
  try {
    const response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    reply = { status: response.status, text: await response.text() };
  } catch (error) {
    reply = { error: String(error) };
  }
  port.postMessage(reply);
  port.close();
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

/** An answer of {@link SyncHttp.request}. */
export interface SyncResponse {
  readonly status: number;
  readonly text: string;
}

/** A client whose `request` blocks until the answer is in. */
export class SyncHttp {
  readonly #worker = new Worker(WORKER_SOURCE, { eval: true });
  readonly #timeoutMs: number;

  constructor(timeoutMs = 10_000) {
    this.#timeoutMs = timeoutMs;
    this.#worker.unref();
  }

  request(method: string, url: string, body?: unknown): SyncResponse {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    this.#worker.postMessage(
      {
        flag,
        port: port2,
        url,
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: this.#timeoutMs,
      },
      [port2],
    );
    const waited = Atomics.wait(flag, 0, 0, this.#timeoutMs + 1_000);
    const message = receiveMessageOnPort(port1)?.message as
      | SyncResponse
      | { error: string }
      | undefined;
    port1.close();
    if (waited === 'timed-out' || message === undefined) {
      throw new Error(`${method} ${url}: no answer within ${this.#timeoutMs} ms`);
    }
    if ('error' in message) throw new Error(`${method} ${url}: ${message.error}`);
    return message;
  }

  close(): Promise<number> {
    return this.#worker.terminate();
  }
}
