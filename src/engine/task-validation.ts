/**
 * The engine's own rules for task definitions. Dialects check their wire
 * formats first; these are the invariants the engine itself relies on.
 */

import { parseCronExpression } from './cron.ts';
import { EngineError } from './errors.ts';
import type { BufferPeriod, TaskTrigger } from './types.ts';

function invalid(message: string, field: string, cause?: unknown): EngineError {
  return new EngineError('invalid', message, { details: { field }, cause });
}

/** Throws EngineError('invalid') unless `name` is a non-empty string. */
export function validateTaskName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw invalid(`task name must be a non-empty string, got ${JSON.stringify(name)}`, 'name');
  }
  return name;
}

/** Throws EngineError('invalid') for a negative, non-finite or inverted buffer period. */
export function validateBufferPeriod(period: BufferPeriod | undefined): BufferPeriod | undefined {
  if (period === undefined) return undefined;
  const { minMs, maxMs } = period;
  if (!Number.isFinite(minMs) || minMs < 0) {
    throw invalid(
      `buffer period min must be a non-negative number of ms, got ${minMs}`,
      'bufferPeriod.minMs',
    );
  }
  if (!Number.isFinite(maxMs) || maxMs < 0) {
    throw invalid(
      `buffer period max must be a non-negative number of ms, got ${maxMs}`,
      'bufferPeriod.maxMs',
    );
  }
  if (maxMs < minMs) {
    throw invalid(
      `buffer period max (${maxMs}ms) must be greater than or equal to min (${minMs}ms)`,
      'bufferPeriod.maxMs',
    );
  }
  return { minMs, maxMs };
}

/** Throws EngineError('invalid') for an unknown trigger kind or a cron expression that does not parse. */
export function validateTriggers(triggers: readonly TaskTrigger[]): readonly TaskTrigger[] {
  if (!Array.isArray(triggers)) throw invalid('triggers must be an array', 'triggers');
  return triggers.map((trigger, index) => {
    switch (trigger?.kind) {
      case 'change':
        return { kind: 'change' };
      case 'cron':
        try {
          parseCronExpression(trigger.expression, { timezone: trigger.timezone ?? 'UTC' });
        } catch (error) {
          throw invalid(
            `triggers[${index}]: ${error instanceof Error ? error.message : String(error)}`,
            `triggers[${index}].expression`,
            error,
          );
        }
        return trigger.timezone === undefined
          ? { kind: 'cron', expression: trigger.expression }
          : { kind: 'cron', expression: trigger.expression, timezone: trigger.timezone };
      default:
        throw invalid(
          `triggers[${index}]: unknown trigger kind ${JSON.stringify((trigger as { kind?: unknown })?.kind)}`,
          `triggers[${index}].kind`,
        );
    }
  });
}

/** Throws EngineError('invalid') unless `dependsOn` is a list of other tasks' ids. */
export function validateDependsOn(taskId: string, dependsOn: readonly string[]): readonly string[] {
  if (!Array.isArray(dependsOn) || dependsOn.some((id) => typeof id !== 'string')) {
    throw invalid('dependsOn must be an array of task ids', 'dependsOn');
  }
  if (dependsOn.includes(taskId))
    throw invalid(`task ${taskId} cannot depend on itself`, 'dependsOn');
  return [...new Set(dependsOn)];
}
