import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BUFFER_PERIOD,
  effectiveBufferPeriod,
  finalizeGlobalBufferPeriod,
  inheritBufferPeriod,
  validateEffectiveBufferPeriod,
} from '../../../src/api/cts/buffer-period.ts';

const s = 1000;

describe('finalizeGlobalBufferPeriod (config/buffer_period_test.go TestBufferPeriodConfig_Finalize)', () => {
  it.each([
    ['empty input, default values', {}, { enabled: true, minMs: 5 * s, maxMs: 20 * s }],
    ['disabled input', { enabled: false }, { enabled: false, minMs: 0, maxMs: 0 }],
    [
      'enabled input, default values',
      { enabled: true },
      { enabled: true, minMs: 5 * s, maxMs: 20 * s },
    ],
    ['only min input', { minMs: 10 * s }, { enabled: true, minMs: 10 * s, maxMs: 40 * s }],
    ['only max input', { maxMs: 50 * s }, { enabled: true, minMs: 5 * s, maxMs: 50 * s }],
    [
      'min greater than max',
      { enabled: true, minMs: 100 * s, maxMs: 1 * s },
      { enabled: true, minMs: 100 * s, maxMs: 100 * s },
    ],
    [
      'fully configured',
      { enabled: true, minMs: 20 * s, maxMs: 50 * s },
      { enabled: true, minMs: 20 * s, maxMs: 50 * s },
    ],
  ])('%s', (_name, block, expected) => {
    expect(finalizeGlobalBufferPeriod(block)).toEqual(expected);
  });
});

describe('inheritBufferPeriod (task block from a config file)', () => {
  const globalDisabled = { enabled: false, minMs: 0, maxMs: 0 };
  const globalCustom = { enabled: true, minMs: 8 * s, maxMs: 60 * s };
  it.each([
    ['absent block copies the global', undefined, globalCustom, globalCustom],
    ['absent block with global disabled is disabled', undefined, globalDisabled, globalDisabled],
    [
      'enabled false disables',
      { enabled: false, minMs: 3 * s },
      globalCustom,
      { enabled: false, minMs: 0, maxMs: 0 },
    ],
    ['empty block takes the global', {}, globalCustom, globalCustom],
    ['empty block with global disabled stays disabled', {}, globalDisabled, globalDisabled],
    [
      'missing min takes the enabled global min, max 4 × min',
      { enabled: true },
      globalCustom,
      { enabled: true, minMs: 8 * s, maxMs: 32 * s },
    ],
    [
      'missing min with global disabled is 5 s',
      { enabled: true },
      globalDisabled,
      { enabled: true, minMs: 5 * s, maxMs: 20 * s },
    ],
    [
      'missing max is 4 × min, not the global max',
      { minMs: 10 * s },
      globalCustom,
      { enabled: true, minMs: 10 * s, maxMs: 40 * s },
    ],
    [
      'max raised to min',
      { minMs: 30 * s, maxMs: 10 * s },
      globalCustom,
      { enabled: true, minMs: 30 * s, maxMs: 30 * s },
    ],
  ])('%s', (_name, block, global, expected) => {
    expect(inheritBufferPeriod(block, global)).toEqual(expected);
  });
});

describe('effectiveBufferPeriod (API blocks: ToTaskConfig sets both bounds)', () => {
  it.each([
    ['no block → global default', undefined, { enabled: true, minMs: 5 * s, maxMs: 20 * s }],
    [
      '{"min":"10s"} → 10s/10s (a config file would give 40s)',
      { min: '10s' },
      { enabled: true, minMs: 10 * s, maxMs: 10 * s },
    ],
    [
      '{"enabled":true} → 0/0, effectively no debounce',
      { enabled: true },
      { enabled: true, minMs: 0, maxMs: 0 },
    ],
    ['{"max":"60s"} → 0/60s', { max: '60s' }, { enabled: true, minMs: 0, maxMs: 60 * s }],
    ['{} → 0/0', {}, { enabled: true, minMs: 0, maxMs: 0 }],
    [
      '{"enabled":false,"min":"5s"} → disabled',
      { enabled: false, min: '5s' },
      { enabled: false, minMs: 0, maxMs: 0 },
    ],
    [
      'full block',
      { enabled: true, min: '2s', max: '1m' },
      { enabled: true, minMs: 2 * s, maxMs: 60 * s },
    ],
    [
      'echoed form re-parses',
      { max: '5m0s', min: '1.5s' },
      { enabled: true, minMs: 1.5 * s, maxMs: 300 * s },
    ],
  ])('%s', (_name, block, expected) => {
    expect(effectiveBufferPeriod(block, DEFAULT_BUFFER_PERIOD)).toEqual(expected);
  });

  it('schedule tasks never buffer', () => {
    expect(
      effectiveBufferPeriod({ min: '10s' }, DEFAULT_BUFFER_PERIOD, { schedule: true }),
    ).toEqual({
      enabled: false,
      minMs: 0,
      maxMs: 0,
    });
  });

  it('a disabled global does not disable a task that sends a block', () => {
    expect(effectiveBufferPeriod({ min: '3s' }, { enabled: false, minMs: 0, maxMs: 0 })).toEqual({
      enabled: true,
      minMs: 3 * s,
      maxMs: 3 * s,
    });
  });

  it("throws Go's message for a bad duration, max parsed first", () => {
    expect(() => effectiveBufferPeriod({ min: 'x', max: 'y' })).toThrow(
      'time: invalid duration "y"',
    );
  });
});

describe('validateEffectiveBufferPeriod (config/buffer_period_test.go TestBufferPeriodConfig_Validate)', () => {
  it.each([
    ['valid', { enabled: true, minMs: 10 * s, maxMs: 60 * s }, undefined],
    [
      'negative min',
      { enabled: true, minMs: -10 * s, maxMs: 5 * s },
      'buffer_period: cannot be negative',
    ],
    [
      'negative max',
      { enabled: true, minMs: 5 * s, maxMs: -10 * s },
      'buffer_period: cannot be negative',
    ],
    [
      'max less than min',
      { enabled: true, minMs: 5 * s, maxMs: 2 * s },
      'buffer_period: min must be less than max',
    ],
    ['disabled is never checked', { enabled: false, minMs: -1, maxMs: -5 }, undefined],
  ])('%s', (_name, period, expected) => {
    expect(validateEffectiveBufferPeriod(period)).toBe(expected);
  });
});
