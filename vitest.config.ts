import { configDefaults, defineConfig } from 'vitest/config';

/** Suites that talk to a real PostgreSQL server (test/support/postgres.ts). */
const POSTGRES_SUITES = ['test/postgres/**/*.test.ts', 'test/store/postgres.test.ts'];

export default defineConfig({
  test: {
    // Every suite drives time through the virtual clock; a test that needs more
    // than this is waiting on something real and should fail loudly.
    testTimeout: 10_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          // The runtime and package suites pack the package and spawn runtimes:
          // `npm run test:runtimes` runs them (test/runtime/vitest.config.ts).
          exclude: [
            ...configDefaults.exclude,
            'test/runtime/**',
            'test/package/**',
            'test/browser/**',
            ...POSTGRES_SUITES,
          ],
        },
      },
      {
        extends: true,
        test: {
          // The dashboard in headless Chromium (test/browser/chromium.ts says
          // when it is skipped); one browser per file, so more time per hook.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          hookTimeout: 30_000,
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          // One server for the run, started only when a run has one of these
          // files (vitest runs a project's global setup only then).
          name: 'postgres',
          include: POSTGRES_SUITES,
          globalSetup: ['test/support/postgres-global-setup.ts'],
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
