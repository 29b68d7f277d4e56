/**
 * The app every runtime entry serves, built only from the published package:
 * the fake server's app (`createFakeApp`) on a virtual clock, with each
 * dialect's API over its simulated world (`ctsApi` over a simulated Consul,
 * `tfcApi` over organizations and runs, `onaApi` over environments) and the
 * control API under `/_taskport/`. This file uses no `node:` module and no
 * runtime global, so Node, Bun and Deno serve the very same app.
 */

import { createFakeApp } from 'taskport/testing';

/** The dialects served; a new one is one more name (test/runtime/runtimes.test.ts lists them too). */
export const DIALECTS = ['cts', 'tfc', 'ona'];

/** Builds the app; `control` drives the worlds and the clock, `close()` stops their timers. */
export function createRuntimeApp() {
  return createFakeApp({ clock: 'virtual', dialects: DIALECTS });
}

/** The port asked for on the command line; 0 (the default) picks a free one. */
export function portArgument(args) {
  const port = Number(args[0] ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`not a port: ${args[0]}`);
  }
  return port;
}
