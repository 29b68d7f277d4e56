/**
 * The options of `createEngine`, their defaults, and their validation.
 */

import { type Clock, createRealClock } from './clock.ts';
import type { Coordination } from './coordination.ts';
import { type Executor, NOOP_EXECUTOR } from './executor.ts';
import { MemoryStore } from './memory-store.ts';
import { type RetryPolicy, validateRetryPolicy } from './retry.ts';
import { type EventPolicy, RECORD_EVERY_EXECUTION } from './status-tracker.ts';
import type { Store } from './store.ts';

/** CTS keeps the 5 newest events per task (`state/event_storage.go`). */
export const DEFAULT_HISTORY_LIMIT = 5;
/** Finished executions kept per task for reads. */
export const DEFAULT_EXECUTION_HISTORY_LIMIT = 50;
/** How long `close()` in `drain` mode waits for running executions, ms of the engine's clock. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/** How long a run's lease lasts without renewal (renewed every third of it), ms. */
export const DEFAULT_LEASE_MS = 30_000;
/** How often an engine on a shared database looks for due work without a notification, ms. */
export const DEFAULT_POLL_INTERVAL_MS = 1_000;
/** How late a cron tick may be claimed and still fire (later ones were missed: skipped), ms. */
export const DEFAULT_CRON_GRACE_MS = 60_000;
/** Windows, ticks or expired leases an engine on a shared database claims at once. */
export const DEFAULT_CLAIM_BATCH = 16;

/** Options of `createEngine`. Every field is optional. */
export interface EngineOptions {
  /**
   * The source of time and timers. Pass a `VirtualClock` to drive time by hand.
   * @default the real clock
   */
  readonly clock?: Clock;
  /**
   * The work behind executions.
   * @default an executor whose steps succeed at once
   */
  readonly executor?: Executor;
  /** @default a new in-memory store */
  readonly store?: Store;
  /**
   * Shares windows, leases and cron ticks with the other engines on the same
   * database (`taskport/postgres`), so that with several processes each
   * window and tick fires once and a task runs at most once at a time.
   * Without it the engine schedules alone, in memory: one engine per store.
   * @default undefined (this engine owns its store alone)
   */
  readonly coordination?: Coordination;
  /**
   * This engine's name in run leases (with a coordination).
   * @default a new random id
   */
  readonly ownerId?: string;
  /**
   * With a coordination: how long a run's lease lasts unless renewed (every
   * third of it). A process that dies or stalls longer than this loses its
   * run to another engine, which records it as failed or retries it.
   * @default 30_000
   */
  readonly leaseMs?: number;
  /**
   * With a coordination: the longest wait between two looks for due work
   * when no notification arrives.
   * @default 1_000
   */
  readonly pollIntervalMs?: number;
  /**
   * With a coordination: how late a cron tick may be claimed and still fire.
   * A tick later than this (every engine was down) is skipped, as CTS skips
   * the ticks it was not running for; the schedule resumes at its next tick.
   * @default 60_000
   */
  readonly cronGraceMs?: number;
  /**
   * Executions running at once across all tasks. CTS has no limit.
   * @default Infinity
   */
  readonly concurrency?: number;
  /**
   * Steps of one plan group running at once.
   * @default Infinity
   */
  readonly stepConcurrency?: number;
  /**
   * Time limit of an execution, retries included, in ms. On expiry its signal
   * aborts with an `ExecutionTimeoutError` and it fails.
   * @default undefined (no limit)
   */
  readonly executionTimeoutMs?: number;
  /**
   * How failed runs are retried. `CTS_RETRY_POLICY` of `taskport/cts` is CTS's 1 try + 2 retries.
   * @default undefined (no retries)
   */
  readonly retry?: RetryPolicy;
  /**
   * Events kept per task, newest first.
   * @default 5
   */
  readonly historyLimit?: number;
  /**
   * Finished executions kept per task for `engine.execution()` and `engine.executions()`.
   * @default 50
   */
  readonly executionHistoryLimit?: number;
  /**
   * Which finished executions become events.
   * @default every `apply` execution that was not stopped
   */
  readonly eventPolicy?: EventPolicy;
  /**
   * What `close()` does with running executions.
   * @default 'abort'
   */
  readonly closeMode?: 'abort' | 'drain';
  /**
   * With `closeMode: 'drain'`, how long `close()` waits for running
   * executions (ms of the engine's clock: on a virtual clock, advance it);
   * then it stops the ones left, as `abort` does, so an executor that never
   * settles cannot keep `close()` waiting. `Infinity` waits for ever.
   * @default 30_000
   */
  readonly drainTimeoutMs?: number;
  /**
   * Take over the tasks already in `store` when the engine starts (another
   * process, or an earlier one, wrote them): their cron schedules and
   * unfinished deletions (`engine.ready()` resolves once done). Their health
   * and history come from the store either way. Ignored with a
   * `coordination`, whose database already holds windows, slots and leases.
   * @default true
   */
  readonly adoptStoredTasks?: boolean;
  /**
   * Ids for tasks, executions and events.
   * @default crypto.randomUUID
   */
  readonly createId?: () => string;
  /**
   * Random numbers in [0, 1) for retry jitter.
   * @default Math.random
   */
  readonly random?: () => number;
}

