/**
 * A simulated CTS Enterprise HA cluster (research/cts-ha.md): several CTS
 * instances, each with its own API (and port), one leader holding a
 * session-backed lock, followers answering the redirect 400, and failover
 * on the engine's clock.
 *
 * Shared state: one `MemoryStore` plays Consul KV (tasks and events), with
 * the simulated Consul catalog, the Terraform model (remote state: HA rules
 * out the local backend) and the scripted outcomes. Each leadership term gets
 * its own engine (scheduler, runner, status tracker) on that store; only the
 * leader has one, so only the leader runs tasks. A new leader adopts the
 * stored state, re-creates every task's driver and runs every enabled task
 * once (failures become events, none is fatal; a task whose driver fails to
 * initialise gets no event and is not runnable on that leader), then resumes
 * its triggers.
 */

import { Hono } from 'hono';
import type { Clock } from '../../../engine/clock.ts';
import type { IdleParticipant } from '../../../engine/virtual-clock.ts';
import type { FetchHandler } from '../../../node.ts';
import { cancelElectionTimers, elect, releaseLock, scheduleElection } from './election.ts';
import { CtsClusterError } from './errors.ts';
import { closeServers, createMember, followerApp, listenOn } from './member-server.ts';
import { CLUSTER_DEFAULTS, type CtsMemberStopOptions, validateClusterOptions } from './options.ts';
import {
  clusterSnapshot,
  clusterView,
  leaderInfo,
  memberInfo,
  recordTransition,
} from './snapshot.ts';
import {
  type ClusterState,
  createWorld,
  leadingMember,
  memberOf,
  newClusterState,
} from './state.ts';
import { endTerm } from './term.ts';
import type {
  CtsClusterInit,
  CtsClusterMemberInfo,
  CtsClusterSnapshot,
  CtsClusterTransition,
  CtsClusterView,
  ListenFunction,
} from './types.ts';

interface ClockWithTracking extends Clock {
  track?(participant: IdleParticipant): () => void;
}

/**
 * A simulated CTS Enterprise HA cluster: the front door. The lock and the
 * election are in `election.ts`, leadership terms and their catch-up pass
 * in `term.ts`, each member's port in `member-server.ts`, what the control
 * API shows in `snapshot.ts`; they share one {@link ClusterState}.
 */
export class CtsCluster {
  readonly name: string;
  readonly clock: Clock;
  readonly #state: ClusterState;
  readonly #viewApp: Hono;
  readonly #viewFollowerApp: Hono;
  readonly #untrack: (() => void) | undefined;
  /** The cluster as a single CTS fake: the API of whoever leads, the shared world. */
  readonly fake: CtsClusterView;

