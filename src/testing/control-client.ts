/**
 * The control API of one namespace over HTTP, for a test process that does
 * not hold the fake (a `taskport serve` in another process, a fixture). The
 * same operations as {@link FakeControl}'s root ones: reset, seed, the
 * journal, idle, and the clock. Web-standard `fetch` only.
 */

import type { SeedInput } from './control.ts';
import type { SeedFailure } from './fake-dialect.ts';
import type { JournalEntry } from './journal.ts';

/** Options of {@link ControlClient}. */
export interface ControlClientOptions {
  /**
   * The namespace's base URL: the fake's URL, with `/ns/<name>` for a
   * namespace, e.g. `http://127.0.0.1:8558/ns/team-a`.
   */
  readonly url: string;
  /** The fake's control token (`--control-token`), if it has one. */
  readonly token?: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** A control request the fake refused: its status and its `{ error }` message. */
export class ControlRequestError extends Error {
  override readonly name = 'ControlRequestError';
  readonly status: number;

  constructor(method: string, path: string, status: number, message: string) {
    super(`${method} ${path}: ${status} ${message}`);
    this.status = status;
  }
}

/** Filters of {@link ControlClient.calls}, as `GET /_taskport/journal` takes them. */
export interface RemoteJournalFilter {
  readonly method?: string;
  readonly path?: string;
  readonly status?: number;
  readonly dialect?: string;
}

/** The namespace's clock over HTTP. */
export interface ControlClock {
  /** Its time, epoch ms. */
  now(): Promise<number>;
  /** Moves a virtual clock forward, running what falls due; its new time. */
  advance(ms: number): Promise<number>;
}

/** One namespace's control API, over HTTP. */
export class ControlClient {
  readonly url: string;
  readonly clock: ControlClock;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: ControlClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.clock = {
      now: async () => (await this.request<{ nowMs: number }>('GET', '/clock')).nowMs,
      advance: async (ms) =>
        (await this.request<{ nowMs: number }>('POST', '/clock/advance', { ms })).nowMs,
    };
  }

  /**
   * Sends one control request: `path` is under `/_taskport` (`/clock`,
   * `/cts/services`). Throws {@link ControlRequestError} for a status ≥ 300.
   */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#token !== undefined) headers['x-taskport-token'] = this.#token;
    const response = await this.#fetch(`${this.url}/_taskport${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (response.status >= 300) {
      const error = (parsed as { error?: unknown } | undefined)?.error;
      throw new ControlRequestError(method, path, response.status, String(error ?? text));
    }
    return parsed as T;
  }

  /** Forgets the namespace's tasks, runs, scripted outcomes, services and journal. */
  async reset(): Promise<void> {
    await this.request('POST', '/reset');
  }

  /** Creates what `input` lists through each dialect's public API; returns what was refused. */
  async seed(input: SeedInput): Promise<SeedFailure[]> {
    return (await this.request<{ failures: SeedFailure[] }>('POST', '/seed', input)).failures;
  }

  /** The requests the namespace received, oldest first. */
  async calls(filter: RemoteJournalFilter = {}): Promise<JournalEntry[]> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) {
      if (value !== undefined) query.set(key, String(value));
    }
    const search = query.size === 0 ? '' : `?${query}`;
    return (await this.request<{ calls: JournalEntry[] }>('GET', `/journal${search}`)).calls;
  }

  /** Resolves once no run is active (moving a virtual clock while runs wait on it). */
  async whenIdle(): Promise<void> {
    await this.request('POST', '/when-idle');
  }
}
