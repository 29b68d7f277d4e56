/**
 * The namespaces of one fake server: isolated worlds, each with its own
 * clock, journal and dialect worlds (its own engine, catalog, organizations,
 * environments), under names. The default namespace always exists; the
 * others are created on first use or by `create`, up to a limit, and
 * removed by `delete`. Names are checked here, once, for every way in.
 */

import type { FakeControl } from './control.ts';
import {
  invalidNamespaceNameMessage,
  MESSAGE_DEFAULT_NOT_DELETABLE,
  namespaceExistsMessage,
  namespaceLimitMessage,
  unknownNamespaceMessage,
} from './namespace-messages.ts';
import type { WorldFetch } from './world-fetch.ts';

/** The namespace of requests that name none. */
export const DEFAULT_NAMESPACE = 'default';

/**
 * Namespaces a fake serves at most besides the default: each holds worlds
 * and a journal, and any request may create one, so their number is bound.
 */
export const DEFAULT_MAX_NAMESPACES = 64;

/** Bytes the journal of a namespace other than the default keeps at most (2 MiB). */
export const NAMESPACE_JOURNAL_MAX_BYTES = 2 * 1024 * 1024;

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Whether `name` is a valid namespace name (1–63 of `a-z 0-9 - _`, starting alphanumeric). */
export function isNamespaceName(name: string): boolean {
  return NAME.test(name);
}

/** A refused namespace operation, with the status the control API answers it with. */
export class NamespaceError extends Error {
  override readonly name = 'NamespaceError';
  readonly status: 400 | 404 | 409;

  constructor(message: string, status: NamespaceError['status']) {
    super(message);
    this.status = status;
  }
}

/**
 * What a namespace is created with, as JSON: what may differ between
 * namespaces of one fake. Everything else comes from the fake's options.
 */
export interface NamespaceOptions {
  /** @default the fake's clock kind (`'real'` or `'virtual'`) */
  readonly clock?: 'real' | 'virtual';
  /** Where a virtual clock starts, epoch ms. @default the wall clock's time at creation */
  readonly startMs?: number;
  readonly cts?: {
    /** Serve as CTS Enterprise. @default the fake's */
    readonly enterprise?: boolean;
  };
}

/** One namespace: its control surface and its dispatcher. */
export interface Namespace {
  readonly name: string;
  readonly control: FakeControl;
  readonly fetch: WorldFetch;
  /** The options it was created with (`{}` for the default and on first use). */
  readonly options: NamespaceOptions;
  /** Wall-clock time of its creation, epoch ms. */
  readonly createdAtMs: number;
  /** Whether its state survives a restart (`--store`; only the default's can). */
  readonly durable: boolean;
}

/** A namespace as `GET /_taskport/namespaces` lists it. */
export interface NamespaceInfo {
  readonly name: string;
  readonly createdAt: string;
  readonly clock: 'real' | 'virtual';
  /** Its clock's time. */
  readonly now: string;
  readonly nowMs: number;
  readonly durable: boolean;
  readonly options: NamespaceOptions;
}

/** Options of {@link NamespaceRegistry}. */
export interface NamespaceRegistryOptions {
  /** The default namespace, built by the fake. */
  readonly defaultNamespace: Namespace;
  /** Builds a new namespace's worlds. */
  readonly build: (name: string, options: NamespaceOptions) => Namespace;
  /** @default {@link DEFAULT_MAX_NAMESPACES} */
  readonly maxNamespaces?: number;
}

/** The same options, as JSON compares them (keys in a fixed order). */
function sameOptions(a: NamespaceOptions, b: NamespaceOptions): boolean {
  const canonical = (o: NamespaceOptions): string =>
    JSON.stringify([o.clock, o.startMs, o.cts?.enterprise]);
  return canonical(a) === canonical(b);
}

/** The namespaces of one fake, by name. */
export class NamespaceRegistry {
  readonly defaultNamespace: Namespace;
  readonly maxNamespaces: number;
  readonly #build: NamespaceRegistryOptions['build'];
  /** The other namespaces, in creation order. */
  readonly #others = new Map<string, Namespace>();

  constructor(options: NamespaceRegistryOptions) {
    const max = options.maxNamespaces ?? DEFAULT_MAX_NAMESPACES;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new TypeError(
        `Expected \`maxNamespaces\` to be a non-negative integer, got ${String(max)}`,
      );
    }
    this.defaultNamespace = options.defaultNamespace;
    this.maxNamespaces = max;
    this.#build = options.build;
  }

  /** The namespace called `name`, if it exists (no check, no creation). */
  get(name: string): Namespace | undefined {
    return name === DEFAULT_NAMESPACE ? this.defaultNamespace : this.#others.get(name);
  }

  /**
   * The namespace called `name`, created with the fake's options on first
   * use. Throws {@link NamespaceError}: 400 for a bad name, 409 past the limit.
   */
  resolve(name: string): Namespace {
    return this.get(name) ?? this.#add(name, {});
  }

  /**
   * Creates `name` with `options`; an existing one with the same options is
   * kept (`created: false`), one with other options is a 409.
   */
  create(name: string, options: NamespaceOptions = {}): { namespace: Namespace; created: boolean } {
    const existing = this.get(name);
    if (existing === undefined) return { namespace: this.#add(name, options), created: true };
    if (!sameOptions(existing.options, options)) {
      throw new NamespaceError(namespaceExistsMessage(name), 409);
    }
    return { namespace: existing, created: false };
  }

  /** Removes `name`, stopping its timers and runs. The default cannot be removed (409). */
  async delete(name: string): Promise<void> {
    if (name === DEFAULT_NAMESPACE) throw new NamespaceError(MESSAGE_DEFAULT_NOT_DELETABLE, 409);
    const namespace = this.#others.get(name);
    if (namespace === undefined) throw new NamespaceError(unknownNamespaceMessage(name), 404);
    this.#others.delete(name);
    await namespace.control.close();
  }

  /** Removes every namespace but the default; returns their names. */
  async deleteAll(): Promise<string[]> {
    const removed = [...this.#others.values()];
    this.#others.clear();
    await Promise.all(removed.map((namespace) => namespace.control.close()));
    return removed.map((namespace) => namespace.name);
  }

  /** Every namespace, the default first, then in creation order. */
  all(): Namespace[] {
    return [this.defaultNamespace, ...this.#others.values()];
  }

  /** How {@link all} are listed over HTTP. */
  list(): NamespaceInfo[] {
    return this.all().map(describeNamespace);
  }

  /** Stops the timers and runs of every namespace but the default (the fake closes that one). */
  async close(): Promise<void> {
    await this.deleteAll();
  }

  #add(name: string, options: NamespaceOptions): Namespace {
    if (!isNamespaceName(name)) throw new NamespaceError(invalidNamespaceNameMessage(name), 400);
    if (this.#others.size >= this.maxNamespaces) {
      throw new NamespaceError(namespaceLimitMessage(this.maxNamespaces), 409);
    }
    const namespace = this.#build(name, options);
    this.#others.set(name, namespace);
    return namespace;
  }
}

/** A namespace as the control API describes it. */
export function describeNamespace(namespace: Namespace): NamespaceInfo {
  const { control } = namespace;
  const nowMs = control.now();
  return {
    name: namespace.name,
    createdAt: new Date(namespace.createdAtMs).toISOString(),
    clock: control.controlsTime ? 'virtual' : 'real',
    now: new Date(nowMs).toISOString(),
    nowMs,
    durable: namespace.durable,
    options: namespace.options,
  };
}
