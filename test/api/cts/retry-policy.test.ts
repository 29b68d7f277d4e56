import { describe, expect, it } from 'vitest';
import { CTS_RETRY_POLICY } from '../../../src/api/cts/index.ts';
import { CTS_RETRY_POLICY as DEPRECATED_ENGINE_COPY } from '../../../src/engine/index.ts';
import { retryApplies, retryDelayMs } from '../../../src/engine/retry.ts';

describe('CTS_RETRY_POLICY (taskport/cts)', () => {
  it('is one try and two retries of trigger runs only', () => {
    expect(CTS_RETRY_POLICY.attempts).toBe(3);
    expect(retryApplies(CTS_RETRY_POLICY, 'change')).toBe(true);
    expect(retryApplies(CTS_RETRY_POLICY, 'cron')).toBe(true);
    expect(retryApplies(CTS_RETRY_POLICY, 'manual')).toBe(false);
  });

  it.each([
    [1, 0, 1_000],
    [2, 0, 2_000],
    [2, 0.999, 2_999],
    [20, 0, 15 * 60_000],
  ])(
    'waits 2^n s plus up to 50 %% jitter, at most 15 min (retry %i, random %d)',
    (retry, random, ms) => {
      expect(Math.round(retryDelayMs(CTS_RETRY_POLICY, retry, () => random))).toBe(ms);
    },
  );

  it("equals the engine root's deprecated copy", () => {
    expect(DEPRECATED_ENGINE_COPY).toEqual(CTS_RETRY_POLICY);
  });
});
