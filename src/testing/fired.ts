/**
 * What fired while the fake's clock advanced: the triggers that came due
 * (buffer periods ending, cron ticks) and what became of them, the runs that
 * started or finished, and the requests sent to run tasks. `advance()` and
 * `POST /_taskport/clock/advance` answer with it, so a test sees at once
 * what a jump in time did instead of polling each dialect afterwards.
 *
 * Each world reports its own part (`FakeWorld.watchFired`); the engine-based
 * worlds (cts, ona) share {@link watchEngine}.
 */

import type { Engine } from '../engine/engine.ts';
import type { SkipReason } from '../engine/events.ts';
import type { Execution, ExecutionMode, Phase, TriggerKind } from '../engine/types.ts';

/** A trigger that fired, and whether it started a run, joined one, or was skipped. */
export interface TriggerFired {
  readonly dialect: string;
  readonly taskId: string;
  readonly kind: TriggerKind;
  readonly result: 'started' | 'coalesced' | 'skipped';
  /** Why it was skipped (`active`, `disabled`, …). */
  readonly reason?: SkipReason;
  /** The run it started. */
  readonly executionId?: string;
  readonly atMs: number;
}

/** A run that started or finished, as it stands when the advance ends. */
export interface RunFired {
  readonly dialect: string;
  readonly taskId: string;
  readonly executionId: string;
  /** `apply`, or `plan` for an inspection. */
  readonly mode: ExecutionMode;
  readonly trigger: TriggerKind;
  readonly phase: Phase;
  readonly startedAtMs: number | null;
  readonly finishedAtMs: number | null;
  readonly failureMessage: string | null;
}

/** A request sent to a run task (the whole record: `GET /_taskport/tfc/webhooks`). */
export interface WebhookSent {
  readonly dialect: string;
  readonly id: number;
  readonly kind: string;
  readonly taskId: string | null;
  readonly resultId: string | null;
  readonly url: string;
  readonly attempt: number;
  readonly sentAtMs: number;
}

/** Everything that fired during one advance, oldest first within each list. */
export interface Fired {
  readonly triggers: TriggerFired[];
  readonly runs: RunFired[];
  readonly webhooks: WebhookSent[];
}

/** One world's part of {@link Fired}, collected from start until `stop()`. */
export interface FiredWatch {
  stop(): Partial<Fired>;
}

function runView(dialect: string, execution: Execution): RunFired {
  return {
    dialect,
    taskId: execution.taskId,
    executionId: execution.id,
    mode: execution.mode,
    trigger: execution.trigger.kind,
    phase: execution.phase,
    startedAtMs: execution.startedAtMs ?? null,
    finishedAtMs: execution.finishedAtMs ?? null,
    failureMessage: execution.failureMessage ?? null,
  };
}

/** Watches an engine's events: every trigger and run from now until `stop()`. */
export function watchEngine(engine: Engine, dialect: string): FiredWatch {
  const now = (): number => engine.clock.now();
  const triggers: TriggerFired[] = [];
  const runs = new Map<string, Execution>();
  const onQueued = (execution: Execution): void => {
    triggers.push({
      dialect,
      taskId: execution.taskId,
      kind: execution.trigger.kind,
      result: 'started',
      executionId: execution.id,
      atMs: now(),
    });
  };
  const onCoalesced = (taskId: string, kind: TriggerKind): void => {
    triggers.push({ dialect, taskId, kind, result: 'coalesced', atMs: now() });
  };
  const onSkipped = (taskId: string, kind: TriggerKind, reason: SkipReason): void => {
    triggers.push({ dialect, taskId, kind, result: 'skipped', reason, atMs: now() });
  };
  // The live execution: read when the advance ends, so its phase is the latest.
  const onRun = (execution: Execution): void => {
    runs.set(execution.id, execution);
  };
  const { events } = engine;
  events.on('execution:queued', onQueued);
  events.on('trigger:coalesced', onCoalesced);
  events.on('trigger:skipped', onSkipped);
  events.on('execution:started', onRun);
  events.on('execution:finished', onRun);
  return {
    stop() {
      events.off('execution:queued', onQueued);
      events.off('trigger:coalesced', onCoalesced);
      events.off('trigger:skipped', onSkipped);
      events.off('execution:started', onRun);
      events.off('execution:finished', onRun);
      return { triggers, runs: [...runs.values()].map((run) => runView(dialect, run)) };
    },
  };
}

/** Joins the worlds' parts, each list in the order the worlds were watched. */
export function joinFired(parts: readonly Partial<Fired>[]): Fired {
  return {
    triggers: parts.flatMap((part) => part.triggers ?? []),
    runs: parts.flatMap((part) => part.runs ?? []),
    webhooks: parts.flatMap((part) => part.webhooks ?? []),
  };
}
