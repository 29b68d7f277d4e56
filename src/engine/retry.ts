/**
 * Retry policies: how many tries an execution gets and how long it waits
 * between them, on the engine's clock.
 */

import type { TriggerKind } from './types.ts';

/** How an execution is retried after a failure. */
export interface RetryPolicy {
  /** Total tries, the first included. 1 means no retry. */
  readonly attempts: number;
  /** The wait before the first retry, before jitter. */
  readonly baseDelayMs: number;
  /** Each further retry waits this many times longer. @default 2 */
  readonly factor?: number;
  /** Up to this fraction of the wait is added at random. @default 0 */
  readonly jitterRatio?: number;
  /** No wait is longer than this. @default Infinity */
  readonly maxDelayMs?: number;
  /** Which triggers' runs are retried. @default ['change', 'cron'] */
  readonly appliesTo?: readonly TriggerKind[];
}

/**
 * CTS's retry of runs (one try and two retries, 2^n s plus up to 50 %
 * jitter, capped at 15 minutes, trigger runs only).
 *
 * @deprecated Import `CTS_RETRY_POLICY` from `taskport/cts`: a dialect's
 * policy belongs to the dialect, and the engine knows no dialect. This copy
 * (the engine may not import one) stays equal to it until it is removed.
 */
export const CTS_RETRY_POLICY: RetryPolicy = Object.freeze({
  attempts: 3,
  baseDelayMs: 1_000,
  factor: 2,
  jitterRatio: 0.5,
  maxDelayMs: 15 * 60_000,
  appliesTo: Object.freeze(['change', 'cron'] as const),
});

/** Throws a TypeError for a policy that cannot be followed. */
export function validateRetryPolicy(policy: RetryPolicy): RetryPolicy {
  const check = (name: string, value: unknown, ok: boolean, expected: string): void => {
    if (!ok) {
      throw new TypeError(
        `Expected \`retry.${name}\` to be ${expected}, got ${String(value)} (${typeof value})`,
      );
    }
  };
  check(
    'attempts',
    policy.attempts,
    Number.isInteger(policy.attempts) && policy.attempts >= 1,
    'an integer >= 1',
  );
  check(
    'baseDelayMs',
    policy.baseDelayMs,
    Number.isFinite(policy.baseDelayMs) && policy.baseDelayMs >= 0,
    'a number >= 0',
  );
  const factor = policy.factor ?? 2;
  check('factor', factor, Number.isFinite(factor) && factor >= 1, 'a number >= 1');
  const jitter = policy.jitterRatio ?? 0;
  check('jitterRatio', jitter, Number.isFinite(jitter) && jitter >= 0, 'a number >= 0');
  const cap = policy.maxDelayMs ?? Number.POSITIVE_INFINITY;
  check('maxDelayMs', cap, cap >= 0, 'a number >= 0');
  return policy;
}

/**
 * The wait before retry number `retry` (1 for the first retry):
 * `base × factor^(retry-1)`, plus up to `jitterRatio` of that, capped.
 * `random` returns a number in [0, 1).
 */
export function retryDelayMs(policy: RetryPolicy, retry: number, random: () => number): number {
  const exponential = policy.baseDelayMs * (policy.factor ?? 2) ** (retry - 1);
  const jittered = exponential * (1 + (policy.jitterRatio ?? 0) * random());
  return Math.min(jittered, policy.maxDelayMs ?? Number.POSITIVE_INFINITY);
}

/** Whether runs of this trigger kind are retried under `policy`. */
export function retryApplies(
  policy: RetryPolicy | undefined,
  kind: TriggerKind,
): policy is RetryPolicy {
  return policy !== undefined && (policy.appliesTo ?? ['change', 'cron']).includes(kind);
}
