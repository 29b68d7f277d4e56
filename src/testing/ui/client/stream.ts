/**
 * Reads `GET …/_taskport/snapshot/stream` (server-sent events) with
 * `fetch`, not `EventSource`: only `fetch` can send the control token
 * header. Reconnects a second after the stream ends or fails.
 */

import type { FakeSnapshot } from '../snapshot.ts';
import { controlBase, controlHeaders } from './api.ts';

/** What the stream reports. */
export interface StreamHandlers {
  snapshot(snapshot: FakeSnapshot): void;
  /** The stream failed (a status, a network error); it retries by itself. */
  failed(status: number | undefined, message: string): void;
}

const RETRY_MS = 1000;

/** Splits a buffer into complete events; returns the data of each and what is left. */
export function parseEvents(buffer: string): { readonly data: string[]; readonly rest: string } {
  const data: string[] = [];
  const blocks = buffer.split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const lines = block.split('\n').filter((line) => line.startsWith('data: '));
    if (lines.length > 0) data.push(lines.map((line) => line.slice(6)).join('\n'));
  }
  return { data, rest };
}

/** Follows `namespace`'s snapshots until the returned function is called. */
export function followSnapshots(namespace: string, handlers: StreamHandlers): () => void {
  const abort = new AbortController();
  let retry: ReturnType<typeof setTimeout> | undefined;
  const connect = async (): Promise<void> => {
    try {
      const response = await fetch(`${controlBase(namespace)}/snapshot/stream`, {
        headers: controlHeaders(false),
        signal: abort.signal,
      });
      if (!response.ok || response.body === null) {
        let message = `${response.status}`;
        try {
          message = `${response.status}: ${String(((await response.json()) as { error?: unknown }).error)}`;
        } catch {
          // No JSON body.
        }
        handlers.failed(response.status, message);
      } else {
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const { data, rest } = parseEvents(buffer + value);
          buffer = rest;
          for (const json of data) handlers.snapshot(JSON.parse(json) as FakeSnapshot);
        }
      }
    } catch (error) {
      if (abort.signal.aborted) return;
      handlers.failed(undefined, error instanceof Error ? error.message : String(error));
    }
    if (!abort.signal.aborted) retry = setTimeout(() => void connect(), RETRY_MS);
  };
  void connect();
  return () => {
    abort.abort();
    if (retry !== undefined) clearTimeout(retry);
  };
}
