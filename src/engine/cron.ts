/**
 * Cron schedules in the syntax of Consul-Terraform-Sync's schedule condition.
 *
 * CTS parses `condition "schedule" { cron = "..." }` with hashicorp/cronexpr, so
 * that parser's grammar is the contract here: it is re-implemented below down to
 * its error messages, and the parsed value sets are then handed to croner as an
 * explicit 7-field pattern, which does the calendar and time-zone arithmetic.
 * Going through explicit sets (rather than rewriting the text) keeps cronexpr's
 * own readings of ranges, steps and names, which differ from croner's in places.
 * CRON.md next to this file lists every difference and what was decided.
 */

import { Cron } from 'croner';
import { EngineError } from './errors.ts';

/** A parsed cron schedule. */
export interface CronSchedule {
  /** The expression as given. */
  readonly expression: string;
  /** The first fire time strictly after `timeMs` (epoch ms), or undefined if it never fires again. */
  nextAfter(timeMs: number): number | undefined;
}

/** Options of {@link parseCronExpression}. */
export interface CronOptions {
  /** IANA time zone the fields are read in. @default 'UTC' */
  readonly timezone?: string;
}

/**
 * Parses a cronexpr-syntax expression: 5 fields (minute..day-of-week), 6 fields
 * (minute..year) or 7 fields (second..year); fields past the seventh are ignored,
 * as cronexpr does. Macros `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`
 * and `@hourly`; `L`, `LW` and `nW` in day-of-month; `nL` and `n#k` in
 * day-of-week; `?` as a wildcard; month and day names in any case.
 *
 * @throws EngineError with code 'invalid' and cronexpr's own message for the same
 * input (such as `missing field(s)` or `syntax error in minute field: '60'`), or
 * `unknown time zone <tz>` for a time zone the runtime does not know.
 */
export function parseCronExpression(expression: string, options: CronOptions = {}): CronSchedule {
  const timezone = options.timezone ?? 'UTC';
  if (!isKnownTimeZone(timezone)) {
    throw new EngineError('invalid', `unknown time zone ${timezone}`, {
      details: { expression, timezone },
    });
  }
  let fields: ParsedFields;
  try {
    fields = parseFields(expression);
  } catch (error) {
    if (error instanceof CronexprError) {
      throw new EngineError('invalid', error.message, { details: { expression } });
    }
    throw error;
  }
  const jobs = toCronerPatterns(fields).map(
    // `paused` and no callback: croner then never arms a timer of its own.
    (pattern) => new Cron(pattern, { paused: true, timezone, mode: '7-part' }),
  );
  return {
    expression,
    nextAfter(timeMs: number): number | undefined {
      if (!Number.isFinite(timeMs) || Math.abs(timeMs) > MAX_DATE_MS) {
        throw new RangeError(`nextAfter: not a representable time: ${timeMs}`);
      }
      let earliest: number | undefined;
      for (const job of jobs) {
        const next = job.nextRun(new Date(timeMs))?.getTime();
        if (next !== undefined && (earliest === undefined || next < earliest)) earliest = next;
      }
      return earliest;
    },
  };
}

const MAX_DATE_MS = 8.64e15;

function isKnownTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** A parse failure whose message is cronexpr's text for the same input. */
class CronexprError extends Error {}

// ---------------------------------------------------------------------------
// cronexpr's grammar

interface FieldSpec {
  /** The name cronexpr uses in its messages. */
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Alternatives of one value, matched against the lower-cased entry. */
  readonly value: string;
  readonly toNumber: (token: string) => number;
}

type Directive =
  | { readonly kind: 'all' }
  | { readonly kind: 'one'; readonly value: number }
  | { readonly kind: 'span'; readonly first: number; readonly last: number; readonly step: number }
  /** Left for the day fields to read as L, W or #, or to reject. */
  | { readonly kind: 'other'; readonly text: string; readonly lower: string };

interface DayOfMonth {
  readonly restricted: boolean;
  readonly days: ReadonlySet<number>;
  readonly last: boolean;
  readonly lastWorkday: boolean;
  readonly workdays: ReadonlySet<number>;
}

interface DayOfWeek {
  readonly restricted: boolean;
  readonly days: ReadonlySet<number>;
  /** `${weekday}#${k}` */
  readonly nth: ReadonlySet<string>;
  readonly last: ReadonlySet<number>;
}

