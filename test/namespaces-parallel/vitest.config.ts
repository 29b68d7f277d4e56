import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The parallel-workers proof of namespaces (test/testing/namespaces-parallel.test.ts
 * spawns it): one file per worker, 8 forks at once, each against the one
 * fake server at `TASKPORT_URL`, each in its own namespace.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/namespaces-parallel/*.isolation.ts'],
    pool: 'forks',
    maxWorkers: 8,
    fileParallelism: true,
    testTimeout: 60_000,
  },
});
