/**
 * `taskport serve --cluster-members <n>`: the cluster options from the
 * command line and the `--config` file's `high_availability` block, and the
 * lines the CLI prints about the members.
 *
 * CTS's `start -reset-storage` has no flag here: it makes one instance
 * overwrite the stored state with its own config-file tasks whenever it wins
 * an election (research/cts-ha.md §4.4), which needs members with different
 * configs, and the CLI gives every member the one `--config`. Clearing the
 * store at start would change nothing: every `taskport serve` starts with
 * an empty store.
 */

import { parseGoDuration } from '../../../api/cts/go/duration.ts';
import type { CtsConfigFile } from '../config-file.ts';
import type { CtsCluster } from './cluster.ts';
import {
  CLUSTER_DEFAULTS,
  type CtsClusterMemberOptions,
  type CtsClusterOptions,
  defaultMemberId,
} from './options.ts';

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
                     each on its own port; failover through /_taskport/cts/cluster.
                     A --config with a high_availability block serves a cluster too,
                     of 3 members unless --cluster-members says otherwise; the file's
                     cluster name and session_ttl apply, and its id and
                     instance.address are the first member's (the flags below win)
  --cluster-name <name>
                     the cluster's name (default: the config's, else cts-cluster)
  --cluster-port <n> the first member's port; the others follow it (default: --port + 1,
                     or free ports when --port is 0)
  --cluster-session-ttl <duration>
                     how long a crashed leader keeps the lock, e.g. 15s (default: the
                     config's session_ttl, else 15s)
`;

/** The cluster settings a config file's `high_availability` block gives; throws on what CTS refuses. */
function fromConfigFile(file: CtsConfigFile | undefined): {
  name?: string;
  sessionTtl?: string;
  first?: CtsClusterMemberOptions;
  serviceName?: string;
} {
  const ha = file?.highAvailability;
  if (file === undefined || ha === undefined) return {};
  if (ha.clusterName === undefined || ha.clusterName === '')
    throw new Error('the config file\'s high_availability block needs cluster { name = "…" }');
  // research/cts-ha.md §5.1: CTS logs an error and exits.
  if (file.terraformBackend === 'local')
    throw new Error('the local Terraform backend cannot be used with high_availability');
  const first: CtsClusterMemberOptions = {
    ...(file.id === undefined ? {} : { id: file.id }),
    ...(ha.instanceAddress === undefined ? {} : { address: ha.instanceAddress }),
  };
  return {
    name: ha.clusterName,
    sessionTtl: ha.storage?.sessionTtl,
    first,
    serviceName: file.serviceName,
  };
}

/**
 * The cluster options, or undefined without `--cluster-members` and without
 * a `high_availability` block in `file`; throws on a bad value. Flags win
 * over the file.
 */
export function clusterOptionsFromCli(
  values: ClusterCliValues,
  serverPort: number,
  file?: CtsConfigFile,
): CtsClusterOptions | undefined {
  const fromFile = fromConfigFile(file);
  if (values['cluster-members'] === undefined && fromFile.name === undefined) {
    for (const flag of ['cluster-name', 'cluster-port', 'cluster-session-ttl'] as const) {
      if (values[flag] !== undefined) throw new Error(`--${flag} needs --cluster-members`);
    }
    return undefined;
  }
  const count = Number(values['cluster-members'] ?? CLUSTER_DEFAULTS.members);
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
  const sessionTtl = values['cluster-session-ttl'] ?? fromFile.sessionTtl;
  if (sessionTtl !== undefined) {
    const source =
      values['cluster-session-ttl'] === undefined ? 'session_ttl' : '--cluster-session-ttl';
    sessionTtlMs = parseGoDuration(sessionTtl);
    if (!(sessionTtlMs >= 0)) throw new Error(`${source} must not be negative, got ${sessionTtl}`);
  }
  // The file describes one instance: the first member. The others take the
  // default ids, passing over the first one's.
  const firstId = fromFile.first?.id;
  const otherIds = Array.from({ length: count + 1 }, (_, index) => defaultMemberId(index)).filter(
    (id) => id !== firstId,
  );
  return {
    name: values['cluster-name'] ?? fromFile.name ?? 'cts-cluster',
    members: Array.from({ length: count }, (_, index) => ({
      ...(index === 0
        ? fromFile.first
        : firstId === undefined
          ? {}
          : { id: otherIds[index - 1] as string }),
      port: first === 0 ? 0 : first + index,
    })),
    ...(sessionTtlMs === undefined ? {} : { sessionTtlMs }),
    ...(fromFile.serviceName === undefined ? {} : { serviceName: fromFile.serviceName }),
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