interface ParsedFields {
  readonly second: readonly number[];
  readonly minute: readonly number[];
  readonly hour: readonly number[];
  readonly dayOfMonth: DayOfMonth;
  readonly month: readonly number[];
  readonly dayOfWeek: DayOfWeek;
  readonly year: readonly number[];
}

// cronexpr turns numbers into values by table lookup, and a token its pattern
// accepts but its table lacks reads as 0: the step in `*/60`, which is then an
// invalid interval, and the day of week `01`, which is then Sunday.
const NUMBER_TOKEN = /^(?:[0-9]|0[0-9]|[1-5][0-9]|19[7-9][0-9]|20[0-9]{2})$/;
const genericNumber = (token: string): number => (NUMBER_TOKEN.test(token) ? Number(token) : 0);

const MONTH_NAMES = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];
const MONTH_LONG_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_LONG_NAMES = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
];

function nameIndex(token: string, ...tables: readonly string[][]): number {
  for (const table of tables) {
    const index = table.indexOf(token);
    if (index >= 0) return index;
  }
  return -1;
}

const SECOND: FieldSpec = {
  name: 'second',
  min: 0,
  max: 59,
  value: '0?[0-9]|[1-5][0-9]',
  toNumber: genericNumber,
};
const MINUTE: FieldSpec = { ...SECOND, name: 'minute' };
const HOUR: FieldSpec = {
  name: 'hour',
  min: 0,
  max: 23,
  value: '0?[0-9]|1[0-9]|2[0-3]',
  toNumber: genericNumber,
};
const DAY_OF_MONTH: FieldSpec = {
  name: 'day-of-month',
  min: 1,
  max: 31,
  value: '0?[1-9]|[12][0-9]|3[01]',
  toNumber: genericNumber,
};
const MONTH: FieldSpec = {
  name: 'month',
  min: 1,
  max: 12,
  value: `0?[1-9]|1[012]|${MONTH_NAMES.join('|')}|${MONTH_LONG_NAMES.join('|')}`,
  toNumber: (token) => {
    if (/^(?:0?[1-9]|1[0-2])$/.test(token)) return Number(token);
    return nameIndex(token, MONTH_NAMES, MONTH_LONG_NAMES) + 1;
  },
};
const DAY_OF_WEEK: FieldSpec = {
  name: 'day-of-week',
  min: 0,
  max: 6,
  value: `0?[0-7]|${DAY_NAMES.join('|')}|${DAY_LONG_NAMES.join('|')}`,
  toNumber: (token) => {
    if (/^[0-7]$/.test(token)) return Number(token) % 7;
    return Math.max(0, nameIndex(token, DAY_NAMES, DAY_LONG_NAMES));
  },
};
const YEAR: FieldSpec = {
  name: 'year',
  min: 1970,
  max: 2099,
  value: '19[789][0-9]|20[0-9]{2}',
  toNumber: genericNumber,
};

interface Layouts {
  readonly one: RegExp;
  readonly range: RegExp;
  readonly fromStep: RegExp;
  readonly rangeStep: RegExp;
  /** `nW` in day-of-month, `nL` in day-of-week. */
  readonly suffixW: RegExp;
  readonly suffixL: RegExp;
  readonly nth: RegExp;
}

const layoutCache = new Map<FieldSpec, Layouts>();

function layoutsOf(spec: FieldSpec): Layouts {
  let layouts = layoutCache.get(spec);
  if (layouts === undefined) {
    const v = `(${spec.value})`;
    layouts = {
      one: new RegExp(`^${v}$`),
      range: new RegExp(`^${v}-${v}$`),
      fromStep: new RegExp(`^${v}/(\\d+)$`),
      rangeStep: new RegExp(`^${v}-${v}/(\\d+)$`),
      suffixW: new RegExp(`^${v}w$`),
      suffixL: new RegExp(`^${v}l$`),
      nth: new RegExp(`^${v}#([1-5])$`),
    };
    layoutCache.set(spec, layouts);
  }
  return layouts;
}

const WILDCARD = /^[*?]$/;
const EVERY_STEP = /^\*\/(\d+)$/;

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 * *',
  '@annually': '0 0 0 1 1 * *',
  '@monthly': '0 0 0 1 * * *',
  '@weekly': '0 0 0 * * 0 *',
  '@daily': '0 0 0 * * * *',
  '@hourly': '0 0 * * * * *',
};
// cronexpr swaps macros in as substrings, case-sensitively, wherever they stand:
// `@HOURLY` and `@midnight` stay as they are and fail as one field.
const MACRO = /@(?:yearly|annually|monthly|weekly|daily|hourly)/g;
// Go's \S: only tab, newline, form feed, carriage return and space separate fields.
const FIELD = /[^\t\n\f\r ]+/g;
const ENTRY = /[^,]+/g;

