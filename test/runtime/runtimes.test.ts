/**
 * Each runtime serves the dialects from the packed package: Node (the host's,
 * and Node 24) through `taskport/node`'s `listen()`, Bun through `Bun.serve`,
 * Deno through `Deno.serve` (test/runtime/servers). Each test spawns its own
 * server on a free port of 127.0.0.1 and kills it afterwards, then runs the
 * core cases over HTTP (CTS: create, list, read, inspect, status, a run
 * triggered through `/_taskport/clock/advance`, delete; a few calls to tfc
 * and ona; see conversation.ts) and compares the whole conversation, byte for
 * byte, with the same app answering in-process. The contract suites run on
 * each runtime too (cts-contract.test.ts, ona-contract.test.ts).
 */

import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createFakeApp } from '../../src/testing/fake-app.ts';
import { type Exchange, httpSend, playCore } from './conversation.ts';
import type { ServerProcess } from './process.ts';
import { runtimes, startRuntimeServer } from './runtimes.ts';

const packed = inject('packed');

/** As servers/app.mjs serves them. */
const DIALECTS = ['cts', 'tfc', 'ona'] as const;

let reference: Exchange[];

beforeAll(async () => {
  // The same app, in this process, from the sources: what every runtime must answer.
  const { app, control } = createFakeApp({ clock: 'virtual', dialects: DIALECTS });
  try {
    ({ transcript: reference } = await playCore(
      (path, init) => Promise.resolve(app.request(path, init)),
      'http://localhost',
    ));
  } finally {
    await control.close();
  }
});

describe.each(runtimes().map((runtime) => [runtime.label, runtime] as const))(
  '%s',
  (_, runtime) => {
    if (runtime.unavailable !== undefined) {
      it.skip(`skipped: ${runtime.unavailable}`, () => {});
      return;
    }

    let server: ServerProcess | undefined;
    const start = async (): Promise<ServerProcess> => {
      server = await startRuntimeServer(runtime, packed);
      return server;
    };
    afterEach(async () => {
      await server?.stop();
      server = undefined;
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('serves the core cases of each dialect and the control API over HTTP', async () => {
      const { url } = await start();
      const { transcript, raw } = await playCore(httpSend(url), url);
      const status = (index: number) =>
        `${transcript[index]?.request} → ${transcript[index]?.status}`;

      expect(status(0)).toBe('GET /v1/health → 200');
      expect(status(2)).toBe('POST /v1/tasks → 201');
      expect(JSON.parse(raw[2] ?? '')).toMatchObject({
        task: { name: 'web', module: './modules/web', enabled: true },
      });
      expect(status(3)).toBe('POST /v1/tasks → 400');
      expect(status(5)).toBe('GET /v1/tasks → 200');
      expect(JSON.parse(raw[5] ?? '').tasks.map((task: { name: string }) => task.name)).toEqual([
        'web',
      ]);
      expect(status(6)).toBe('GET /v1/tasks/web → 200');
      expect(status(7)).toBe('GET /v1/tasks/nope → 404');
      expect(status(8)).toBe('PATCH /v1/tasks/web?run=inspect → 200');
      expect(Object.keys(JSON.parse(raw[8] ?? '').inspect)).toEqual(['changes_present', 'plan']);
      expect(status(9)).toBe('GET /v1/status → 200');

      // A catalog change, then the virtual clock: nothing at 2.5 s, one run at 5 s.
      expect(status(11)).toBe('POST /_taskport/cts/services → 201');
      expect(JSON.parse(raw[13] ?? '').web.status).toBe('unknown');
      const after = JSON.parse(raw[16] ?? '').web;
      expect(after.status).toBe('successful');
      expect(after.events.map((event: { success: boolean }) => event.success)).toEqual([true]);
      const clockBefore = JSON.parse(raw[1] ?? '').nowMs as number;
      const clockAfter = JSON.parse(raw[18] ?? '').nowMs as number;
      expect(clockAfter - clockBefore).toBe(5_000);
      expect(JSON.parse(raw[17] ?? '').task_summary.status.successful).toBe(1);

      expect(status(21)).toBe('DELETE /v1/tasks/web → 202');
      expect(status(23)).toBe('GET /v1/tasks/web → 404');
      expect(status(24)).toBe('GET /v1/nowhere → 404');
      expect(JSON.parse(raw[25] ?? '').calls).toHaveLength(3);

      // tfc and ona, mounted beside CTS.
      expect(status(26)).toBe('GET /.well-known/terraform.json → 200');
      expect(status(27)).toBe('GET /api/v2/organizations/acme/tasks → 401');
      expect(status(30)).toBe('GET /api/v2/organizations/acme/tasks → 200');
      expect(transcript[30]?.contentType).toBe('application/vnd.api+json');
      expect(JSON.parse(raw[30] ?? '').data).toEqual([]);
      expect(JSON.parse(raw[32] ?? '').code).toBe('unauthenticated');
      expect(status(34)).toBe('POST /api/gitpod.v1.EnvironmentAutomationService/CreateTask → 200');
      const created = JSON.parse(raw[34] ?? '').task;
      expect(JSON.parse(raw[35] ?? '').tasks).toEqual([created]);
    });

    it('answers the conversation byte for byte as the app does in-process', async () => {
      const { url } = await start();
      const { transcript } = await playCore(httpSend(url), url);
      expect(transcript).toEqual(reference);
    });

    it('stops on SIGTERM: closes the server and exits 0', async () => {
      const started = await start();
      await started.stop(5_000);
      server = undefined;
      // Its own handler closes the server; a SIGKILL after the grace period would show here.
      expect(started.exit(), started.output()).toEqual({ code: 0, signal: null });
    });
  },
);
