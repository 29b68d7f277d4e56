/**
 * `POST /_taskport/clock/advance` over a busy schedule (issue #14, item 2,
 * and item 5's real clock): it is bounded by a timer limit with a 422 that
 * says where the clock stopped, it lets other requests through while it
 * runs, it stops when its client goes away, and on a real clock it is the
 * caller's mistake (409), not the fake's.
 */

import { afterEach, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../src/engine/virtual-clock.ts';
import { needsVirtualClockMessage } from '../../src/testing/control-messages.ts';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import { type HttpResult, http, json, parse } from '../contract/http.ts';

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A fake with one CTS task on a per-second schedule. */
async function busyFake(advanceMaxTimers?: number): Promise<FakeServer> {
  fake = await startFakeServer({ clock: 'virtual', dialects: ['cts'], advanceMaxTimers });
  const created = await http(
    fake.url,
    'POST',
    '/v1/tasks',
    json({ task: { name: 'tick', module: 'm', condition: { schedule: { cron: '* * * * * *' } } } }),
  );
  expect(created.status, created.text).toBe(201);
  return fake;
}

const advance = (server: FakeServer, ms: number, signal?: AbortSignal): Promise<HttpResult> =>
  http(server.url, 'POST', '/_taskport/clock/advance', { ...json({ ms }), signal });

describe('POST /_taskport/clock/advance', () => {
  it('stops at advanceMaxTimers with a 422 naming where the clock stopped; nothing is lost', async () => {
    const server = await busyFake(200);
    const startMs = server.control.now();
    const result = await advance(server, 1e12);
    expect(result.status).toBe(422);
    const body = parse<{ error: string; now: string; nowMs: number }>(result);
    expect(body.nowMs).toBe(server.control.now());
    expect(body.now).toBe(new Date(body.nowMs).toISOString());
    expect(body.nowMs).toBeGreaterThan(startMs);
    expect(body.nowMs).toBeLessThan(startMs + 1e12);
    expect(body.error).toMatch(/^taskport: advance fired 200 timers and more fall due/);
    // The schedule's next timer still waits: advancing again goes on from there.
    expect((server.control.clock as VirtualClock).pendingTimers).toBeGreaterThan(0);
    const again = await advance(server, 1_000);
    expect(again.status, again.text).toBe(200);
    expect(parse<{ nowMs: number }>(again).nowMs).toBe(body.nowMs + 1_000);
    expect((await http(server.url, 'GET', '/v1/health')).status).toBe(200);
  });

  it('answers other requests while it runs, and stops once its client goes away', async () => {
    const server = await busyFake(Number.POSITIVE_INFINITY);
    const client = new AbortController();
    const running = advance(server, 1e12, client.signal).catch((error: unknown) => error);
    // Without yielding, the advance would keep the event loop and this would never answer.
    for (let i = 0; i < 3; i++) {
      const health = await http(server.url, 'GET', '/v1/health');
      expect(health.status).toBe(200);
    }
    const movedMs = server.control.now();
    client.abort();
    expect(await running).toBeInstanceOf(Error);
    // The route answers once the advance stopped; the journal records it then.
    for (let i = 0; i < 1_000; i++) {
      if (server.control.calls({ path: '/_taskport/clock/advance' }).length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const [call] = server.control.calls({ path: '/_taskport/clock/advance' });
    expect(call?.status).toBe(499);
    const stoppedMs = server.control.now();
    expect(stoppedMs).toBeGreaterThanOrEqual(movedMs);
    expect(stoppedMs).toBeLessThan(server.control.calls()[0]!.atMs + 1e12);
    // Stopped: the clock does not move while other requests come and go.
    await http(server.url, 'GET', '/v1/health');
    await http(server.url, 'GET', '/v1/health');
    expect(server.control.now()).toBe(stoppedMs);
  });

  it('on a real clock → 409 with what to do, not a 500', async () => {
    fake = await startFakeServer({ dialects: ['cts'] });
    const result = await advance(fake, 1_000);
    expect({ status: result.status, body: parse(result) }).toEqual({
      status: 409,
      body: { error: needsVirtualClockMessage('advance') },
    });
  });
});