/** {@link EngineOptions} with every default filled in. */
export interface ResolvedEngineOptions {
  readonly clock: Clock;
  readonly executor: Executor;
  readonly store: Store;
  readonly coordination: Coordination | undefined;
  readonly ownerId: string;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  readonly cronGraceMs: number;
  readonly concurrency: number;
  readonly stepConcurrency: number;
  readonly executionTimeoutMs: number | undefined;
  readonly retry: RetryPolicy | undefined;
  readonly historyLimit: number;
  readonly executionHistoryLimit: number;
  readonly eventPolicy: EventPolicy;
  readonly closeMode: 'abort' | 'drain';
  readonly drainTimeoutMs: number;
  readonly adoptStoredTasks: boolean;
  readonly createId: () => string;
  readonly random: () => number;
}

function describe(value: unknown): string {
  return `${typeof value === 'string' ? JSON.stringify(value) : String(value)} (${typeof value})`;
}

function expect(name: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new TypeError(`Expected \`${name}\` to be ${expected}, got ${describe(value)}`);
}

function isPositiveCount(value: unknown): value is number {
  return value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && (value as number) >= 1);
}

/** Fills the defaults and validates each option; throws a TypeError naming the bad one. */
export function resolveEngineOptions(options: EngineOptions = {}): ResolvedEngineOptions {
  expect('options', options, typeof options === 'object' && options !== null, 'an object');
  const {
    clock = createRealClock(),
    executor = NOOP_EXECUTOR,
    store = new MemoryStore(),
    coordination,
    leaseMs = DEFAULT_LEASE_MS,
    pollIntervalMs = DEFAULT_POLL_INTERVAL_MS,
    cronGraceMs = DEFAULT_CRON_GRACE_MS,
    concurrency = Number.POSITIVE_INFINITY,
    stepConcurrency = Number.POSITIVE_INFINITY,
    executionTimeoutMs,
    retry,
    historyLimit = DEFAULT_HISTORY_LIMIT,
    executionHistoryLimit = DEFAULT_EXECUTION_HISTORY_LIMIT,
    eventPolicy = RECORD_EVERY_EXECUTION,
    closeMode = 'abort',
    drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS,
    adoptStoredTasks = true,
    createId = () => crypto.randomUUID(),
    random = Math.random,
  } = options;
  expect(
    'clock',
    clock,
    typeof clock?.now === 'function' && typeof clock.setTimer === 'function',
    'a Clock',
  );
  expect(
    'executor',
    executor,
    typeof executor?.runStep === 'function',
    'an Executor with a runStep function',
  );
  expect('store', store, typeof store?.insertTask === 'function', 'a Store');
  expect(
    'coordination',
    coordination,
    coordination === undefined || typeof coordination.claimDueWindows === 'function',
    'a Coordination',
  );
  for (const [name, value] of [
    ['leaseMs', leaseMs],
    ['pollIntervalMs', pollIntervalMs],
    ['cronGraceMs', cronGraceMs],
  ] as const) {
    expect(name, value, Number.isFinite(value) && value > 0, 'a positive number of milliseconds');
  }
  expect('concurrency', concurrency, isPositiveCount(concurrency), 'an integer >= 1 or Infinity');
  expect(
    'stepConcurrency',
    stepConcurrency,
    isPositiveCount(stepConcurrency),
    'an integer >= 1 or Infinity',
  );
  expect(
    'executionTimeoutMs',
    executionTimeoutMs,
    executionTimeoutMs === undefined ||
      (Number.isFinite(executionTimeoutMs) && executionTimeoutMs > 0),
    'a positive number of milliseconds',
  );
  expect(
    'historyLimit',
    historyLimit,
    Number.isInteger(historyLimit) && historyLimit >= 1,
    'an integer >= 1',
  );
  expect(
    'executionHistoryLimit',
    executionHistoryLimit,
    Number.isInteger(executionHistoryLimit) && executionHistoryLimit >= 1,
    'an integer >= 1',
  );
  expect('eventPolicy', eventPolicy, typeof eventPolicy === 'function', 'a function');
  expect(
    'closeMode',
    closeMode,
    closeMode === 'abort' || closeMode === 'drain',
    "'abort' or 'drain'",
  );
  expect(
    'drainTimeoutMs',
    drainTimeoutMs,
    typeof drainTimeoutMs === 'number' && drainTimeoutMs >= 0 && !Number.isNaN(drainTimeoutMs),
    'a non-negative number of milliseconds or Infinity',
  );
  expect('adoptStoredTasks', adoptStoredTasks, typeof adoptStoredTasks === 'boolean', 'a boolean');
  expect('createId', createId, typeof createId === 'function', 'a function');
  expect('random', random, typeof random === 'function', 'a function');
  // Drawn only with a coordination, so that a lone engine's id sequence is not shifted.
  const ownerId = options.ownerId ?? (coordination === undefined ? 'local' : createId());
  expect(
    'ownerId',
    ownerId,
    typeof ownerId === 'string' && ownerId.length > 0,
    'a non-empty string',
  );
  return {
    clock,
    executor,
    store,
    coordination,
    ownerId,
    leaseMs,
    pollIntervalMs,
    cronGraceMs,
    concurrency,
    stepConcurrency,
    executionTimeoutMs,
    retry: retry === undefined ? undefined : validateRetryPolicy(retry),
    historyLimit,
    executionHistoryLimit,
    eventPolicy,
    closeMode,
    drainTimeoutMs,
    adoptStoredTasks,
    createId,
    random,
  };
}
