import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every suite drives time through the virtual clock; a test that needs more
    // than this is waiting on something real and should fail loudly.
    testTimeout: 10_000,
    pool: 'forks',
  },
});
