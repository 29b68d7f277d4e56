/**
 * CTS buffer period inheritance (`config/buffer_period.go`
 * `inheritParentConfig`, `config/task.go` `InheritParentConfig`), as pure
 * functions from a task's block and the global default to the effective
 * `{ enabled, minMs, maxMs }` the engine debounces with.
 *
 * @module
 */

import { parseGoDurationNs } from './go/duration.ts';
import { MESSAGE_BUFFER_PERIOD_MIN_MAX, MESSAGE_BUFFER_PERIOD_NEGATIVE } from './messages.ts';
import type { BufferPeriodConfig, BufferPeriodRequest, EffectiveBufferPeriod } from './types.ts';

/** A buffer period block as CTS holds it before inheritance: any field may be unset. */
export interface BufferPeriodSettings {
  enabled?: boolean;
  minMs?: number;
  maxMs?: number;
}

/** CTS's built-in global default: enabled, min 5 s, max 4 × min = 20 s (`DefaultBufferPeriodMin/Max`). */
export const DEFAULT_BUFFER_PERIOD: Readonly<EffectiveBufferPeriod> = Object.freeze({
  enabled: true,
  minMs: 5_000,
  maxMs: 20_000,
});

/** The value schedule-condition tasks are forced to (`config/task.go` `Finalize`). */
export const SCHEDULE_BUFFER_PERIOD: Readonly<EffectiveBufferPeriod> = Object.freeze({
  enabled: false,
  minMs: 0,
  maxMs: 0,
});

/**
 * `inheritParentConfig`: fills a block from a parent.
 * 1. `enabled: false` → disabled, 0/0.
 * 2. nothing set → the parent's values.
 * 3. otherwise enabled; a missing min is the parent's min if the parent is
 *    enabled, else 5 s; a missing max is **4 × min** (not the parent's max);
 *    max is raised to min if below it.
 */
export function inheritBufferPeriod(
  block: BufferPeriodSettings | undefined,
  parent: Readonly<EffectiveBufferPeriod>,
): EffectiveBufferPeriod {
  // A task without a block gets a copy of the parent, then the same rules.
  const own = block ?? { enabled: parent.enabled, minMs: parent.minMs, maxMs: parent.maxMs };
  if (own.enabled === false) return { enabled: false, minMs: 0, maxMs: 0 };
  if (own.enabled === undefined && own.minMs === undefined && own.maxMs === undefined) {
    return { enabled: parent.enabled, minMs: parent.minMs, maxMs: parent.maxMs };
  }
  const minMs = own.minMs ?? (parent.enabled ? parent.minMs : DEFAULT_BUFFER_PERIOD.minMs);
  const maxMs = Math.max(own.maxMs ?? 4 * minMs, minMs);
  return { enabled: true, minMs, maxMs };
}

/**
 * The global `buffer_period` block's `Finalize`: inheritance from the
 * built-in default (TestBufferPeriodConfig_Finalize).
 */
export function finalizeGlobalBufferPeriod(block: BufferPeriodSettings): EffectiveBufferPeriod {
  return inheritBufferPeriod(block, DEFAULT_BUFFER_PERIOD);
}

function toMs(text: string | undefined): number {
  return text === undefined ? 0 : Number(parseGoDurationNs(text)) / 1e6;
}

/**
 * How an API request's block becomes config (`api/representation.go`
 * `ToTaskConfig`): whenever the block is present, **both** min and max are
 * set, a missing one becoming 0. So `{"min":"10s"}` ends up 10 s/10 s (a
 * config file would give 10 s/40 s), `{"enabled":true}` 0/0 and
 * `{"max":"60s"}` 0/60 s. `max` is parsed before `min`.
 *
 * @throws Error with Go's `time.ParseDuration` message for a bad duration.
 */
export function bufferPeriodSettingsFromRequest(
  block: BufferPeriodRequest | BufferPeriodConfig,
): BufferPeriodSettings {
  const maxMs = toMs(block.max);
  const minMs = toMs(block.min);
  return block.enabled === undefined ? { minMs, maxMs } : { enabled: block.enabled, minMs, maxMs };
}

/** Options of {@link effectiveBufferPeriod}. */
export interface EffectiveBufferPeriodOptions {
  /** Schedule-condition tasks never buffer. @default false */
  schedule?: boolean;
}

/**
 * The buffer period a task created over the API actually runs with: its
 * block as sent (or echoed) by the API, inherited from the global default.
 *
 * @param block The task's `buffer_period` (request or finalized form), if any.
 * @param global The daemon's finalized global buffer period.
 * @example effectiveBufferPeriod({ min: '10s' }, DEFAULT_BUFFER_PERIOD) // { enabled: true, minMs: 10000, maxMs: 10000 }
 * @throws Error with Go's `time.ParseDuration` message for a bad duration.
 */
export function effectiveBufferPeriod(
  block: BufferPeriodRequest | BufferPeriodConfig | undefined,
  global: Readonly<EffectiveBufferPeriod> = DEFAULT_BUFFER_PERIOD,
  options: EffectiveBufferPeriodOptions = {},
): EffectiveBufferPeriod {
  if (options.schedule === true) return { ...SCHEDULE_BUFFER_PERIOD };
  return inheritBufferPeriod(
    block === undefined ? undefined : bufferPeriodSettingsFromRequest(block),
    global,
  );
}

/**
 * `BufferPeriodConfig.Validate` as run when the driver is built
 * (`ValidateForDriver`), after inheritance. Returns CTS's message or
 * `undefined`.
 */
export function validateEffectiveBufferPeriod(period: EffectiveBufferPeriod): string | undefined {
  if (!period.enabled) return undefined;
  if (period.minMs < 0 || period.maxMs < 0) return MESSAGE_BUFFER_PERIOD_NEGATIVE;
  if (period.maxMs < period.minMs) return MESSAGE_BUFFER_PERIOD_MIN_MAX;
  return undefined;
}