function parseFields(expression: string): ParsedFields {
  const line = expression.replace(MACRO, (macro) => MACROS[macro] ?? macro);
  const found = line.match(FIELD) ?? [];
  if (found.length < 5) throw new CronexprError('missing field(s)');
  const fields = found.slice(0, 7);
  const hasSeconds = fields.length === 7;
  let index = 0;
  const next = (): string => fields[index++] ?? '';

  const second = hasSeconds ? valueList(next(), SECOND) : [0];
  const minute = valueList(next(), MINUTE);
  const hour = valueList(next(), HOUR);
  const dayOfMonth = dayOfMonthField(next());
  const month = valueList(next(), MONTH);
  const dayOfWeek = dayOfWeekField(next());
  const year = index < fields.length ? valueList(next(), YEAR) : range(YEAR.min, YEAR.max, 1);
  return { second, minute, hour, dayOfMonth, month, dayOfWeek, year };
}

/** Go's strings.ToLower maps U+0130 to a plain `i`, where JavaScript adds a combining dot. */
function goLower(text: string): string {
  return text.replace(/\u0130/g, 'i').toLowerCase();
}

function directives(field: string, spec: FieldSpec): Directive[] {
  const entries = field.match(ENTRY);
  if (entries === null) throw new CronexprError(`${spec.name} field: missing directive`);
  const layouts = layoutsOf(spec);
  const checkedStep = (lower: string, text: string): number => {
    const step = genericNumber(text);
    if (step < 1 || step > spec.max) throw new CronexprError(`invalid interval ${lower}`);
    return step;
  };
  // Every entry is read before any is rejected, so a bad interval is reported
  // ahead of a syntax error earlier in the same field, as cronexpr does.
  return entries.map((text): Directive => {
    const lower = goLower(text);
    if (WILDCARD.test(lower)) return { kind: 'all' };
    let m = layouts.one.exec(lower);
    if (m) return { kind: 'one', value: spec.toNumber(m[1]!) };
    m = layouts.range.exec(lower);
    if (m) {
      return { kind: 'span', first: spec.toNumber(m[1]!), last: spec.toNumber(m[2]!), step: 1 };
    }
    m = EVERY_STEP.exec(lower);
    if (m)
      return { kind: 'span', first: spec.min, last: spec.max, step: checkedStep(lower, m[1]!) };
    m = layouts.fromStep.exec(lower);
    if (m) {
      const first = spec.toNumber(m[1]!);
      return { kind: 'span', first, last: spec.max, step: checkedStep(lower, m[2]!) };
    }
    m = layouts.rangeStep.exec(lower);
    if (m) {
      const [first, last] = [spec.toNumber(m[1]!), spec.toNumber(m[2]!)];
      return { kind: 'span', first, last, step: checkedStep(lower, m[3]!) };
    }
    return { kind: 'other', text, lower };
  });
}

function syntaxError(spec: FieldSpec, text: string): CronexprError {
  return new CronexprError(`syntax error in ${spec.name} field: '${text}'`);
}

/** A reversed range such as `20-5` is accepted and simply adds nothing. */
function range(first: number, last: number, step: number): number[] {
  const values: number[] = [];
  for (let v = first; v <= last; v += step) values.push(v);
  return values;
}

