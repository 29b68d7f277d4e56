/**
 * CTS Enterprise's leader election between processes (`taskport serve
 * --cts-ha`), on a database instead of a Consul session: the leadership lock
 * is a lease of the shared {@link Coordination} (one row, a fencing token,
 * the database's clock), and what Consul's catalog tells a follower (who
 * holds the lock, at which address; which members are registered and
 * healthy) are records of the shared store.
 *
 * Each member ticks on the fake's clock: the leader renews its lease every
 * third of the session TTL, a follower tries to take the lock every quarter
 * of it. A leader that dies (kill -9) stops renewing; its lease expires at
 * most one TTL after its last renewal and a follower takes it within a
 * quarter TTL more: the documented bounds (research/cts-ha.md §4.5: at least
 * `session_ttl`, at most twice it). A graceful stop releases the lease and
 * deregisters the member at once. A leader whose renewal fails (it stalled
 * past its lease and another took it) ends its term.
 *
 * The CTS API's leadership questions are synchronous, so a member answers
 * from what its last tick read: what a follower knows when it answers.
 */

import type {
  CtsClusterMember,
  CtsClusterView,
  CtsLeaderInfo,
} from '../../../api/cts/ha/leadership.ts';
import type { Clock, ClockTimer } from '../../../engine/clock.ts';
import type { Coordination, Lease } from '../../../engine/coordination.ts';
import type { RecordStore } from '../../../engine/store.ts';

/** The record collections (scoped by cluster name). */
const LEADERS = 'cts.ha.leader';
const MEMBERS = 'cts.ha.members';

/** How long a crashed member stays listed: Consul's `DeregisterCriticalServiceAfter`. */
const DEREGISTER_AFTER_MS = 30 * 60_000;

/** This member as it registers itself. */
export interface LeaseMember {
  readonly id: string;
  readonly serviceName: string;
  /** `high_availability.instance.address`, if set. */
  readonly address: string | undefined;
  /** The port its API listens on. */
  readonly port: number;
}

/** What a member stores about itself, and reads about the others. */
interface MemberRecord extends LeaseMember {
  /** The coordination clock at its last tick. */
  readonly seenAtMs: number;
}

/** Options of {@link LeaseElection}. */
export interface LeaseElectionOptions {
  readonly clusterName: string;
  readonly sessionTtlMs: number;
  readonly clock: Clock;
  readonly coordination: Coordination;
  readonly records: RecordStore;
  /** This member won the lock: start leading. */
  onElected(): void;
  /** This member lost the lock (or stopped): stop leading. */
  onDeposed(): Promise<void>;
  /** A tick failed (the database is away): kept trying. */
  onError(error: unknown): void;
}

/** One member's side of the election. */
export class LeaseElection {
  readonly #options: LeaseElectionOptions;
  readonly #lockKey: string;
  #self: LeaseMember | undefined;
  #lease: Lease | undefined;
  #leader: CtsLeaderInfo | undefined;
  #members: CtsClusterMember[] = [];
  #timer: ClockTimer | undefined;
  #ticking: Promise<void> | undefined;
  #stopped = false;

  constructor(options: LeaseElectionOptions) {
    this.#options = options;
    this.#lockKey = `cts-ha:${options.clusterName}`;
  }

  /** Joins the cluster as `self`, and holds the first election at once. */
  async start(self: LeaseMember): Promise<void> {
    this.#self = self;
    await this.#tick();
  }

  /** Whether this member holds the lock. */
  isLeader(): boolean {
    return this.#lease !== undefined;
  }

  /** The lock holder as this member last read it; undefined while nobody holds it. */
  leader(): CtsLeaderInfo | undefined {
    return this.#leader;
  }

