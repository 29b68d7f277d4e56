/**
 * The simulated Consul that the fake's CTS tasks watch: service instances
 * with health, and a KV store. It only holds data and says when it changed;
 * which tasks a change triggers is decided by `condition-matcher.ts`.
 */

import { EventEmitter } from 'eventemitter3';

/** Health of a service instance, as Consul's checks aggregate it. */
export type HealthStatus = 'passing' | 'warning' | 'critical';

/** A registered service instance. */
export interface ServiceInstance {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, string>>;
  readonly node: string;
  readonly nodeAddress: string;
  readonly nodeMeta: Readonly<Record<string, string>>;
  readonly datacenter: string;
  readonly namespace: string;
  readonly status: HealthStatus;
}

/** What `register` takes: `name` is required, everything else has Consul-like defaults. */
export interface ServiceRegistration {
  readonly name: string;
  /** @default the name */
  readonly id?: string;
  /** @default '127.0.0.1' */
  readonly address?: string;
  /** @default 0 */
  readonly port?: number;
  readonly tags?: readonly string[];
  readonly meta?: Readonly<Record<string, string>>;
  /** @default 'node-1' */
  readonly node?: string;
  /** @default '127.0.0.1' */
  readonly nodeAddress?: string;
  readonly nodeMeta?: Readonly<Record<string, string>>;
  /** @default 'dc1' */
  readonly datacenter?: string;
  /** @default 'default' */
  readonly namespace?: string;
  /** @default 'passing' */
  readonly status?: HealthStatus;
}

/** The default datacenter of the simulated agent. */
export const DEFAULT_DATACENTER = 'dc1';
/** The default namespace (Consul Enterprise's `default`). */
export const DEFAULT_NAMESPACE = 'default';

const HEALTH_STATUSES: readonly HealthStatus[] = ['passing', 'warning', 'critical'];

/** An instance's identity: a service id is unique per node. */
function instanceKey(id: string, node: string): string {
  return `${node}\u0000${id}`;
}

/** Events of the catalog. */
export interface ConsulCatalogEvents {
  changed: [];
}

/** Service instances and KV pairs, in memory. */
export class ConsulCatalog extends EventEmitter<ConsulCatalogEvents> {
  readonly #services = new Map<string, ServiceInstance>();
  readonly #kv = new Map<string, string>();

  /** Registers (or replaces) a service instance. */
  register(registration: ServiceRegistration): ServiceInstance {
    if (typeof registration?.name !== 'string' || registration.name.length === 0) {
      throw new TypeError('Expected `name` to be a non-empty string');
    }
    const port = registration.port ?? 0;
    // Consul stores a port as a Go int; a JSON 1e400 is Infinity here.
    if (!(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
      throw new TypeError(
        `Expected \`port\` to be an integer from 0 to 65535, got ${typeof port === 'string' ? JSON.stringify(port) : String(port)} (${typeof port})`,
      );
    }
    const status = registration.status ?? 'passing';
    if (!HEALTH_STATUSES.includes(status)) {
      throw new TypeError(
        `Expected \`status\` to be one of passing, warning, critical, got ${String(status)}`,
      );
    }
    const instance: ServiceInstance = {
      id: registration.id ?? registration.name,
      name: registration.name,
      address: registration.address ?? '127.0.0.1',
      port,
      tags: [...(registration.tags ?? [])],
      meta: { ...registration.meta },
      node: registration.node ?? 'node-1',
      nodeAddress: registration.nodeAddress ?? '127.0.0.1',
      nodeMeta: { ...registration.nodeMeta },
      datacenter: registration.datacenter ?? DEFAULT_DATACENTER,
      namespace: registration.namespace ?? DEFAULT_NAMESPACE,
      status,
    };
    this.#services.set(instanceKey(instance.id, instance.node), instance);
    this.emit('changed');
    return instance;
  }

  /** Removes an instance; returns whether it existed. */
  deregister(id: string, node = 'node-1'): boolean {
    const removed = this.#services.delete(instanceKey(id, node));
    if (removed) this.emit('changed');
    return removed;
  }

  /** Sets an instance's aggregated health; returns the instance, or undefined if unknown. */
  setHealth(id: string, status: HealthStatus, node = 'node-1'): ServiceInstance | undefined {
    const key = instanceKey(id, node);
    const current = this.#services.get(key);
    if (current === undefined) return undefined;
    if (!HEALTH_STATUSES.includes(status)) {
      throw new TypeError(
        `Expected \`status\` to be one of passing, warning, critical, got ${String(status)}`,
      );
    }
    const next = { ...current, status };
    this.#services.set(key, next);
    if (current.status !== status) this.emit('changed');
    return next;
  }

  /** Every instance, in registration order. */
  services(): ServiceInstance[] {
    return [...this.#services.values()];
  }

  /** Sets a key. */
  putKey(key: string, value: string): void {
    const changed = this.#kv.get(key) !== value;
    this.#kv.set(key, value);
    if (changed) this.emit('changed');
  }

  /** Deletes a key, or with `recurse` every key under the prefix; returns how many went. */
  deleteKey(key: string, options: { recurse?: boolean } = {}): number {
    let removed = 0;
    for (const existing of [...this.#kv.keys()]) {
      if (existing === key || (options.recurse === true && existing.startsWith(key))) {
        this.#kv.delete(existing);
        removed++;
      }
    }
    if (removed > 0) this.emit('changed');
    return removed;
  }

  /** A key's value, if set. */
  getKey(key: string): string | undefined {
    return this.#kv.get(key);
  }

  /** Every key under `prefix`, sorted (Consul returns keys sorted). */
  keysUnder(prefix: string): [string, string][] {
    return [...this.#kv.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Forgets every instance and key. */
  clear(): void {
    const hadData = this.#services.size > 0 || this.#kv.size > 0;
    this.#services.clear();
    this.#kv.clear();
    if (hadData) this.emit('changed');
  }
}
