/**
 * `taskport serve --cluster-members <n>`: the cluster options from the
 * command line, and the lines the CLI prints about the members.
 */

import { parseGoDuration } from '../../../api/cts/go-duration.ts';
import type { CtsCluster } from './cluster.ts';
import type { CtsClusterOptions } from './options.ts';

/** The CLI's cluster flags, as `parseArgs` gives them. */
export interface ClusterCliValues {
  readonly 'cluster-members'?: string;
  readonly 'cluster-name'?: string;
  readonly 'cluster-port'?: string;
  readonly 'cluster-session-ttl'?: string;
}

/** The CLI's usage lines for the cluster flags. */
export const CLUSTER_USAGE = `  --cluster-members <n>
                     serve a CTS Enterprise HA cluster of n members (implies --enterprise),
                     each on its own port; failover through /_taskport/cts/cluster
  --cluster-name <name>
                     the cluster's name (default cts-cluster)
  --cluster-port <n> the first member's port; the others follow it (default: --port + 1,
                     or free ports when --port is 0)
  --cluster-session-ttl <duration>
                     how long a crashed leader keeps the lock, e.g. 15s (default 15s)
`;

/** The cluster options, or undefined without `--cluster-members`; throws on a bad value. */
export function clusterOptionsFromCli(
  values: ClusterCliValues,
  serverPort: number,
): CtsClusterOptions | undefined {
  if (values['cluster-members'] === undefined) {
    for (const flag of ['cluster-name', 'cluster-port', 'cluster-session-ttl'] as const) {
      if (values[flag] !== undefined) throw new Error(`--${flag} needs --cluster-members`);
    }
    return undefined;
  }
  const count = Number(values['cluster-members']);
  if (!Number.isInteger(count) || count < 1 || count > 64)
    throw new Error(`--cluster-members must be 1–64, got ${values['cluster-members']}`);
  const first =
    values['cluster-port'] === undefined
      ? serverPort === 0
        ? 0
        : serverPort + 1
      : Number(values['cluster-port']);
  if (!Number.isInteger(first) || first < 0 || first + count - 1 > 65_535)
    throw new Error(`--cluster-port must leave room for ${count} ports, got ${first}`);
  let sessionTtlMs: number | undefined;
  if (values['cluster-session-ttl'] !== undefined) {
    sessionTtlMs = parseGoDuration(values['cluster-session-ttl']);
    if (!(sessionTtlMs >= 0))
      throw new Error(`--cluster-session-ttl must not be negative, got ${sessionTtlMs}`);
  }
  return {
    name: values['cluster-name'] ?? 'cts-cluster',
    members: Array.from({ length: count }, (_, index) => ({
      port: first === 0 ? 0 : first + index,
    })),
    ...(sessionTtlMs === undefined ? {} : { sessionTtlMs }),
  };
}

/** One line per member: `taskport: CTS cluster <name> member cts-01 (leader) at http://…`. */
export function describeMembers(cluster: CtsCluster): string {
  return cluster
    .members()
    .map(
      (member) =>
        `taskport: CTS cluster ${cluster.name} member ${member.id}${member.leader ? ' (leader)' : ''} at ${member.url}\n`,
    )
    .join('');
}
