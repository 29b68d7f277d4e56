/**
 * `taskport/vitest`: a `test` whose every test has a namespace of its own on
 * one fake server, with a control client and a clock for it, and removes
 * the namespace after the test. Tests that run in parallel, in one file or
 * in many workers, cannot see each other's tasks, clock or journal.
 *
 * vitest is a peer dependency of this entry only: no other entry point of
 * taskport imports it.
 *
 * @example
 * import { test } from 'taskport/vitest';
 *
 * test('a task runs after its buffer period', async ({ namespace, control, clock }) => {
 *   await fetch(`${namespace.url}/v1/tasks`, { method: 'POST', … });
 *   await control.request('POST', '/cts/services', { name: 'api' });
 *   await clock.advance(5_000);
 * });
 *
 * @module
 */

import { test as base, type TestAPI } from 'vitest';
import { ControlClient, type ControlClock } from '../testing/control-client.ts';
import type { FakeServerOptions } from '../testing/fake-server.ts';
import type { NamespaceOptions } from '../testing/namespaces.ts';

export type { ControlClock, RemoteJournalFilter } from '../testing/control-client.ts';
export { ControlClient, ControlRequestError } from '../testing/control-client.ts';

/** Options of {@link createTaskportTest}. */
export interface TaskportTestOptions {
  /**
   * The URL of a running fake (`taskport serve`).
   * @default `process.env.TASKPORT_URL`; without it, each vitest worker starts a fake of its own
   */
  readonly url?: string;
  /** The fake's control token, if it has one. @default `process.env.TASKPORT_CONTROL_TOKEN` */
  readonly token?: string;
  /** What each test's namespace is created with. @default `{ clock: 'virtual' }` */
  readonly namespace?: NamespaceOptions;
  /** Options of the fake a worker starts when there is no URL. @default `{ clock: 'virtual' }` */
  readonly server?: FakeServerOptions;
}

/** The namespace of one test. */
export interface TestNamespace {
  /** Its name, unique to the test (`t-<uuid>`). */
  readonly name: string;
  /**
   * The base URL of the namespace: the fake's URL with `/ns/<name>`. Give it
   * to the client under test as its base URL (CTS, TFC, Ona alike).
   */
  readonly url: string;
  /** The fake's own URL, without the prefix. */
  readonly serverUrl: string;
  /** The header that names the namespace, for a client that sends the fake's root URL. */
  readonly headers: Readonly<Record<'x-taskport-namespace', string>>;
  /** `fetch` on {@link url}: `path` starts with `/` (`/v1/tasks`). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** The fixtures every test of {@link createTaskportTest} gets. */
export interface TaskportFixtures {
  readonly namespace: TestNamespace;
  /** The test's namespace's control API. */
  readonly control: ControlClient;
  /** The test's namespace's clock (virtual unless its options say otherwise). */
  readonly clock: ControlClock;
}

/** The fake a worker's tests share. */
export interface TaskportWorkerFixtures {
  readonly taskportServer: { readonly url: string; readonly token: string | undefined };
}

function environment(name: string): string | undefined {
  const value = typeof process === 'undefined' ? undefined : process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A vitest `test` with {@link TaskportFixtures}. The namespace is created
 * when a test first uses one of them, and deleted after the test.
 */
export function createTaskportTest(
  options: TaskportTestOptions = {},
): TestAPI<TaskportFixtures & TaskportWorkerFixtures> {
  const namespaceOptions: NamespaceOptions = options.namespace ?? { clock: 'virtual' };
  return base.extend<TaskportFixtures & TaskportWorkerFixtures>({
    taskportServer: [
      // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from its first parameter.
      async ({}, use) => {
        const url = options.url ?? environment('TASKPORT_URL');
        const token = options.token ?? environment('TASKPORT_CONTROL_TOKEN');
        if (url !== undefined) {
          await use({ url: url.replace(/\/+$/, ''), token });
          return;
        }
        // Loaded only without a URL: a suite against `taskport serve` needs no server code.
        const { startFakeServer } = await import('../testing/fake-server.ts');
        const server = await startFakeServer({ clock: 'virtual', ...options.server });
        try {
          await use({ url: server.url, token: options.server?.controlToken });
        } finally {
          await server.close();
        }
      },
      { scope: 'worker' },
    ],
    namespace: async ({ taskportServer }, use) => {
      const name = `t-${globalThis.crypto.randomUUID()}`;
      const admin = new ControlClient({ url: taskportServer.url, token: taskportServer.token });
      await admin.request('PUT', `/namespaces/${name}`, namespaceOptions);
      const url = `${taskportServer.url}/ns/${name}`;
      try {
        await use({
          name,
          url,
          serverUrl: taskportServer.url,
          headers: { 'x-taskport-namespace': name },
          fetch: (path, init) => globalThis.fetch(`${url}${path}`, init),
        });
      } finally {
        await admin.request('DELETE', `/namespaces/${name}`);
      }
    },
    control: async ({ namespace, taskportServer }, use) => {
      await use(new ControlClient({ url: namespace.url, token: taskportServer.token }));
    },
    clock: async ({ control }, use) => {
      await use(control.clock);
    },
  });
}

/** {@link createTaskportTest} with its defaults: `TASKPORT_URL`, or a fake per worker. */
export const test: TestAPI<TaskportFixtures & TaskportWorkerFixtures> = createTaskportTest();