  constructor(init: CtsClusterInit) {
    validateClusterOptions(init.cluster);
    const options = init.cluster;
    this.name = options.name;
    this.clock = init.clock;
    const state = newClusterState({
      name: options.name,
      clock: init.clock,
      options: {
        sessionTtlMs: options.sessionTtlMs ?? CLUSTER_DEFAULTS.sessionTtlMs,
        lockDelayMs: options.lockDelayMs ?? CLUSTER_DEFAULTS.lockDelayMs,
        healthCheckIntervalMs:
          options.healthCheckIntervalMs ?? CLUSTER_DEFAULTS.healthCheckIntervalMs,
        deregisterCriticalAfterMs:
          options.deregisterCriticalAfterMs ?? CLUSTER_DEFAULTS.deregisterCriticalAfterMs,
        serviceName: options.serviceName ?? CLUSTER_DEFAULTS.serviceName,
        redirect: options.redirect ?? {},
      },
      globalBufferPeriod: init.globalBufferPeriod,
      journal: init.journal,
      world: createWorld(),
    });
    this.#state = state;
    const settings =
      typeof options.members === 'object'
        ? options.members
        : Array.from({ length: options.members ?? CLUSTER_DEFAULTS.members }, () => ({}));
    state.members.push(...settings.map((setting, index) => createMember(state, setting, index)));
    const ids = new Set(state.members.map((member) => member.id));
    if (ids.size !== state.members.length)
      throw new TypeError('taskport: cts.cluster.members must have distinct ids');

    // The cluster-level view (the fake server's own /v1): the leader's API, or
    // a follower's answer while nobody leads.
    this.#viewFollowerApp = followerApp(state, {
      isLeader: () => false,
      leader: () => leaderInfo(state),
      cluster: () => clusterView(state),
      redirect: state.options.redirect,
    });
    this.#viewApp = new Hono();
    this.#viewApp.all('*', (c) => {
      const term = leadingMember(state)?.term;
      return (term?.app ?? this.#viewFollowerApp).fetch(c.req.raw);
    });

    this.#untrack = (this.clock as ClockWithTracking).track?.({
      isIdle: () => state.pending.size === 0,
      whenIdle: () => this.whenIdle(),
    });

    const cluster = this;
    this.fake = {
      get app() {
        return cluster.#viewApp;
      },
      get engine() {
        return leadingMember(state)?.term?.engine ?? state.standby;
      },
      get catalog() {
        return state.world.catalog;
      },
      get outcomes() {
        return state.world.outcomes;
      },
      close: () => this.close(),
    };
    elect(state);
  }

  // -------------------------------------------------------------------------
  // Reading
  // -------------------------------------------------------------------------

  /** The member that leads, or undefined during an election. */
  leader(): CtsClusterMemberInfo | undefined {
    const leading = leadingMember(this.#state);
    return leading === undefined ? undefined : memberInfo(this.#state, leading);
  }

  /** One member; throws CtsClusterError (404) for an unknown id. */
  member(id: string): CtsClusterMemberInfo {
    return memberInfo(this.#state, memberOf(this.#state, id));
  }

  /** Every member, in join order. */
  members(): CtsClusterMemberInfo[] {
    return this.#state.members.map((member) => memberInfo(this.#state, member));
  }

  /** The cluster at a glance. */
  snapshot(): CtsClusterSnapshot {
    return clusterSnapshot(this.#state);
  }

  /** Every transition since the cluster started (or was reset), oldest first. */
  transitions(): CtsClusterTransition[] {
    return [...this.#state.transitions];
  }

  /** The request handler of a member's port (journaled), for serving it yourself. */
  handler(id: string): FetchHandler {
    return memberOf(this.#state, id).serverApp;
  }

  /** True when no catch-up pass is running. */
  isIdle(): boolean {
    return this.#state.pending.size === 0;
  }

  /** Resolves once no catch-up pass is running. */
  async whenIdle(): Promise<void> {
    while (this.#state.pending.size > 0) await Promise.all(this.#state.pending);
  }

  // -------------------------------------------------------------------------
  // Failover
  // -------------------------------------------------------------------------

  /**
   * Stops a member. A leader that crashes keeps the lock for the session TTL,
   * then a follower is elected (after the lock-delay); one stopped gracefully
   * frees the lock at once. Either way its engine stops (runs are aborted).
   */
  async stop(id: string, options: CtsMemberStopOptions = {}): Promise<CtsClusterMemberInfo> {
    const state = this.#state;
    const member = memberOf(state, id);
    if (member.state !== 'up') throw new CtsClusterError(`member ${id} is not running`, 409);
    if (options.successor !== undefined) memberOf(state, options.successor);
    const mode = options.mode ?? 'crash';
    member.state = mode === 'crash' ? 'crashed' : 'stopped';
    member.downSinceMs = this.clock.now();
    member.portMode = options.port ?? 'close';
    if (options.successor !== undefined) state.successor = options.successor;
    recordTransition(state, {
      kind: mode === 'crash' ? 'member-crashed' : 'member-stopped',
      member: id,
    });
    const closing: Promise<void>[] = [endTerm(member)];
    if (member.portMode === 'close' && member.server !== undefined) {
      closing.push(member.server.close());
      member.server = undefined;
    }
    await Promise.all(closing);
    if (state.lockHolder === id && state.lockReleaseTimer === undefined) {
      if (mode === 'graceful') releaseLock(state, 'session destroyed');
      else {
        state.lockReleaseTimer = this.clock.setTimer(
          () => releaseLock(state, 'session TTL expired'),
          state.options.sessionTtlMs,
        );
      }
    }
    return memberInfo(state, member);
  }

  /** Stops the member that leads (see {@link stop}); throws 409 when nobody leads. */
  async failover(options: CtsMemberStopOptions = {}): Promise<CtsClusterMemberInfo> {
    const leading = leadingMember(this.#state);
    if (leading === undefined) throw new CtsClusterError('no member leads the cluster', 409);
    return this.stop(leading.id, options);
  }

  /**
   * Starts a stopped member again. It joins as a follower, unhealthy until its
   * first health check passes; if nobody holds the lock it may be elected.
   */
  async start(id: string): Promise<CtsClusterMemberInfo> {
    const state = this.#state;
    const member = memberOf(state, id);
    if (member.state === 'up') throw new CtsClusterError(`member ${id} is already running`, 409);
    member.state = 'up';
    member.portMode = 'close';
    member.downSinceMs = undefined;
    member.healthyFromMs = this.clock.now() + state.options.healthCheckIntervalMs;
    if (state.listen !== undefined && member.server === undefined) await listenOn(state, member);
    recordTransition(state, { kind: 'member-started', member: id });
    if (state.lockHolder === undefined)
      scheduleElection(state, Math.max(0, state.lockFreeAtMs - this.clock.now()));
    return memberInfo(state, member);
  }

  // -------------------------------------------------------------------------
  // Lifecycle
  // -------------------------------------------------------------------------

  /** Gives every member its own port (`startFakeServer` calls this). */
  async listen(listen: ListenFunction, options: { readonly host?: string } = {}): Promise<void> {
    const state = this.#state;
    state.listen = listen;
    state.host = options.host ?? '127.0.0.1';
    try {
      for (const member of state.members) {
        if (member.server === undefined && (member.state === 'up' || member.portMode !== 'close'))
          await listenOn(state, member);
      }
    } catch (error) {
      await closeServers(state);
      throw error;
    }
  }

  /**
   * Back to the start: every member up and healthy, the first one leading,
   * nothing stored, a new catalog and outcomes. Ports are kept.
   */
  async reset(): Promise<void> {
    const state = this.#state;
    cancelElectionTimers(state);
    await Promise.all(state.members.map((member) => endTerm(member)));
    await this.whenIdle();
    state.world = createWorld();
    state.transitions = [];
    state.lockHolder = undefined;
    state.lockFreeAtMs = 0;
    state.successor = undefined;
    for (const member of state.members) {
      member.state = 'up';
      member.portMode = 'close';
      member.downSinceMs = undefined;
      member.healthyFromMs = this.clock.now();
      if (state.listen !== undefined && member.server === undefined) await listenOn(state, member);
    }
    elect(state);
  }

  /** Closes every port and stops every engine. */
  async close(): Promise<void> {
    const state = this.#state;
    if (state.closed) return;
    state.closed = true;
    cancelElectionTimers(state);
    await Promise.all([...state.members.map((member) => endTerm(member)), closeServers(state)]);
    await state.standby.close();
    this.#untrack?.();
  }
}
