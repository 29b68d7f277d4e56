/**
 * The number formats and verdicts that bench/summary.ts and the sections it
 * renders (bench/postgres/summary-area.ts) share.
 */

/** A median with its range over the measured rounds. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n?: number;
}

export function fmt(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 10_000_000) return `${(value / 1e6).toFixed(1)} M${unit}`;
  if (abs >= 1_000_000) return `${(value / 1e6).toFixed(2)} M${unit}`;
  if (abs >= 100_000) return `${Math.round(value / 1000)} k${unit}`;
  if (abs >= 1000) return `${grouped(Math.round(value))}${unit}`;
  if (abs === 0) return `0${unit}`;
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return `${Number(value.toFixed(digits))}${unit}`;
}

/** An integer with its thousands grouped: 100 000. */
export function grouped(value: number | string): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** `median (min–max)`, or the median alone when there is one sample. */
export function fmtSpread(value: Spread | undefined, unit = ''): string {
  if (value === undefined) return '–';
  if (value.min === value.max) return fmt(value.median, unit);
  return `${fmt(value.median, unit)} (${fmt(value.min)}–${fmt(value.max)})`;
}

export interface Verdict {
  /** `≥ 0.75×`, `≤ 200 B`. */
  readonly target: string;
  readonly met: boolean;
  /** `margin +0.08× (+11 %)`, `short by 0.21× (−28 %)`. */
  readonly by: string;
}

function percent(fraction: number): string {
  const value = Math.round(fraction * 100);
  return `${value > 0 ? '+' : value < 0 ? '−' : '±'}${Math.abs(value)} %`;
}

/** `measured ≥ minimum`. */
export function atLeast(measured: number, minimum: number, unit = '×'): Verdict {
  const met = measured >= minimum;
  const diff = Math.abs(measured - minimum);
  return {
    target: `≥ ${fmt(minimum)}${unit}`,
    met,
    by: `${met ? 'margin +' : 'short by '}${fmt(diff)}${unit} (${percent(measured / minimum - 1)})`,
  };
}

/** `measured ≤ maximum`. */
export function atMost(measured: number, maximum: number, unit = '×'): Verdict {
  const met = measured <= maximum;
  const diff = Math.abs(maximum - measured);
  return {
    target: `≤ ${fmt(maximum)}${unit}`,
    met,
    by:
      measured < 0
        ? `margin ${fmt(diff)}${unit} (shrank)`
        : `${met ? 'margin ' : 'over by '}${fmt(diff)}${unit} (${fmt(Math.abs(measured / maximum - 1) * 100)} % ${met ? 'under' : 'over'} the limit)`,
  };
}

/** `low ≤ measured ≤ high`. */
