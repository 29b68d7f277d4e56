/**
 * Cron schedules in the syntax of Consul-Terraform-Sync's schedule condition
 * (hashicorp/cronexpr), evaluated by croner, a maintained cron library.
 *
 * This file only maps cronexpr's layout onto croner's: cronexpr reads 5
 * fields as minute..day-of-week, 6 as minute..year and 7 as second..year,
 * while croner reads 6 fields as second..day-of-week. Everything else —
 * ranges, steps, names, `L`, `W`, `#`, `?`, the calendar and time zones — is
 * croner's. `CRON.md` beside this file lists where the two differ.
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

/** cronexpr's macros, as 7-field patterns (it has no `@midnight`, and macros are case-sensitive). */
const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 * *',
  '@annually': '0 0 0 1 1 * *',
  '@monthly': '0 0 0 1 * * *',
  '@weekly': '0 0 0 * * 0 *',
  '@daily': '0 0 0 * * * *',
  '@hourly': '0 0 * * * * *',
};

/** cronexpr's message when fewer than five fields are given (CTS embeds it in its own). */
export const CRON_MISSING_FIELDS = 'missing field(s)';

const FULL_NAMES =
  /\b(january|february|march|april|june|july|august|september|october|november|december|sunday|monday|tuesday|wednesday|thursday|friday|saturday)\b/gi;

function invalid(expression: string, message: string, cause?: unknown): EngineError {
  return new EngineError('invalid', message, { cause, details: { expression } });
}

/** The expression as a croner 7-field pattern (second minute hour dom month dow year). */
function toCronerPattern(expression: string): string {
  const trimmed = expression.trim();
  const macro = MACROS[trimmed];
  if (macro !== undefined) return macro;
  // cronexpr also takes full month and day names; croner only the three-letter forms.
  const fields = trimmed
    .replace(FULL_NAMES, (name) => name.slice(0, 3))
    .split(/\s+/)
    .filter((field) => field !== '');
  if (fields.length < 5) throw invalid(expression, CRON_MISSING_FIELDS);
  // cronexpr ignores fields past the seventh.
  if (fields.length >= 7) return fields.slice(0, 7).join(' ');
  if (fields.length === 6) return `0 ${fields.join(' ')}`;
  return `0 ${fields.join(' ')} *`;
}

function checkTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch (error) {
    throw new EngineError('invalid', `unknown time zone ${timezone}`, {
      cause: error,
      details: { timezone },
    });
  }
}

/**
 * Parses a cronexpr-syntax expression.
 *
 * @throws EngineError with code 'invalid': `missing field(s)` for fewer than
 *   five fields (cronexpr's words), croner's message for anything else it
 *   rejects, `unknown time zone <tz>` for a zone the runtime does not know.
 */
export function parseCronExpression(expression: string, options: CronOptions = {}): CronSchedule {
  if (typeof expression !== 'string') throw invalid(String(expression), CRON_MISSING_FIELDS);
  const timezone = options.timezone ?? 'UTC';
  checkTimezone(timezone);
  const pattern = toCronerPattern(expression);
  let cron: Cron;
  try {
    // Paused and without a callback, croner never arms a timer of its own:
    // the engine asks for fire times on its own clock.
    cron = new Cron(pattern, {
      paused: true,
      timezone,
      // cronexpr: a date matches when either day field does, if both are restricted.
      domAndDow: false,
      // cronexpr reads `5/15` as every 15 from 5.
      sloppyRanges: true,
      mode: '7-part',
    });
  } catch (error) {
    throw invalid(expression, error instanceof Error ? error.message : String(error), error);
  }
  return {
    expression,
    nextAfter(timeMs) {
      if (!Number.isFinite(timeMs) || Math.abs(timeMs) > 8.64e15) {
        throw new RangeError(`Expected \`timeMs\` to be a valid epoch time, got ${String(timeMs)}`);
      }
      const next = cron.nextRun(new Date(timeMs));
      return next === null ? undefined : next.getTime();
    },
  };
}