  /** What `/v1/status/cluster` answers. */
  cluster(): CtsClusterView {
    return { clusterName: this.#options.clusterName, members: this.#members };
  }

  /** Resolves once the tick under way (if any) is done. */
  async settled(): Promise<void> {
    await this.#ticking;
  }

  /**
   * Leaves: stops ticking, ends the term, and (graceful) releases the lock
   * and deregisters, so that a follower takes over at its next tick.
   */
  async stop(mode: 'graceful' | 'crash' = 'graceful'): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    await this.#ticking;
    const lease = this.#lease;
    this.#lease = undefined;
    if (lease !== undefined) await this.#options.onDeposed();
    if (mode === 'crash' || this.#self === undefined) return;
    const { coordination, records, clusterName } = this.#options;
    if (lease !== undefined) await coordination.releaseLease(lease);
    await records.deleteRecord(MEMBERS, `${clusterName}/${this.#self.id}`);
  }

  #schedule(): void {
    if (this.#stopped) return;
    const ttl = this.#options.sessionTtlMs;
    const every = Math.max(50, this.#lease === undefined ? ttl / 4 : ttl / 3);
    this.#timer = this.#options.clock.setTimer(() => {
      this.#timer = undefined;
      void this.#tick();
    }, every);
  }

  #tick(): Promise<void> {
    this.#ticking ??= this.#round()
      .catch((error: unknown) => this.#options.onError(error))
      .finally(() => {
        this.#ticking = undefined;
        this.#schedule();
      });
    return this.#ticking;
  }

  async #round(): Promise<void> {
    const self = this.#self;
    if (self === undefined || this.#stopped) return;
    const { coordination, records, clusterName, sessionTtlMs } = this.#options;
    const nowMs = await coordination.now();
    if (this.#lease !== undefined) {
      const renewed = await coordination.renewLease(this.#lease, sessionTtlMs);
      if (renewed === undefined) {
        // Stalled past the lease, and another member took the lock.
        this.#lease = undefined;
        await this.#options.onDeposed();
      } else this.#lease = renewed;
    } else {
      const won = await coordination.acquireLease(this.#lockKey, self.id, sessionTtlMs, {
        executionId: `${self.id}@${nowMs}`,
        trigger: 'manual',
        data: null,
        changeCount: 0,
        startedAtMs: nowMs,
        attempt: 1,
      });
      if (won !== undefined) {
        // The lock's row, no task's: an expired one left by a dead leader
        // goes now, so nobody later reports it as a failed run.
        await coordination.claimExpiredLeases(10);
        await records.putRecord<CtsLeaderInfo>(LEADERS, clusterName, leaderOf(self), clusterName);
        this.#lease = won;
        if (!this.#stopped) this.#options.onElected();
      }
    }
    await records.putRecord<MemberRecord>(
      MEMBERS,
      `${clusterName}/${self.id}`,
      { ...self, seenAtMs: nowMs },
      clusterName,
    );
    await this.#read(nowMs);
  }

  /** What a follower learns from Consul: the lock holder, and the members and their health. */
  async #read(nowMs: number): Promise<void> {
    const { coordination, records, clusterName, sessionTtlMs } = this.#options;
    const self = this.#self as LeaseMember;
    const held = this.#lease !== undefined || (await coordination.isLeased(this.#lockKey));
    const holder = held
      ? this.#lease !== undefined
        ? leaderOf(self)
        : await records.getRecord<CtsLeaderInfo>(LEADERS, clusterName)
      : undefined;
    this.#leader = holder;
    const stored = await records.listRecords<MemberRecord>(MEMBERS, clusterName);
    // A member is healthy while it ticks: its heartbeat is the health check.
    const healthyWithinMs = sessionTtlMs;
    this.#members = stored
      .filter((member) => nowMs - member.seenAtMs < DEREGISTER_AFTER_MS)
      .map((member) => ({
        id: member.id,
        serviceName: member.serviceName,
        healthy: nowMs - member.seenAtMs <= healthyWithinMs,
        leader: holder !== undefined && member.id === holder.id,
        ...(member.address === undefined ? {} : { address: member.address }),
      }));
  }
}

function leaderOf(member: LeaseMember): CtsLeaderInfo {
  return {
    id: member.id,
    port: member.port,
    ...(member.address === undefined ? {} : { address: member.address }),
  };
}
