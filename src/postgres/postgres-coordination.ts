/**
 * The engine's {@link Coordination} on PostgreSQL: buffer windows, run
 * leases with fencing tokens, and cron slots in shared tables, so that
 * engines in several processes on one database agree on what runs.
 *
 * Time is the database's `now()` unless a `now` function is given: every
 * process then reads one clock, whatever their own clocks say. Tests that
 * drive several engines in one process with a VirtualClock pass its `now`.
 */

import type {
  ClaimedRun,
  ClaimedTick,
  Coordination,
  CronSlot,
  ExpiredRun,
  Lease,
  LeasedRun,
  NextCronTick,
  NextDue,
  WindowState,
} from '../engine/coordination.ts';
import type { BufferPeriod } from '../engine/types.ts';
import { Batcher } from './batcher.ts';
import {
  acquireLeaseSql,
  CLOCK,
  type ClaimedTaskRow,
  claimDueWindowsSql,
  claimExpiredLeasesSql,
  claimedFromRow,
  claimedWithTaskFromRow,
  cronDueSql,
  type LeaseRow,
  leaseFromRow,
  nextDueSql,
  recordChangeSql,
  releaseLeasesSql,
  renewLeaseSql,
  WINDOW_COLUMNS,
  type WindowRow,
  windowFromRow,
} from './coordination-sql.ts';
import { claimCronTicks, setCronSlots } from './cron-slots.ts';
import { Database, type PostgresConnectionOptions } from './database.ts';
import { toJson, toNumber, toOptionalNumber } from './rows.ts';
import { WakeListener } from './wake-listener.ts';

/** Options of {@link PostgresCoordination}. */
export interface PostgresCoordinationOptions extends PostgresConnectionOptions {
  /**
   * The coordination clock, epoch ms. Every process on the database must
   * read the same clock.
   * @default the database's `now()`
   */
  readonly now?: () => number;
  /**
   * Names the runs of claimed windows (`LeasedRun.executionId`).
   * @default crypto.randomUUID
   */
  readonly createId?: () => string;
  /**
   * Whether the engine's store keeps its tasks in this schema (a
   * `PostgresStore` on the same schema): a claim then brings each task in the
   * same statement (`ClaimedRun.task`). `createPostgresStorage` sets it.
   * @default false
   */
  readonly storeInSchema?: boolean;
}

/** Limits and counts go into integer columns. */
function whole(value: number): number {
  return Math.floor(value);
}

/** Leases released in one statement at most. */
const RELEASE_BATCH = 64;

/** A fencing token is the decimal text of a bigint. */
const TOKEN = /^[0-9]{1,19}$/;

