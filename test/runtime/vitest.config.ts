import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The runtime and package suites (`npm run test:runtimes`): they pack the
 * package, install it in a fresh project and spawn Node, Bun and Deno, so
 * they stay out of `npm test`. Every spawned process has its own bound.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/runtime/**/*.test.ts', 'test/package/**/*.test.ts'],
    globalSetup: ['test/runtime/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
