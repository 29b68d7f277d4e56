/**
 * The app every runtime serves in bench:runtimes, from the built package
 * (`npm run build` first): the fake's app with every dialect on a virtual
 * clock, the same as test/runtime/servers/app.mjs, but imported from dist/
 * by path so no packed consumer project is needed. No `node:` module and no
 * runtime global, so Node, Bun and Deno serve the very same app.
 */

import { createFakeApp } from '../../dist/testing/index.js';

export function createBenchApp() {
  return createFakeApp({ clock: 'virtual', dialects: ['cts', 'tfc', 'ona'] });
}
