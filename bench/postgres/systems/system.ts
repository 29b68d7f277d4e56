/**
 * One system under test, as the bench's child processes drive it: a worker
 * that runs a no-op job per run, and a producer that announces a change of
 * a key. Each system (taskport.ts, graphile-worker.ts, pg-boss.ts) has its
 * own database; the parent reads how much work is pending straight from
 * its tables.
 */

import type { ChangeData } from '../settings.ts';

/** Called once per run, as it starts, with the data the run carries. */
export type OnRunStart = (data: unknown) => void;

/** A worker process's hold on its system. */
export interface BenchWorker {
  /** Starts taking jobs. */
  start(): Promise<void>;
  /** Stops taking jobs; resolves once the runs in flight ended. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** The load generator's hold on its system. */
export interface BenchProducer {
  /** What the keys need before the first change (taskport: a task per key). */
  setup(keys: readonly string[]): Promise<void>;
  /**
   * Announces a change of `key`. Resolves `true` when it made or moved a
   * pending job, `false` when the system accepted the call and dropped the
   * change (pg-boss's debounce, once a key's next slot is taken).
   */
  announce(key: string, data: ChangeData): Promise<boolean>;
  close(): Promise<void>;
}

export interface BenchSystem {
  openWorker(url: string, index: number, onRunStart: OnRunStart): Promise<BenchWorker>;
  openProducer(url: string): Promise<BenchProducer>;
  /** One row, one column `pending`: changes not yet run to the end (windows, jobs, leases). */
  readonly pendingSql: string;
}

/** `url` with an `application_name`, to tell the bench's sessions apart in pg_stat_activity. */
export function withApplicationName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', name);
  return parsed.toString();
}
