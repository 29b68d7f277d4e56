/**
 * Headless Chromium for the dashboard tests: Debian's `chromium` driven by
 * playwright-core. `npm test` skips the browser suites, saying so, where
 * /usr/bin/chromium is missing (a fresh machine); `.ci/run` installs it
 * and sets TASKPORT_BROWSER_TESTS=required, so there a missing browser fails.
 */

import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../scripts/chromium-args.mjs';

export const CHROMIUM_PATH = process.env.TASKPORT_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the browser suites run here. */
export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);

if (!HAS_CHROMIUM) {
  if (process.env.TASKPORT_BROWSER_TESTS === 'required') {
    throw new Error(`TASKPORT_BROWSER_TESTS=required but ${CHROMIUM_PATH} is missing`);
  }
  process.stderr.write(
    `taskport: skipping the browser tests: ${CHROMIUM_PATH} is missing (apt-get install -y chromium; .ci/run does)\n`,
  );
}

/** A headless Chromium that talks only to 127.0.0.1. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
}
