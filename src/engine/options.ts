/**
 * The options of `createEngine`, their defaults, and their validation.
 */

import { type Clock, createRealClock } from './clock.ts';
import { type Executor, NOOP_EXECUTOR } from './executor.ts';
import { type RetryPolicy, validateRetryPolicy } from './retry.ts';
import { type EventPolicy, RECORD_EVERY_EXECUTION } from './status-tracker.ts';
import { MemoryStore, type Store } from './store.ts';

/** CTS keeps the 5 newest events per task (`state/event_storage.go`). */
export const DEFAULT_HISTORY_LIMIT = 5;
/** Finished executions kept per task for reads. */
export const DEFAULT_EXECUTION_HISTORY_LIMIT = 50;
/** How long `close()` in `drain` mode waits for running executions, ms of the engine's clock. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

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
   * Finished executions kept per task for `engine.runner.get/list`.
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
   * process, or an earlier one, wrote them): their health from their stored
   * events, their cron schedules, and unfinished deletions.
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
  expect('store', store, typeof store?.getTask === 'function', 'a Store');
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
  return {
    clock,
    executor,
    store,
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
