/**
 * CTS's policies on the generic engine: 5 events per task, retries on
 * trigger runs only, which runs become events and with what message, and the
 * mapping from a finalized CTS task to an engine task.
 */

import { createEngine, type Engine } from '../../engine/engine.ts';
import type { EngineOptions } from '../../engine/options.ts';
import type { RetryPolicy } from '../../engine/retry.ts';
import type { EventPolicy } from '../../engine/status-tracker.ts';
import type { Execution, TaskInput } from '../../engine/types.ts';
import { DEFAULT_BUFFER_PERIOD, effectiveBufferPeriod } from './buffer-period.ts';
import { retryAttemptMessage } from './messages.ts';
import { ctsRunOutputOf } from './run-output.ts';
import type { EffectiveBufferPeriod, TaskConfig } from './types.ts';

/** The engine scope CTS tasks live in. */
export const CTS_SCOPE = 'cts';

/** CTS keeps the 5 newest events per task (`state/event_storage.go` `defaultEventCountLimit`). */
export const CTS_EVENT_LIMIT = 5;

/**
 * CTS's retry of runs from its monitor loop (`controller/condition_monitor.go`,
 * `retry.go`): one try and two retries, waiting 2^n s plus up to 50 % jitter,
 * capped at 15 minutes; manual and once-mode runs are not retried.
 */
export const CTS_RETRY_POLICY: RetryPolicy = Object.freeze({
  attempts: 3,
  baseDelayMs: 1_000,
  factor: 2,
  jitterRatio: 0.5,
  maxDelayMs: 15 * 60_000,
  appliesTo: Object.freeze(['change', 'cron'] as const),
});

/** The deprecated `config` an event carries (`state/event/event.go`). */
export interface CtsEventConfig {
  readonly providers: string[];
  readonly services: string[];
  readonly source: string;
}

/** The event `config` of a task: its providers, no deprecated services, its module. */
export function eventConfigOf(config: TaskConfig): CtsEventConfig {
  return { providers: [...config.providers], services: [], source: config.module };
}

/**
 * The error an event keeps for a failed execution: the driver's error as is
 * (`checkApply` stores `storedErr`, not the "could not apply changes" wrapper
 * it returns). A retried run reports only its retries, newest first, as CTS's
 * `retry.Do` wraps them (the first try's error is dropped):
 * `retry attempt #2 failed '…': retry attempt #1 failed '…'`.
 */
export function eventFailureMessage(execution: Execution): string | undefined {
  const failures = execution.attempts.map((attempt) => attempt.failureMessage);
  if (execution.attempts.length <= 1) return failures[0] ?? execution.failureMessage;
  return failures
    .slice(1)
    .map((message, index) => retryAttemptMessage(index + 1, message ?? ''))
    .reverse()
    .join(': ');
}

/**
 * Which runs become events (research/cts.md §5.1): stopped runs never; a
 * change-triggered run whose plan had no changes records nothing (the
 * template did not re-render); everything else records one event.
 */
export const ctsEventPolicy: EventPolicy = (execution, task) => {
  if (execution.phase === 'stopped') return undefined;
  const config = task.spec as TaskConfig;
  if (
    execution.trigger.kind === 'change' &&
    execution.phase === 'succeeded' &&
    !ctsRunOutputOf(execution.output).changesPresent
  ) {
    return undefined;
  }
  return {
    details: eventConfigOf(config),
    failureMessage: eventFailureMessage(execution),
  };
};

/** Options of {@link createCtsEngine}: the engine's, with CTS's policies as defaults. */
export type CtsEngineOptions = EngineOptions;

/** An engine with CTS's policies: 5 events, CTS's retry, CTS's event policy. */
export function createCtsEngine(options: CtsEngineOptions = {}): Engine {
  return createEngine({
    historyLimit: CTS_EVENT_LIMIT,
    retry: CTS_RETRY_POLICY,
    eventPolicy: ctsEventPolicy,
    ...options,
  });
}

/** Options of {@link toEngineTask}. */
export interface ToEngineTaskOptions {
  /** The daemon's global buffer period. @default enabled, 5 s, 20 s */
  readonly globalBufferPeriod?: EffectiveBufferPeriod;
  /** The zone cron fields are read in. @default 'UTC' */
  readonly timezone?: string;
}

/**
 * The engine task of a finalized CTS task. Its id is its name (CTS keys tasks
 * by name). A schedule condition becomes a cron trigger, any other a change
 * trigger. The buffer period is attached only if the task is enabled when
 * added, as `TasksManager.addTask` does; a task enabled later never buffers.
 */
export function toEngineTask(
  config: TaskConfig,
  options: ToEngineTaskOptions = {},
): TaskInput<TaskConfig> {
  const { schedule } = config.condition;
  const effective = effectiveBufferPeriod(
    config.buffer_period,
    options.globalBufferPeriod ?? DEFAULT_BUFFER_PERIOD,
    { schedule: schedule !== undefined },
  );
  const hasCondition = Object.keys(config.condition).length > 0;
  return {
    id: config.name,
    name: config.name,
    scope: CTS_SCOPE,
    enabled: config.enabled,
    spec: config,
    triggers:
      schedule !== undefined
        ? [{ kind: 'cron', expression: schedule.cron, timezone: options.timezone ?? 'UTC' }]
        : hasCondition
          ? [{ kind: 'change' }]
          : [],
    bufferPeriod:
      effective.enabled && config.enabled
        ? { minMs: effective.minMs, maxMs: effective.maxMs }
        : undefined,
  };
}
