/**
 * Go `time.Duration` text: CTS parses `buffer_period.min`/`max` with
 * `time.ParseDuration` (`api/representation.go` `ToTaskConfig`) and echoes
 * them with `Duration.String()` (`oapigenTaskFromConfigTask`), so `"5m"` comes
 * back as `"5m0s"` and a bad value is reported with Go's exact error text.
 *
 * Arithmetic is done in nanoseconds with `bigint`, as Go does in `uint64`, so
 * overflow and rounding match; the millisecond helpers convert at the edge.
 *
 * @module
 */

import { goTimeQuote } from './text.ts';

const NS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const TWO_63 = 1n << 63n;
const MAX_FRACTION = (TWO_63 - 1n) / 10n;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function invalid(orig: string): Error {
  return new Error(`time: invalid duration ${goTimeQuote(orig)}`);
}

/**
 * Parses a Go duration string into nanoseconds, exactly as Go's
 * `time.ParseDuration`.
 *
 * @throws Error whose message is Go's, e.g. `time: invalid duration "abc"`,
 *   `time: missing unit in duration "5"`, `time: unknown unit "x" in duration "5x"`.
 */
export function parseGoDurationNs(text: string): bigint {
  const orig = text;
  let s = text;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid(orig);
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) throw invalid(orig);
    // leadingInt: [0-9]*, failing on uint64 overflow past 1<<63.
    let i = 0;
    let v = 0n;
    while (isDigit(s[i])) {
      if (v > TWO_63 / 10n) throw invalid(orig);
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > TWO_63) throw invalid(orig);
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    // leadingFraction: stops accumulating precision on overflow, never fails.
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (isDigit(s[j])) {
        if (!overflow) {
          const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
          if (f > MAX_FRACTION || y > TWO_63) overflow = true;
          else {
            f = y;
            scale *= 10;
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) throw invalid(orig);
    let u = 0;
    while (u < s.length && !(s[u] === '.' || isDigit(s[u]))) u++;
    if (u === 0) throw new Error(`time: missing unit in duration ${goTimeQuote(orig)}`);
    const unitText = s.slice(0, u);
    s = s.slice(u);
    const unit = NS_PER_UNIT[unitText];
    if (unit === undefined) {
      throw new Error(
        `time: unknown unit ${goTimeQuote(unitText)} in duration ${goTimeQuote(orig)}`,
      );
    }
    if (v > TWO_63 / unit) throw invalid(orig);
    v *= unit;
    if (f > 0n) {
      // Go: uint64(float64(f) * (float64(unit) / scale)), truncating.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO_63) throw invalid(orig);
    }
    total += v;
    if (total > TWO_63) throw invalid(orig);
  }
  if (neg) return -total;
  if (total > TWO_63 - 1n) throw invalid(orig);
  return total;
}

/**
 * Parses a Go duration string (`"300ms"`, `"1.5s"`, `"1h2m3s"`) into
 * milliseconds, fractional for µs/ns precision.
 *
 * @throws Error with Go's `time.ParseDuration` message, e.g. `time: invalid duration "abc"`.
 * @example parseGoDuration('1m30s') // 90000
 */
export function parseGoDuration(text: string): number {
  return Number(parseGoDurationNs(text)) / 1e6;
}

function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let out = '';
  let print = false;
  let rest = v;
  for (let i = 0; i < prec; i++) {
    const digit = rest % 10n;
    print = print || digit !== 0n;
    if (print) out = digit.toString() + out;
    rest /= 10n;
  }
  return [print ? `.${out}` : '', rest];
}

/**
 * Formats nanoseconds exactly like Go's `time.Duration.String()`.
 */
export function formatGoDurationNs(ns: bigint): string {
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    let unit: string;
    let prec: number;
    if (u < 1_000n) {
      unit = 'ns';
      prec = 0;
    } else if (u < 1_000_000n) {
      unit = 'µs';
      prec = 3;
    } else {
      unit = 'ms';
      prec = 6;
    }
    const [frac, whole] = fmtFrac(u, prec);
    out = `${whole}${frac}${unit}`;
  } else {
    const [frac, seconds] = fmtFrac(u, 9);
    u = seconds;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/**
 * Formats milliseconds exactly like Go's `time.Duration.String()`:
 * `0s`, `300ms`, `1.5s`, `5m0s`, `1h0m0s`, `1h2m3s`, `1.5µs`, `10ns`.
 * Sub-nanosecond fractions are rounded to the nearest nanosecond.
 */
export function formatGoDuration(ms: number): string {
  if (!Number.isFinite(ms)) {
    throw new TypeError(`Expected \`ms\` to be a finite number, got ${ms} (${typeof ms})`);
  }
  return formatGoDurationNs(BigInt(Math.round(ms * 1e6)));
}