function valueList(field: string, spec: FieldSpec): number[] {
  const values = new Set<number>();
  for (const d of directives(field, spec)) {
    // In order: a wildcard ends the field before later entries are looked at.
    if (d.kind === 'all') return range(spec.min, spec.max, 1);
    if (d.kind === 'other') throw syntaxError(spec, d.text);
    for (const v of d.kind === 'one' ? [d.value] : range(d.first, d.last, d.step)) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

function dayOfMonthField(field: string): DayOfMonth {
  const layouts = layoutsOf(DAY_OF_MONTH);
  const days = new Set<number>();
  const workdays = new Set<number>();
  let restricted = true;
  let last = false;
  let lastWorkday = false;
  for (const d of directives(field, DAY_OF_MONTH)) {
    if (d.kind === 'all') {
      restricted = false;
      for (const v of range(DAY_OF_MONTH.min, DAY_OF_MONTH.max, 1)) days.add(v);
    } else if (d.kind === 'one') {
      days.add(d.value);
    } else if (d.kind === 'span') {
      for (const v of range(d.first, d.last, d.step)) days.add(v);
    } else if (d.lower === 'l') {
      last = true;
    } else if (d.lower === 'lw') {
      lastWorkday = true;
    } else {
      const m = layouts.suffixW.exec(d.lower);
      if (!m) throw syntaxError(DAY_OF_MONTH, d.text);
      workdays.add(DAY_OF_MONTH.toNumber(m[1]!));
    }
  }
  return { restricted, days, last, lastWorkday, workdays };
}

function dayOfWeekField(field: string): DayOfWeek {
  const layouts = layoutsOf(DAY_OF_WEEK);
  const days = new Set<number>();
  const nth = new Set<string>();
  const last = new Set<number>();
  let restricted = true;
  for (const d of directives(field, DAY_OF_WEEK)) {
    if (d.kind === 'all') {
      restricted = false;
      for (const v of range(0, 6, 1)) days.add(v);
    } else if (d.kind === 'one') {
      days.add(d.value);
    } else if (d.kind === 'span') {
      // cronexpr's fix for ranges ending in 7 turns an end of Sunday into
      // Saturday, so `MON-SUN` is Monday to Saturday and `SUN-SUN` is every day.
      for (const v of range(d.first, d.last === 0 ? 6 : d.last, d.step)) days.add(v);
    } else {
      const lastOf = layouts.suffixL.exec(d.lower);
      const nthOf = lastOf ? null : layouts.nth.exec(d.lower);
      if (lastOf) last.add(DAY_OF_WEEK.toNumber(lastOf[1]!));
      else if (nthOf) nth.add(`${DAY_OF_WEEK.toNumber(nthOf[1]!)}#${nthOf[2]}`);
      else throw syntaxError(DAY_OF_WEEK, d.text);
    }
  }
  return { restricted, days, nth, last };
}

// ---------------------------------------------------------------------------
// From value sets to croner patterns

/** `0,1,2,5` → `0-2,5`; croner reads it back as the same set. */
function cronerList(values: Iterable<number>): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * The croner patterns whose union fires exactly when the expression does; empty
 * when it never fires. More than one only for `LW` next to other day-of-month
 * entries, which croner does not take in a list.
 */
function toCronerPatterns(f: ParsedFields): string[] {
  const plain = [f.second, f.minute, f.hour, f.month, f.year];
  if (plain.some((values) => values.length === 0)) return [];

  const { dayOfMonth: dom, dayOfWeek: dow } = f;
  const domParts: string[] = [];
  const domList = [
    ...(dom.days.size > 0 ? [cronerList(dom.days)] : []),
    ...(dom.last ? ['L'] : []),
    ...[...dom.workdays].sort((a, b) => a - b).map((day) => `${day}W`),
  ];
  if (domList.length > 0) domParts.push(domList.join(','));
  if (dom.lastWorkday) domParts.push('LW');

  const dowList = [
    ...(dow.days.size > 0 ? [cronerList(dow.days)] : []),
    ...[...dow.nth].sort(),
    ...[...dow.last].sort((a, b) => a - b).map((day) => `${day}#L`),
  ];
  const dowPart = dowList.join(',');

  // croner ORs the two day fields unless one of them is a bare `*`, in which
  // case the other one alone decides: cronexpr's rule once "restricted" is
  // carried over as "not `*`". A restricted field that came out empty (a
  // reversed range) adds no days to the OR, so it is written as `*`.
  let dayPairs: [string, string][];
  if (dom.restricted && dow.restricted) {
    if (domParts.length === 0 && dowPart === '') return [];
    if (domParts.length === 0) dayPairs = [['*', dowPart]];
    else if (dowPart === '') dayPairs = domParts.map((part) => [part, '*']);
    else dayPairs = domParts.map((part) => [part, dowPart]);
  } else if (dom.restricted) {
    dayPairs = domParts.map((part) => [part, '*']);
  } else if (dow.restricted) {
    dayPairs = dowPart === '' ? [] : [['*', dowPart]];
  } else {
    dayPairs = [['*', '*']];
  }

  const [second, minute, hour, month, year] = [f.second, f.minute, f.hour, f.month, f.year].map(
    (values) => cronerList(values),
  ) as [string, string, string, string, string];
  return dayPairs.map(
    ([domField, dowField]) =>
      `${second} ${minute} ${hour} ${domField} ${month} ${dowField} ${year}`,
  );
}
