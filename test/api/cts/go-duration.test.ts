import { describe, expect, it } from 'vitest';
import {
  formatGoDuration,
  formatGoDurationNs,
  parseGoDuration,
  parseGoDurationNs,
} from '../../../src/api/cts/go/duration.ts';

describe('parseGoDuration', () => {
  it.each([
    ['0', 0],
    ['-0', 0],
    ['+0', 0],
    ['5s', 5000],
    ['300ms', 300],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['5m', 300_000],
    ['1h2m3s', 3_723_000],
    ['-1.5h', -5_400_000],
    ['+10s', 10_000],
    ['.5s', 500],
    ['1.s', 1000],
    ['1us', 0.001],
    ['1µs', 0.001],
    ['1μs', 0.001],
    ['100ns', 0.0001],
    ['1h1h', 7_200_000],
    ['0s', 0],
    ['0.000000001s', 0.000001],
  ])('%s → %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each([
    ['', 'time: invalid duration ""'],
    ['abc', 'time: invalid duration "abc"'],
    ['5', 'time: missing unit in duration "5"'],
    ['1.5', 'time: missing unit in duration "1.5"'],
    ['5x', 'time: unknown unit "x" in duration "5x"'],
    ['5S', 'time: unknown unit "S" in duration "5S"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['-', 'time: invalid duration "-"'],
    ['.s', 'time: invalid duration ".s"'],
    ['s', 'time: invalid duration "s"'],
    ['1s s', 'time: unknown unit "s s" in duration "1s s"'],
    [' 1s', 'time: invalid duration " 1s"'],
    ['1é', 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"'],
    ['"1s', 'time: invalid duration "\\"1s"'],
    ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['3000000h', 'time: invalid duration "3000000h"'],
  ])('%j fails with Go message', (text, message) => {
    expect(() => parseGoDuration(text)).toThrow(message);
    expect(() => parseGoDuration(text)).toThrowError(new Error(message));
  });

  it('keeps nanosecond precision in the bigint form', () => {
    expect(parseGoDurationNs('9223372036854775807ns')).toBe(9223372036854775807n);
    expect(parseGoDurationNs('-9223372036854775808ns')).toBe(-9223372036854775808n);
    expect(parseGoDurationNs('1.0000000001s')).toBe(1_000_000_000n);
  });
});

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [300, '300ms'],
    [1500, '1.5s'],
    [5000, '5s'],
    [20_000, '20s'],
    [60_000, '1m0s'],
    [300_000, '5m0s'],
    [3_600_000, '1h0m0s'],
    [3_723_000, '1h2m3s'],
    [90_500, '1m30.5s'],
    [-1500, '-1.5s'],
    [1.5, '1.5ms'],
    [0.0015, '1.5µs'],
    [0.001, '1µs'],
    [0.00001, '10ns'],
    [100 * 3_600_000, '100h0m0s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });

  it('formats the extremes of int64 like Go', () => {
    expect(formatGoDurationNs(9223372036854775807n)).toBe('2562047h47m16.854775807s');
    expect(formatGoDurationNs(-9223372036854775808n)).toBe('-2562047h47m16.854775808s');
  });

  it.each(['5m', '1.5s', '300ms', '1h2m3s', '0'])(
    'round-trips %s through parse and format',
    (t) => {
      expect(parseGoDuration(formatGoDuration(parseGoDuration(t)))).toBe(parseGoDuration(t));
    },
  );

  it('rejects non-finite input with a TypeError', () => {
    expect(() => formatGoDuration(Number.NaN)).toThrow(TypeError);
  });
});
