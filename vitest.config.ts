import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The runtime and package suites pack the package and spawn runtimes:
    // `npm run test:runtimes` runs them (test/runtime/vitest.config.ts).
    exclude: [...configDefaults.exclude, 'test/runtime/**', 'test/package/**'],
    // Every suite drives time through the virtual clock; a test that needs more
    // than this is waiting on something real and should fail loudly.
    testTimeout: 10_000,
    pool: 'forks',
  },
});
