#!/usr/bin/env node
// Takes docs/dashboard.png, the README's picture of the dashboard: a fake
// on a virtual clock with a few CTS tasks (one run, one failed, one in its
// buffer period) and an Ona task, in headless Chromium (Debian's
// /usr/bin/chromium). Run after `npm run build`: node scripts/screenshot-ui.mjs

import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startFakeServer } from '../dist/testing/index.js';
import { CHROMIUM_ARGS } from './chromium-args.mjs';

const OUT = fileURLToPath(new URL('../docs/dashboard.png', import.meta.url));

const fake = await startFakeServer({ clock: 'virtual' });
const post = (path, body) =>
  fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const task = (name, service, min) => ({
  task: {
    name,
    module: 'org/mod/aws',
    condition: { services: { names: [service] } },
    buffer_period: { enabled: true, min, max: '60s' },
  },
});
await post('/v1/tasks', task('web', 'api', '5s'));
await post('/v1/tasks', task('dns', 'db', '5s'));
await post('/v1/tasks', task('firewall', 'cache', '30s'));
fake.control.cts.script('dns', ...Array(3).fill({ success: false, error: 'quota exceeded' }));
await post('/_taskport/cts/services', { name: 'api' });
await post('/_taskport/cts/services', { name: 'db' });
await fake.control.advance(5_000);
await fake.control.whenIdle();
await post('/_taskport/cts/services', { name: 'cache' });
const environment = fake.control.ona.createEnvironment();
await fake.control.ona.seedAutomations(
  environment.id,
  'tasks:\n  boot:\n    name: Boot\n    command: ./boot\n    triggeredBy: [postEnvironmentStart]\n',
);
await fake.control.ona.fireTrigger(environment.id, 'postEnvironmentStart');
await fake.control.whenIdle();
await fake.control.advance(2_000);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [...CHROMIUM_ARGS],
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1100 } });
  await page.goto(`${fake.url}/_taskport/ui`);
  await page.locator('#tasks tr[data-task="firewall"]').waitFor();
  await page
    .locator('#journal tr', { hasText: 'POST/v1/tasks' })
    .first()
    .locator('summary')
    .click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: OUT });
  process.stdout.write(`wrote ${OUT}\n`);
} finally {
  await browser.close();
  await fake.close();
}
