/**
 * The examples run, so they cannot rot: each one in the consumer project
 * where the packed package is installed, on the runtime it is written for,
 * bounded in time. (Their types are checked in test/package.)
 */

import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { run, type ServerProcess } from './process.ts';
import { type Runtime, runtime, startRuntimeServer } from './runtimes.ts';

const packed = inject('packed');

let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** Registers `body` on `runtime`, or a skipped test that says why it cannot run. */
function on(target: Runtime, title: string, body: (target: Runtime) => Promise<void>): void {
  if (target.unavailable !== undefined)
    it.skip(`${title}: skipped: ${target.unavailable}`, () => {});
  else it(title, () => body(target));
}

const TASK = JSON.stringify({
  task: { name: 'web', module: './modules/web', condition: { services: { names: ['api'] } } },
});

/** Creates a task with `run=now` under `base`, inspects it, and reads its one event. */
async function exerciseCts(base: string): Promise<void> {
  const json = { 'content-type': 'application/json' };
  const created = await fetch(`${base}/v1/tasks?run=now`, {
    method: 'POST',
    headers: json,
    body: TASK,
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const inspected = await fetch(`${base}/v1/tasks/web?run=inspect`, {
    method: 'PATCH',
    headers: json,
    body: '{"enabled":true}',
  });
  expect(await inspected.json()).toEqual({
    inspect: { changes_present: true, plan: 'Plan: 1 to change (web).' },
  });
  const status = (await (await fetch(`${base}/v1/status/tasks/web?include=events`)).json()) as {
    web: { status: string; events: { success: boolean }[] };
  };
  expect(status.web.status).toBe('successful');
  expect(status.web.events.map((event) => event.success)).toEqual([true]);
}

/** SIGTERM reaches the example's own handler, which shuts down and exits 0. */
async function expectCleanStop(started: ServerProcess): Promise<void> {
  await started.stop(5_000);
  expect(started.exit(), started.output()).toEqual({ code: 0, signal: null });
}

describe('examples/node-embed.ts', () => {
  for (const id of ['node', 'node24'] as const) {
    on(runtime(id), `runs on ${runtime(id).label}`, async (node) => {
      const result = await run(node.command, node.argsFor('examples/node-embed.ts'), {
        cwd: packed.consumer,
        timeoutMs: 30_000,
      });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain('api: rolled out api');
      expect(result.stdout).toContain('worker: rolled out worker');
      expect(result.stdout).toContain(
        'rollout succeeded: one run for 3 changes, 3 steps; health successful',
      );
    });
  }
});

describe('examples/bun-cts.ts', () => {
  on(runtime('bun'), `serves CTS under /consul/cts on ${runtime('bun').label}`, async (bun) => {
    server = await startRuntimeServer(bun, packed, 'examples/bun-cts.ts', [], { PORT: '0' });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/consul\/cts$/);
    const root = await fetch(server.url.replace(/\/consul\/cts$/, '/'));
    expect(await root.text()).toContain('my service');
    await exerciseCts(server.url);
    expect(server.output()).toContain('applying web');
    expect(server.output()).toContain('planning web');
    await expectCleanStop(server);
  });
});

describe('examples/deno-cts.ts', () => {
  on(runtime('deno'), `serves CTS on ${runtime('deno').label}`, async (deno) => {
    server = await startRuntimeServer(deno, packed, 'examples/deno-cts.ts', [], { PORT: '0' });
    await exerciseCts(server.url);
    expect(server.output()).toContain('applying web');
    await expectCleanStop(server);
  });
});

/** The README's vitest examples, each run by vitest in the consumer project: `tests` pass. */
describe.each([
  { file: 'examples/vitest-fake.test.ts', tests: 1 },
  { file: 'examples/vitest-namespaces.test.ts', tests: 2 },
  { file: 'examples/msw-handlers.test.ts', tests: 1 },
])('$file', ({ file, tests }) => {
  on(runtime('node'), 'passes under vitest in the consumer project', async (node) => {
    const result = await run(
      node.command,
      [
        join(packed.consumer, 'node_modules/vitest/vitest.mjs'),
        'run',
        file,
        '--reporter',
        'verbose',
      ],
      // Without TASKPORT_URL, taskport/vitest starts a fake in the worker.
      { cwd: packed.consumer, env: { TASKPORT_URL: undefined }, timeoutMs: 60_000 },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`Tests\\s+${tests} passed \\(${tests}\\)`));
  });
});
