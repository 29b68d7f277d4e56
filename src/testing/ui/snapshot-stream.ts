/**
 * `GET /_taskport/snapshot/stream`: the snapshot as server-sent events, a
 * new `snapshot` event whenever it changed. One long request per open
 * dashboard, so the journal gets one entry per page load, not one per poll.
 *
 * The cadence is wall-clock time on purpose: a virtual clock moves only
 * when advanced, and the page must still refresh. Every
 * {@link CHECK_EVERY_MS} the stream looks at what is cheap to read (the
 * journal's last sequence number and size, a virtual clock's time); when
 * it moved, or {@link REFRESH_EVERY_MS} passed (work that ends with no
 * request: a real-clock buffer window firing), it builds the snapshot and
 * sends it if its JSON differs from the last one sent.
 */

import type { FakeControl } from '../control.ts';
import { fakeSnapshot } from './snapshot.ts';

/** How often the stream looks for a change. */
export const CHECK_EVERY_MS = 250;
/** How often it rebuilds the snapshot when nothing cheap to see moved. */
export const REFRESH_EVERY_MS = 2000;

/** What changes whenever a request lands, the journal clears, or virtual time moves. */
function fingerprintOf(control: FakeControl): string {
  const { journal } = control;
  return `${journal.lastSeq}:${journal.size}:${control.controlsTime ? control.now() : ''}`;
}

/** One `snapshot` event in the text/event-stream format (JSON has no raw newlines). */
function eventOf(json: string): string {
  return `event: snapshot\ndata: ${json}\n\n`;
}

/** A text/event-stream of `control`'s snapshots, until the client goes away. */
export function snapshotStream(control: FakeControl, signal: AbortSignal): Response {
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let lastJson = '';
      let lastFingerprint = '';
      let lastBuiltAt = 0;
      let building = false;
      const send = async (): Promise<void> => {
        building = true;
        lastFingerprint = fingerprintOf(control);
        lastBuiltAt = Date.now();
        try {
          const json = JSON.stringify(await fakeSnapshot(control));
          if (json !== lastJson && timer !== undefined) {
            lastJson = json;
            controller.enqueue(encoder.encode(eventOf(json)));
          }
        } catch {
          // A reset replaced a world while it was read: the next tick reads the new one.
          lastFingerprint = '';
        } finally {
          building = false;
        }
      };
      timer = setInterval(() => {
        if (building) return;
        const due = Date.now() - lastBuiltAt >= REFRESH_EVERY_MS;
        if (due || fingerprintOf(control) !== lastFingerprint) void send();
      }, CHECK_EVERY_MS);
      // Node would wait for the timer at exit; Bun and Deno have no `unref` on a number.
      (timer as { unref?: () => void }).unref?.();
      signal.addEventListener('abort', () => {
        stop();
        try {
          controller.close();
        } catch {
          // Already closed by a cancel.
        }
      });
      void send();
    },
    cancel: stop,
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
