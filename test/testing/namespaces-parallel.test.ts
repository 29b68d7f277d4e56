/**
 * The proof that namespaces isolate parallel test suites: one fake server,
 * a vitest run of 8 forks at once (test/namespaces-parallel/), each worker
 * in its own namespace asserting it sees only its own tasks, services,
 * clock and journal. Bounded: the run is killed after two minutes.
 */

import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startFakeServer } from '../../src/testing/fake-server.ts';
import { WORKERS } from '../namespaces-parallel/isolation.ts';
import { run } from '../runtime/process.ts';
import { REPO_ROOT } from '../runtime/runtimes.ts';

it(`${WORKERS} vitest workers in parallel against one server each see only their own namespace`, async () => {
  await using fake = await startFakeServer({ clock: 'virtual', dialects: ['cts'] });
  const result = await run(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--config',
      'test/namespaces-parallel/vitest.config.ts',
      '--pool',
      'forks',
      '--maxWorkers',
      String(WORKERS),
      '--reporter',
      'verbose',
    ],
    { cwd: REPO_ROOT, env: { TASKPORT_URL: fake.url }, timeoutMs: 120_000 },
  );
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(result.stdout).toMatch(new RegExp(`Tests\\s+${WORKERS} passed \\(${WORKERS}\\)`));

  // Every worker's world is still there, apart, and the default saw none of their tasks.
  const names = fake.namespaces.all().map((namespace) => namespace.name);
  expect(names.sort()).toEqual(
    ['default', ...Array.from({ length: WORKERS }, (_, i) => `worker-${i + 1}`)].sort(),
  );
  for (let index = 1; index <= WORKERS; index++) {
    const namespace = fake.namespaces.get(`worker-${index}`);
    expect(namespace?.control.now()).toBe(index * 1_000_000_000 + index * 1_000);
  }
  expect(fake.control.calls({ path: '/v1/tasks' })).toEqual([]);
}, 150_000);