/** A {@link Coordination} in PostgreSQL tables (see src/postgres/README.md). */
export class PostgresCoordination implements Coordination {
  readonly #db: Database;
  readonly #now: (() => number) | undefined;
  readonly #createId: () => string;
  readonly #listener: WakeListener;
  readonly #readsTasks: boolean;
  /** Tells this coordination's notifications apart in a trace; no one filters on it. */
  readonly #instance = crypto.randomUUID();
  readonly #releases = new Batcher<Lease, undefined>(
    (leases) => this.#releaseLeases(leases),
    RELEASE_BATCH,
  );

  constructor(options: PostgresCoordinationOptions) {
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new TypeError(`Expected \`now\` to be a function, got ${typeof options.now}`);
    }
    if (options.createId !== undefined && typeof options.createId !== 'function') {
      throw new TypeError(`Expected \`createId\` to be a function, got ${typeof options.createId}`);
    }
    this.#db = new Database(options);
    this.#now = options.now;
    this.#createId = options.createId ?? (() => crypto.randomUUID());
    this.#readsTasks = options.storeInSchema === true;
    this.#listener = new WakeListener(this.#db.pool.options, this.#db.names.channel);
  }

  /** `$1` of every statement that reads the clock: the given clock's time, or NULL for `now()`. */
  #clock(): number | null {
    return this.#now === undefined ? null : this.#now();
  }

  async now(): Promise<number> {
    if (this.#now !== undefined) {
      await this.#db.ready();
      return this.#now();
    }
    const { rows } = await this.#db.query<{ now_ms: number | string }>(
      `WITH ${CLOCK} SELECT now_ms FROM clock`,
      [null],
    );
    return toNumber(rows[0]?.now_ms ?? 0);
  }

  async recordChange(
    taskId: string,
    data: unknown,
    bufferPeriod: BufferPeriod | undefined,
  ): Promise<WindowState> {
    const { rows } = await this.#db.query<WindowRow>(recordChangeSql(this.#db.names), [
      this.#clock(),
      taskId,
      bufferPeriod?.minMs ?? 0,
      bufferPeriod?.maxMs ?? 0,
      toJson(data),
      this.#db.names.channel,
      this.#instance,
    ]);
    const row = rows[0];
    if (row === undefined) throw new Error('taskport/postgres: recordChange returned no window');
    return windowFromRow(row);
  }

  async window(taskId: string): Promise<WindowState | undefined> {
    const { rows } = await this.#db.query<WindowRow>(
      `SELECT ${WINDOW_COLUMNS} FROM ${this.#db.names.windows} WHERE task_id = $1`,
      [taskId],
    );
    return rows[0] === undefined ? undefined : windowFromRow(rows[0]);
  }

  async dropWindow(taskId: string): Promise<void> {
    await this.#db.query(`DELETE FROM ${this.#db.names.windows} WHERE task_id = $1`, [taskId]);
  }

  async claimDueWindows(owner: string, leaseMs: number, limit: number): Promise<ClaimedRun[]> {
    const count = whole(limit);
    if (count <= 0) return [];
    const ids = Array.from({ length: count }, () => this.#createId());
    const { rows } = await this.#db.query<ClaimedTaskRow>(
      claimDueWindowsSql(this.#db.names, this.#readsTasks),
      [this.#clock(), owner, count, leaseMs, ids],
    );
    return rows.map(this.#readsTasks ? claimedWithTaskFromRow : claimedFromRow);
  }

  async acquireLease(
    taskId: string,
    owner: string,
    leaseMs: number,
    run: LeasedRun,
  ): Promise<Lease | undefined> {
    const { rows } = await this.#db.query<LeaseRow>(acquireLeaseSql(this.#db.names), [
      this.#clock(),
      taskId,
      owner,
      leaseMs,
      run.executionId,
      run.trigger,
      toJson(run.data),
      whole(run.changeCount),
      run.startedAtMs,
      whole(run.attempt),
    ]);
    return rows[0] === undefined ? undefined : leaseFromRow(rows[0]);
  }

  async renewLease(lease: Lease, leaseMs: number): Promise<Lease | undefined> {
    if (!TOKEN.test(lease.token)) return undefined;
    const { rows } = await this.#db.query<LeaseRow>(renewLeaseSql(this.#db.names), [
      this.#clock(),
      lease.taskId,
      lease.token,
      leaseMs,
    ]);
    return rows[0] === undefined ? undefined : leaseFromRow(rows[0]);
  }

  /**
   * Batched with the releases made meanwhile (see batcher.ts); resolves once
   * the batch committed, so the lease is gone when the caller goes on.
   */
  async releaseLease(lease: Lease): Promise<void> {
    if (!TOKEN.test(lease.token)) return;
    await this.#releases.submit(lease);
  }

  async #releaseLeases(leases: readonly Lease[]): Promise<undefined[]> {
    await this.#db.query(releaseLeasesSql(this.#db.names), [
      leases.map((lease) => lease.taskId),
      leases.map((lease) => lease.token),
      this.#db.names.channel,
      this.#instance,
    ]);
    return leases.map(() => undefined);
  }

  async isLeased(taskId: string): Promise<boolean> {
    const { rows } = await this.#db.query<{ leased: boolean }>(
      `WITH ${CLOCK}
      SELECT EXISTS (
        SELECT 1 FROM ${this.#db.names.leases} l, clock
        WHERE l.task_id = $2 AND l.expires_at_ms > clock.now_ms
      ) AS leased`,
      [this.#clock(), taskId],
    );
    return rows[0]?.leased ?? false;
  }

  async claimExpiredLeases(limit: number): Promise<ExpiredRun[]> {
    const count = whole(limit);
    if (count <= 0) return [];
    const { rows } = await this.#db.query<LeaseRow>(claimExpiredLeasesSql(this.#db.names), [
      this.#clock(),
      count,
    ]);
    return rows.map(claimedFromRow);
  }

  setCronSlots(
    taskId: string,
    slots: readonly Omit<CronSlot, 'taskId' | 'slot' | 'nextAtMs'>[],
    next: NextCronTick,
  ): Promise<CronSlot[]> {
    return this.#db.transaction((client) =>
      setCronSlots(client, this.#db.names, this.#clock(), taskId, slots, next),
    );
  }

  async claimCronTicks(limit: number, graceMs: number, next: NextCronTick): Promise<ClaimedTick[]> {
    const count = whole(limit);
    if (count <= 0) return [];
    // Most pumps find no due tick (most deployments have no cron task at
    // all): one statement to know, rather than an empty transaction of three.
    const { rows } = await this.#db.query<{ due: boolean }>(cronDueSql(this.#db.names), [
      this.#clock(),
    ]);
    if (rows[0]?.due !== true) return [];
    return this.#db.transaction((client) =>
      claimCronTicks(client, this.#db.names, this.#clock(), count, graceMs, next),
    );
  }

  async nextDue(): Promise<NextDue> {
    const { rows } = await this.#db.query<{
      now_ms: number | string;
      due_at_ms: number | string | null;
    }>(nextDueSql(this.#db.names), [this.#clock()]);
    return {
      dueAtMs: toOptionalNumber(rows[0]?.due_at_ms ?? null),
      nowMs: toNumber(rows[0]?.now_ms ?? 0),
    };
  }

  /** {@link nextDue}'s time alone. */
  async nextDueAtMs(): Promise<number | undefined> {
    return (await this.nextDue()).dueAtMs;
  }

  async subscribe(onWake: () => void): Promise<() => Promise<void>> {
    await this.#db.ready();
    return this.#listener.add(onWake);
  }

  /**
   * NOTIFY on the schema's channel; it reaches every subscriber, this
   * process's included. (recordChange and releaseLease notify by themselves,
   * in their own statement, when what they changed may be due sooner.)
   */
  async wake(): Promise<void> {
    await this.#db.query('SELECT pg_notify($1, $2)', [this.#db.names.channel, this.#instance]);
  }

  async forgetTask(taskId: string): Promise<void> {
    const { windows, cronSlots } = this.#db.names;
    await this.#db.query(
      `WITH dropped AS (DELETE FROM ${windows} WHERE task_id = $1)
      DELETE FROM ${cronSlots} WHERE task_id = $1`,
      [taskId],
    );
  }

  /** Stops listening and answering; ends the pool only when it was opened from a connection string. */
  async close(): Promise<void> {
    // Releases asked for before close() are sent first.
    await this.#releases.settled();
    await this.#listener.close();
    await this.#db.close();
  }
}
