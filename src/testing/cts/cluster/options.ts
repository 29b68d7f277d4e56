/**
 * The options of a simulated CTS Enterprise HA cluster, and their defaults
 * (research/cts-ha.md §5.1; timings on the engine's clock).
 */

import type { CtsRedirectOptions } from '../../../api/cts/ha/leadership.ts';

/** One member's settings. */
export interface CtsClusterMemberOptions {
  /** The instance `id`. @default `cts-01`, `cts-02`, … by position */
  readonly id?: string;
  /**
   * `high_availability.instance.address`; `null` configures none.
   * @default the host the member listens on (so redirects can be followed)
   */
  readonly address?: string | null;
  /** `consul.service_registration.service_name`. @default the cluster's `serviceName` */
  readonly serviceName?: string;
  /** The port it listens on; 0 picks a free one. @default 0 */
  readonly port?: number;
}

/** `cts.cluster` of the fake server: a CTS Enterprise HA cluster (implies Enterprise). */
export interface CtsClusterOptions {
  /** `high_availability.cluster.name`. */
  readonly name: string;
  /** How many instances, or each one's settings, in join order. @default 3 */
  readonly members?: number | readonly CtsClusterMemberOptions[];
  /**
   * `storage "consul" { session_ttl }`: how long a crashed leader's lock
   * outlives it before a follower may take it.
   * @default 15 000 ms
   */
  readonly sessionTtlMs?: number;
  /**
   * Consul lock-delay: the wait between the lock's release and a follower
   * taking it. Undocumented for CTS; 0 keeps failover within the documented
   * `session_ttl`.
   * @default 0
   */
  readonly lockDelayMs?: number;
  /**
   * Delay until a (re)started member's first health check passes; the first
   * members start healthy.
   * @default 10 000 ms
   */
  readonly healthCheckIntervalMs?: number;
  /**
   * How long a crashed member stays listed (unhealthy) before Consul
   * deregisters it (`DeregisterCriticalServiceAfter`).
   * @default 30 min
   */
  readonly deregisterCriticalAfterMs?: number;
  /** @default 'consul-terraform-sync' */
  readonly serviceName?: string;
  /** How redirect bodies look (request_id, address form). */
  readonly redirect?: CtsRedirectOptions;
}

/** How a member stops. */
export interface CtsMemberStopOptions {
  /**
   * `crash` keeps the lock until the session TTL runs out and the member
   * listed as unhealthy; `graceful` destroys the session (the lock is free at
   * once) and deregisters the member.
   * @default 'crash'
   */
  readonly mode?: 'crash' | 'graceful';
  /**
   * `close` stops listening (connections are refused); `unhealthy` keeps the
   * port and answers every request 503 `CTS is not healthy: …`.
   * @default 'close'
   */
  readonly port?: 'close' | 'unhealthy';
  /** The member the next election picks, if it is up. @default the first member up, in join order */
  readonly successor?: string;
}

/** Defaults of {@link CtsClusterOptions}. */
export const CLUSTER_DEFAULTS = {
  members: 3,
  sessionTtlMs: 15_000,
  lockDelayMs: 0,
  healthCheckIntervalMs: 10_000,
  deregisterCriticalAfterMs: 30 * 60_000,
  serviceName: 'consul-terraform-sync',
} as const;

/** The member id CTS examples use: `cts-01`, `cts-02`, …. */
export function defaultMemberId(index: number): string {
  return `cts-${String(index + 1).padStart(2, '0')}`;
}

/** Checks the options; throws a TypeError naming the bad one. */
export function validateClusterOptions(options: CtsClusterOptions): void {
  if (typeof options.name !== 'string' || options.name === '')
    throw new TypeError('taskport: cts.cluster.name must be a non-empty string');
  const { members } = options;
  if (typeof members === 'number' && !(Number.isInteger(members) && members >= 1))
    throw new TypeError(`taskport: cts.cluster.members must be an integer >= 1, got ${members}`);
  if (Array.isArray(members) && members.length === 0)
    throw new TypeError('taskport: cts.cluster.members must list at least one member');
  for (const key of [
    'sessionTtlMs',
    'lockDelayMs',
    'healthCheckIntervalMs',
    'deregisterCriticalAfterMs',
  ] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0))
      throw new TypeError(`taskport: cts.cluster.${key} must be a non-negative number`);
  }
}
