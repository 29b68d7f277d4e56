/**
 * The cluster as others see it: a member's info and the snapshot for the
 * control API, the `/v1/status/cluster` view and the leader a follower
 * redirects to, and the journal of transitions.
 */

import type { CtsClusterMember, CtsLeaderInfo } from '../../../api/cts/ha/leadership.ts';
import { type ClusterState, leadingMember, type Member, memberOf } from './state.ts';
import type { CtsClusterMemberInfo, CtsClusterSnapshot, CtsClusterTransition } from './types.ts';

/** The address a member advertises: its setting, else the host it listens on. */
export function addressOf(state: ClusterState, member: Member): string | undefined {
  if (member.addressSetting === null) return undefined;
  if (member.addressSetting !== undefined) return member.addressSetting;
  if (state.host === undefined) return undefined;
  return state.host === '0.0.0.0' || state.host === '::' ? 'localhost' : state.host;
}

/** The lock holder, as a follower's redirect names it. */
export function leaderInfo(state: ClusterState): CtsLeaderInfo | undefined {
  if (state.lockHolder === undefined) return undefined;
  const holder = memberOf(state, state.lockHolder);
  return { id: holder.id, address: addressOf(state, holder), port: holder.port };
}

/** Whether `/v1/status/cluster` lists it (a gracefully stopped member deregisters). */
function listed(state: ClusterState, member: Member): boolean {
  if (member.state === 'stopped') return false;
  if (member.state === 'crashed')
    return state.clock.now() < (member.downSinceMs ?? 0) + state.options.deregisterCriticalAfterMs;
  return true;
}

function healthy(state: ClusterState, member: Member): boolean {
  return member.state === 'up' && state.clock.now() >= member.healthyFromMs;
}

/** What `/v1/status/cluster` answers. */
export function clusterView(state: ClusterState): {
  clusterName: string;
  members: CtsClusterMember[];
} {
  return {
    clusterName: state.name,
    members: state.members
      .filter((member) => listed(state, member))
      .map((member) => ({
        id: member.id,
        serviceName: member.serviceName,
        healthy: healthy(state, member),
        leader: member.id === state.lockHolder,
        address: addressOf(state, member),
      })),
  };
}

/** One member as the control surface shows it. */
export function memberInfo(state: ClusterState, member: Member): CtsClusterMemberInfo {
  return {
    id: member.id,
    serviceName: member.serviceName,
    address: addressOf(state, member) ?? null,
    port: member.port ?? null,
    url:
      member.server?.url ??
      (member.port === undefined || state.host === undefined
        ? null
        : `http://${state.host}:${member.port}`),
    state: member.state,
    healthy: healthy(state, member),
    listed: listed(state, member),
    leader: member.term !== undefined,
    holdsLock: member.id === state.lockHolder,
  };
}

/** The cluster at a glance. */
export function clusterSnapshot(state: ClusterState): CtsClusterSnapshot {
  return {
    name: state.name,
    leader: leadingMember(state)?.id ?? null,
    lockHolder: state.lockHolder ?? null,
    members: state.members.map((member) => memberInfo(state, member)),
  };
}

/** Keeps a transition, and journals it as a `CLUSTER` entry. */
export function recordTransition(
  state: ClusterState,
  transition: Omit<CtsClusterTransition, 'seq' | 'atMs'>,
): void {
  const stored: CtsClusterTransition = {
    seq: ++state.seq,
    atMs: state.clock.now(),
    ...transition,
  };
  state.transitions.push(stored);
  const query: Record<string, string> = { member: stored.member };
  if (stored.task !== undefined) query.task = stored.task;
  if (stored.outcome !== undefined) query.outcome = stored.outcome;
  state.journal?.record({
    method: 'CLUSTER',
    path: `/_taskport/cts/cluster/transitions/${stored.kind}`,
    query,
    body: JSON.stringify(stored),
    status: 0,
    atMs: stored.atMs,
    dialect: 'cluster',
  });
}
