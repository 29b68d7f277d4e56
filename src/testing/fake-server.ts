/**
 * `startFakeServer()`: the fake listening on a port, for a test suite or the CLI.
 */

import type { FakeControl } from './control.ts';
import { createFakeApp, type FakeAppOptions } from './fake-app.ts';
import type { NamespaceRegistry } from './namespaces.ts';

/** Options of {@link startFakeServer}. */
export interface FakeServerOptions extends FakeAppOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
}

/** A running fake server. */
export interface FakeServer extends AsyncDisposable {
  /** The base URL, e.g. `http://127.0.0.1:8558`. */
  readonly url: string;
  readonly port: number;
  /** Reset, seeding, scripted outcomes, the simulated Consul, time, the journal. */
  readonly control: FakeControl;
  /** Every namespace; `control` is the default one's (see `createFakeApp`). */
  readonly namespaces: NamespaceRegistry;
  /** Stops listening, then stops every timer and run. */
  close(): Promise<void>;
}

/**
 * Starts the fake server.
 *
 * @example
 * import { startFakeServer } from 'taskport/testing';
 *
 * await using fake = await startFakeServer({ clock: 'virtual' });
 * await fetch(`${fake.url}/v1/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
 * fake.control.cts.registerService({ name: 'api' });
 * await fake.control.advance(5_000); // the buffer period elapses; the task runs
 */
export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const { fetch, control, controlGuard, namespaces } = createFakeApp(options);
  // Loaded on demand, so that Bun and Deno can import `taskport/testing` for
  // `createFakeApp` without loading @hono/node-server.
  const { listen } = await import('../node.ts');
  const server = await listen({ fetch }, { host: options.host, port: options.port });
  controlGuard.listeningOn(options.host ?? '127.0.0.1', server.port);
  // Worlds with ports of their own (each member of a simulated CTS cluster) open them now.
  await control.listenWorlds(listen, { host: options.host }).catch(async (error) => {
    await server.close();
    await control.close();
    throw error;
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await server.close();
      await Promise.all([control.close(), namespaces.close()]);
    })();
    return closing;
  };
  return {
    url: server.url,
    port: server.port,
    control,
    namespaces,
    close,
    [Symbol.asyncDispose]: close,
  };
}
