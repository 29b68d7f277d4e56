/**
 * What every system in the PostgreSQL bench is configured with, in one
 * place, so that the three run the same work with the same knobs: the
 * debounce of a key, the poll interval, the jobs a process takes at once,
 * and the pool size.
 */

/** The three systems, each on its own database of the one server. */
export const SYSTEMS = ['taskport', 'graphile-worker', 'pg-boss'] as const;
/**
 * Also selectable, never a peer: taskport from the checkout at
 * `BENCH_PG_BASELINE`, to measure a change against the code before it.
 */
export const BASELINE_SYSTEM = 'taskport-baseline';
export const SELECTABLE_SYSTEMS = [...SYSTEMS, BASELINE_SYSTEM] as const;
export type SystemName = (typeof SELECTABLE_SYSTEMS)[number];

/**
 * taskport's buffer period for every key: a run 50 ms after the latest
 * change, at most 200 ms after the first. graphile-worker gets the same
 * 50 ms (`run_at`, pushed on by each change in `replace` mode); it has no
 * deadline. pg-boss's debounce counts in whole seconds: 1 s slots.
 */
export const DEBOUNCE = { minMs: 50, maxMs: 200 } as const;
export const PG_BOSS_DEBOUNCE_SECONDS = 1;

/**
 * The longest wait between two looks for due work, for all three: 500 ms is
 * pg-boss's minimum (`pollingIntervalSeconds: 0.5`); graphile-worker's
 * default is 2 000, taskport's 1 000.
 */
export const POLL_MS = 500;

/**
 * Jobs one process takes at once: taskport claims 16 windows per pump (its
 * fixed batch) and runs them with no concurrency limit; graphile-worker gets
 * `concurrency: 16` (its default is 1); pg-boss fetches batches of 16.
 */
export const PER_PROCESS_CONCURRENCY = 16;

/**
 * pg-boss's worker fetches one batch, runs it, then sleeps out the rest of
 * its polling interval whether or not it found jobs, so left alone its
 * ceiling is `batchSize / 0.5 s` a process. The bench's handler calls
 * `notifyWorker` (pg-boss's own way "to bypass the job polling interval")
 * after a full batch, so a backlog is fetched back to back, 16 at a time
 * like the others.
 */
export const PG_BOSS_BATCH_SIZE = PER_PROCESS_CONCURRENCY;

/**
 * Connections per pool, every pool. The three default to 10, but
 * graphile-worker warns when its pool is smaller than its concurrency: 20
 * leaves it room, and the others get the same.
 */
export const POOL_SIZE = 20;

/** The job's name in graphile-worker and the queue's in pg-boss. */
export const JOB_NAME = 'bench_noop';

/** The key (taskport task id, graphile `job_key`, pg-boss `singletonKey`) of key number `index`. */
export function keyName(index: number): string {
  return `k${index}`;
}

/** What every change carries: when it was announced (epoch ms, fractional). */
export interface ChangeData {
  readonly t: number;
}

/** Epoch ms with the fraction of `performance.now()`: one clock for every process of the machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
