/**
 * LISTEN on a connection of its own, kept open while anyone subscribes.
 *
 * A pooled connection cannot listen: the pool hands it to other queries and
 * may close it when idle. So the listener opens a dedicated client. When that
 * connection drops (a restart, a failover, `pg_terminate_backend`), it
 * reconnects with a growing delay and, once listening again, calls every
 * handler once: notifications sent while it was away are lost, and a wake-up
 * makes the engines look at the tables, where the state is.
 */

import pg from 'pg';

/** The first reconnection waits this long; each failure doubles it up to the maximum. */
const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 5_000;

/** The application_name of the listening connection, to find it in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'taskport-listener';

export class WakeListener {
  readonly #config: pg.ClientConfig;
  readonly #channel: string;
  readonly #handlers = new Set<() => void>();
  #client: pg.Client | undefined;
  #starting: Promise<pg.Client> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryMs = FIRST_RETRY_MS;

  /** `channel` is the unquoted channel name (checked by the caller to be a plain identifier). */
  constructor(config: pg.ClientConfig, channel: string) {
    this.#config = {
      ...config,
      application_name: config.application_name ?? LISTENER_APPLICATION_NAME,
      keepAlive: true,
    };
    this.#channel = channel;
  }

  /** Adds a handler; resolves once the connection listens. The returned function removes it. */
  async add(handler: () => void): Promise<() => Promise<void>> {
    this.#handlers.add(handler);
    try {
      await this.#listening();
    } catch (error) {
      this.#handlers.delete(handler);
      if (this.#handlers.size === 0) await this.#stop();
      throw error;
    }
    let removed = false;
    return async () => {
      if (removed) return;
      removed = true;
      this.#handlers.delete(handler);
      if (this.#handlers.size === 0) await this.#stop();
    };
  }

  /** Drops every handler and the connection. */
  async close(): Promise<void> {
    this.#handlers.clear();
    await this.#stop();
  }

  #listening(): Promise<pg.Client> {
    if (this.#client !== undefined) return Promise.resolve(this.#client);
    this.#starting ??= this.#start().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #start(): Promise<pg.Client> {
    const client = new pg.Client(this.#config);
    client.on('notification', (message) => {
      if (message.channel === this.#channel) this.#wakeAll();
    });
    // Both may fire for one loss; the first one that finds the client current acts.
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.#channel}"`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      throw error;
    }
    // Handlers removed meanwhile: #stop() waits for this start, then ends the client.
    this.#client = client;
    return client;
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.end().catch(() => {});
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#retryTimer !== undefined || this.#handlers.size === 0) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#handlers.size === 0) return;
      this.#listening().then(
        () => {
          this.#retryMs = FIRST_RETRY_MS;
          this.#wakeAll();
        },
        () => {
          this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
          this.#scheduleReconnect();
        },
      );
    }, this.#retryMs);
    // A reconnection attempt alone does not keep the process alive.
    this.#retryTimer.unref?.();
  }

  #wakeAll(): void {
    for (const handler of [...this.#handlers]) {
      try {
        handler();
      } catch {
        // One subscriber's failure must not keep the others asleep.
      }
    }
  }

  async #stop(): Promise<void> {
    if (this.#retryTimer !== undefined) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
    }
    await this.#starting?.catch(() => {});
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    client.removeAllListeners('end');
    client.on('error', () => {});
    await client.end().catch(() => {});
  }
}
