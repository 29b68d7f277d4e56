/**
 * The dashboard in a real browser: it loads under its CSP with no error,
 * shows a task created over the API, runs it when the clock is advanced
 * from the page, journals the request, shows a hostile body as text, and
 * works with a control token.
 */

import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import { HAS_CHROMIUM, launchChromium } from './chromium.ts';

/** A task whose buffer period a registration of `api` opens. */
const WEB_TASK = {
  name: 'web',
  module: 'org/mod/aws',
  condition: { services: { names: ['api'] } },
  buffer_period: { enabled: true, min: '5s', max: '20s' },
};

const WAIT = { timeout: 5_000 };

async function post(fake: FakeServer, path: string, body: unknown): Promise<Response> {
  return fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe.skipIf(!HAS_CHROMIUM)('the dashboard in Chromium', () => {
  let browser: Browser;
  let fake: FakeServer | undefined;
  let page: Page;
  /** Errors the page logged or threw: a CSP refusal is one. */
  let errors: string[];

  beforeAll(async () => {
    browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await page?.close();
    await fake?.close();
    fake = undefined;
  });

  async function open(server: FakeServer, suffix = ''): Promise<Page> {
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      // An error status is the page's business (a refused action, no
      // /_taskport/namespaces before #15); a CSP refusal or a throw is not.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        errors.push(message.text());
    });
    await page.goto(`${server.url}/_taskport/ui${suffix}`);
    await page.locator('#stream-status.live').waitFor(WAIT);
    return page;
  }

  it('shows a task created over the API, runs it when the page advances the clock, and journals it', async () => {
    fake = await startFakeServer({ clock: 'virtual' });
    await open(fake);
    expect(await page.locator('#clock-kind').textContent()).toBe('virtual clock');
    // No /_taskport/namespaces yet (404): the page offers `default` alone.
    expect(await page.locator('#namespace option').allTextContents()).toEqual(['default']);

    expect((await post(fake, '/v1/tasks', { task: WEB_TASK })).status).toBe(201);
    const task = page.locator('#tasks tr[data-task="web"]');
    await task.waitFor(WAIT);
    expect(await task.locator('td').nth(3).textContent()).toBe('unknown');

    await post(fake, '/_taskport/cts/services', { name: 'api' });
    await page.locator('#windows tr', { hasText: 'web' }).waitFor(WAIT);

    await page.locator('#advance-ms').fill('5000');
    await page.locator('#advance-button').click();
    await page
      .locator('#action-status.done', { hasText: 'advanced the clock 5000 ms' })
      .waitFor(WAIT);
    await page.locator('#executions tr.finished', { hasText: 'succeeded' }).waitFor(WAIT);
    await page.locator('#tasks tr[data-task="web"] .health-successful').waitFor(WAIT);
    expect(await page.locator('#windows').textContent()).toContain('No buffer window is open.');
    await page.locator('#events tr', { hasText: 'success' }).waitFor(WAIT);

    const created = page.locator('#journal tr', { hasText: 'POST/v1/tasks' });
    await created.waitFor(WAIT);
    await created.locator('summary').click();
    expect(await created.locator('pre.body').textContent()).toBe(
      JSON.stringify({ task: WEB_TASK }),
    );
    // The page's own advance is journaled as the control request it is.
    await page.locator('#journal tr', { hasText: '/_taskport/clock/advance' }).waitFor(WAIT);
    expect(errors).toEqual([]);
  });

  it('shows a hostile journal body as text, and runs none of it', async () => {
    fake = await startFakeServer({ clock: 'virtual' });
    await open(fake);
    const hostile =
      '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"><b>bold</b>';
    await post(fake, '/v1/tasks', hostile);
    const entry = page.locator('#journal tr', { hasText: 'POST/v1/tasks' });
    await entry.waitFor(WAIT);
    await entry.locator('summary').click();
    expect(await entry.locator('pre.body').textContent()).toBe(hostile);
    expect(await entry.locator('script, img, b').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('scripts an outcome and fires a trigger from the page', async () => {
    fake = await startFakeServer({ clock: 'virtual' });
    await open(fake);
    await post(fake, '/v1/tasks', { task: WEB_TASK });
    await page.locator('#tasks tr[data-task="web"]').waitFor(WAIT);

    await page.locator('#script-dialect').selectOption('cts');
    await page.locator('#script-task').fill('web');
    // CTS retries a failed run twice: three failures fail it for good.
    const failure = { success: false, error: 'quota exceeded' };
    await page.locator('#script-outcome').fill(JSON.stringify([failure, failure, failure]));
    await page.locator('#script-form button').click();
    await page
      .locator('#action-status.done', { hasText: 'scripted the next run of web' })
      .waitFor(WAIT);
    expect(fake.control.cts.pendingOutcomes()).toEqual({ web: [failure, failure, failure] });

    await page.locator('#trigger-dialect').selectOption('cts');
    await page.locator('#trigger-target').fill('api');
    await page.locator('#trigger-form button').click();
    await page.locator('#windows tr', { hasText: 'web' }).waitFor(WAIT);
    await page.locator('#advance-button').click();
    await page.locator('#executions tr', { hasText: 'quota exceeded' }).waitFor(WAIT);
    // The retries wait on a backoff: run until idle moves time through it.
    await page.locator('#idle-button').click();
    await page.locator('#action-status.done', { hasText: 'ran until idle' }).waitFor(WAIT);
    await page.locator('#tasks tr[data-task="web"] .health-errored').waitFor(WAIT);
    await page.locator('#executions tr.finished', { hasText: 'quota exceeded' }).waitFor(WAIT);

    // A refused action shows the fake's message.
    await page.locator('#trigger-dialect').selectOption('tfc');
    await page.locator('#trigger-target').fill('ws-missing');
    await page.locator('#trigger-form button').click();
    await page.locator('#action-status.failed').waitFor(WAIT);
    expect(await page.locator('#action-status').textContent()).toMatch(/^[45]\d\d: /);

    await page.locator('#reset-button').click();
    await page.locator('#tasks', { hasText: 'No tasks yet.' }).waitFor(WAIT);
    expect(errors).toEqual([]);
  });

  it('lists the namespaces of /_taskport/namespaces and talks to another one under /ns/<name>', async () => {
    fake = await startFakeServer({ clock: 'virtual' });
    const server = fake;
    page = await browser.newPage();
    errors = [];
    // The fake of this branch has no namespaces (#15): the browser is given
    // the list, and /ns/team-a/… is answered by the fake's own routes, as
    // the namespace's would be.
    await page.route('**/_taskport/namespaces', (route) =>
      route.fulfill({ json: { namespaces: [{ name: 'default' }, { name: 'team-a' }] } }),
    );
    const prefixed: string[] = [];
    await page.route('**/ns/team-a/_taskport/**', async (route) => {
      const url = new URL(route.request().url());
      const path = url.pathname.replace('/ns/team-a', '');
      prefixed.push(`${route.request().method()} ${url.pathname}`);
      if (path === '/_taskport/snapshot/stream') {
        // Playwright buffers what it fetches, and a stream never ends: one event, then the end.
        const snapshot = await (await fetch(`${server.url}/_taskport/snapshot`)).text();
        await route.fulfill({
          contentType: 'text/event-stream',
          body: `event: snapshot\ndata: ${snapshot}\n\n`,
        });
        return;
      }
      await route.fulfill({ response: await route.fetch({ url: `${server.url}${path}` }) });
    });
    await page.goto(`${server.url}/_taskport/ui`);
    await page.locator('#stream-status.live').waitFor(WAIT);
    expect(await page.locator('#namespace option').allTextContents()).toEqual([
      'default',
      'team-a',
    ]);
    expect(prefixed).toEqual([]);

    await page.locator('#namespace').selectOption('team-a');
    expect(new URL(page.url()).searchParams.get('namespace')).toBe('team-a');
    await page.waitForRequest('**/ns/team-a/_taskport/snapshot/stream', WAIT);
    await page.locator('#stream-status.live').waitFor(WAIT);
    await page.locator('#advance-button').click();
    await page.locator('#action-status.done').waitFor(WAIT);
    expect(prefixed).toContain('GET /ns/team-a/_taskport/snapshot/stream');
    expect(prefixed).toContain('POST /ns/team-a/_taskport/clock/advance');
    expect(prefixed.every((line) => line.includes('/ns/team-a/_taskport/'))).toBe(true);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  });

  it('with a control token: takes it from #token=, or asks for it', async () => {
    fake = await startFakeServer({ clock: 'virtual', controlToken: 'sekret' });
    await open(fake, '#token=sekret');
    // Taken out of the address once read.
    expect(new URL(page.url()).hash).toBe('');
    await post(fake, '/v1/tasks', { task: WEB_TASK });
    await page.locator('#tasks tr[data-task="web"]').waitFor(WAIT);
    await page.close();

    page = await browser.newPage();
    await page.goto(`${fake.url}/_taskport/ui`);
    await page.locator('#token-form').waitFor({ state: 'visible', ...WAIT });
    await page.locator('#token-input').fill('sekret');
    await page.locator('#token-form button').click();
    await page.locator('#stream-status.live').waitFor(WAIT);
    await page.locator('#tasks tr[data-task="web"]').waitFor(WAIT);
  });
});
