/**
 * What the fault tests and their worker processes (worker.ts) say to each
 * other over the IPC channel, and the run log both read.
 *
 * The run log is a table next to taskport's, written by the worker's
 * executor when a step starts and ends, stamped with the database's clock:
 * the same clock the leases are granted and expire on, so a test can put a
 * run's start next to another run's lease expiry without any skew between
 * processes.
 */

import type { TaskInput } from '../../../src/engine/types.ts';

/** What a run does, carried in the data of the change that triggers it. */
export interface RunOrder {
  /** Names the run in the log. */
  readonly label: string;
  /**
   * Keep the step running until the test sends `release` for the task (or
   * the engine stops the run). Without it the step ends at once.
   */
  readonly hold?: boolean;
}

/** A command from the test to a worker; each gets one {@link ReplyReport}. */
export type WorkerCommand =
  | { readonly id: number; readonly cmd: 'createTask'; readonly input: TaskInput }
  | {
      readonly id: number;
      readonly cmd: 'notify';
      readonly taskId: string;
      readonly data: RunOrder;
    }
  /** Ends the held step of the task's run in this worker; replies whether there was one. */
  | { readonly id: number; readonly cmd: 'release'; readonly taskId: string }
  /** Whether no coordination call is in flight and no run is active (nothing touches the database). */
  | { readonly id: number; readonly cmd: 'quiet' }
  /** Closes the engine and exits 0. */
  | { readonly id: number; readonly cmd: 'close' };

export interface ReplyReport {
  readonly type: 'reply';
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

/** What a worker tells the test without being asked. */
export type WorkerReport =
  | ReplyReport
  /** The engine is started (its first pump is under way). */
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'engine-error'; readonly message: string }
  | {
      readonly type: 'finished';
      readonly executionId: string;
      readonly taskId: string;
      readonly phase: string;
      readonly failureMessage: string | undefined;
    }
  /** This worker's engine claimed another engine's expired lease (to fail or retry its run). */
  | {
      readonly type: 'recovered';
      readonly taskId: string;
      readonly executionId: string;
      readonly owner: string;
      /** The lease's last expiry, as it was when claimed: no run could start before it. */
      readonly expiresAtMs: number;
    };

/** The worker's settings, passed in its environment. */
export interface WorkerEnv {
  readonly TASKPORT_DATABASE_URL: string;
  readonly TASKPORT_SCHEMA: string;
  readonly TASKPORT_WORKER: string;
  readonly TASKPORT_LEASE_MS: string;
  readonly TASKPORT_POLL_MS: string;
}

/** What the executor logs about a step. */
export type RunLogKind = 'started' | 'finished' | 'stopped';

/** The run log's table in `schema` (taskport's own tables are prefixed `taskport_`). */
export function runLogTable(schema: string): string {
  return `"${schema}"."test_run_log"`;
}

/** The database clock in epoch ms, as the coordination computes it. */
export const DB_NOW_MS = 'floor(extract(epoch FROM clock_timestamp()) * 1000)::float8';

export function createRunLogSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${runLogTable(schema)} (
    seq bigserial PRIMARY KEY,
    worker text NOT NULL,
    task_id text NOT NULL,
    execution_id text NOT NULL,
    label text NOT NULL,
    change_count integer NOT NULL,
    kind text NOT NULL,
    detail text,
    at_ms double precision NOT NULL DEFAULT ${DB_NOW_MS}
  )`;
}
