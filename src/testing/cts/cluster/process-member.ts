/**
 * One CTS Enterprise HA instance per `taskport serve` process (`--cts-ha`):
 * the processes on one database are the cluster. The lock is a lease in the
 * database (`lease-election.ts`); the store that plays Consul KV is the
 * database's; a member that wins the lock starts a leadership term exactly
 * as a simulated member does (`term.ts`: a new engine adopts the stored
 * tasks, runs each enabled one once, then resumes triggers), and a follower
 * answers with CTS's redirect 400 naming the lock holder.
 *
 * The simulated Consul catalog and the scripted outcomes stay in each
 * process's memory: register services on the leader.
 */

import { Hono } from 'hono';
import { ctsApi } from '../../../api/cts/app.ts';
import type { CtsLeadership, CtsRedirectOptions } from '../../../api/cts/ha/leadership.ts';
import type { EffectiveBufferPeriod } from '../../../api/cts/types.ts';
import type { Clock } from '../../../engine/clock.ts';
import type { Coordination } from '../../../engine/coordination.ts';
import type { Store } from '../../../engine/store.ts';
import type { Journal } from '../../journal.ts';
import { LeaseElection } from './lease-election.ts';
import { CLUSTER_DEFAULTS } from './options.ts';
import { type ClusterState, createWorld, type Member, newClusterState } from './state.ts';
import { endTerm, startTerm } from './term.ts';

/** `cts.processHa` of the fake: this process is one member of a cluster on a database. */
export interface CtsProcessHaOptions {
  /** `high_availability.cluster.name`: processes with the same name form one cluster. */
  readonly clusterName: string;
  /** The instance `id`; distinct per process. */
  readonly id: string;
  /** `high_availability.instance.address`, which redirects name. @default none */
  readonly address?: string;
  /** @default 'consul-terraform-sync' */
  readonly serviceName?: string;
  /** `session_ttl`: how long a dead leader's lock outlives it. @default 15 000 ms */
  readonly sessionTtlMs?: number;
  /** The lock: a lease on the database clock (`taskport/postgres`'s coordination). */
  readonly coordination: Coordination;
  /** Consul KV: tasks, events, and the records of the lock holder and the members. */
  readonly store: Store;
  readonly redirect?: CtsRedirectOptions;
}

/** The process's side of the cluster, for the CLI. */
export interface CtsProcessHa {
  readonly election: LeaseElection;
  /** Joins the cluster, advertising `port` (the port the fake listens on). */
  start(port: number): Promise<void>;
  /** Leaves gracefully (lock released, member deregistered). */
  stop(): Promise<void>;
}

/** What the CTS fake is built from, in process HA mode. */
export interface CtsProcessHaParts {
  readonly app: Hono;
  readonly state: ClusterState;
  readonly member: Member;
  readonly ha: CtsProcessHa;
}

/** Builds this process's member; it follows until {@link CtsProcessHa.start} wins an election. */
export function createProcessHaMember(
  clock: Clock,
  options: CtsProcessHaOptions,
  globalBufferPeriod: EffectiveBufferPeriod | undefined,
  journal: Journal | undefined,
): CtsProcessHaParts {
  const ttl = options.sessionTtlMs ?? CLUSTER_DEFAULTS.sessionTtlMs;
  const state = newClusterState({
    name: options.clusterName,
    clock,
    options: {
      sessionTtlMs: ttl,
      lockDelayMs: 0,
      healthCheckIntervalMs: CLUSTER_DEFAULTS.healthCheckIntervalMs,
      deregisterCriticalAfterMs: CLUSTER_DEFAULTS.deregisterCriticalAfterMs,
      serviceName: options.serviceName ?? CLUSTER_DEFAULTS.serviceName,
      redirect: options.redirect ?? {},
    },
    globalBufferPeriod,
    journal,
    world: createWorld(options.store),
  });
  const election: LeaseElection = new LeaseElection({
    clusterName: options.clusterName,
    sessionTtlMs: ttl,
    clock,
    coordination: options.coordination,
    records: options.store,
    onElected: () => {
      state.lockHolder = member.id;
      startTerm(state, member);
    },
    onDeposed: async () => {
      state.lockHolder = undefined;
      await endTerm(member);
    },
    onError: (error) => state.standby.events.emit('engine:error', error),
  });
  const leadership: CtsLeadership = {
    isLeader: () => member.term !== undefined && election.isLeader(),
    leader: () => election.leader(),
    cluster: () => election.cluster(),
    redirect: state.options.redirect,
  };
  const followerApp = ctsApi({
    engine: state.standby,
    enterprise: true,
    globalBufferPeriod,
    leadership,
  });
  const member: Member = {
    id: options.id,
    serviceName: state.options.serviceName,
    addressSetting: options.address ?? null,
    requestedPort: 0,
    port: undefined,
    server: undefined,
    state: 'up',
    portMode: 'close',
    healthyFromMs: clock.now(),
    downSinceMs: undefined,
    term: undefined,
    leadership,
    followerApp,
    serverApp: new Hono(),
  };
  state.members.push(member);
  const app = new Hono();
  // Looked up per request: the leader's term app, or the follower's answer.
  app.all('*', (c) => (member.term?.app ?? followerApp).fetch(c.req.raw));
  const ha: CtsProcessHa = {
    election,
    async start(port) {
      member.port = port;
      await election.start({
        id: member.id,
        serviceName: member.serviceName,
        address: options.address,
        port,
      });
    },
    async stop() {
      state.closed = true;
      await election.stop('graceful');
      await Promise.all(state.pending);
      await state.standby.close();
    },
  };
  return { app, state, member, ha };
}
