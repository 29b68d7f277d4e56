/**
 * The fake's default step executor: each step takes the next outcome scripted
 * for its task — succeed, fail with a message, take a while on the engine's
 * clock, or hang until stopped — and records what ran.
 */

import type { OnaStepExecutor, OnaStepRun } from '../../api/ona/ona-engine.ts';
import { sleep } from '../../engine/clock.ts';
import { OutcomeScript } from '../outcome-script.ts';

/** One scripted step run. */
export type OnaOutcome =
  | {
      readonly kind: 'succeed';
      /** How long the step runs, ms of the engine's clock. @default 0 */
      readonly durationMs?: number;
      /** The step's `output`. */
      readonly output?: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'fail';
      /** The step's `failureMessage`. @default {@link DEFAULT_FAILURE_MESSAGE} */
      readonly message?: string;
      /** @default 0 */
      readonly durationMs?: number;
    }
  /** Runs until the execution is stopped (or times out). */
  | { readonly kind: 'hang' };

/** The failure message of a `fail` outcome without one. */
export const DEFAULT_FAILURE_MESSAGE = 'task failed';

/** A step the executor ran, and the outcome it took. */
export interface ScriptedStepRun {
  readonly executionId: string;
  readonly stepId: string;
  readonly taskId: string;
  readonly reference: string;
  readonly command: string;
  readonly outcome: OnaOutcome;
  readonly startedAtMs: number;
}

const SUCCEED: OnaOutcome = Object.freeze({ kind: 'succeed' });

function checkOutcome(outcome: OnaOutcome): OnaOutcome {
  const kind = (outcome as { kind?: unknown } | undefined)?.kind;
  if (kind !== 'succeed' && kind !== 'fail' && kind !== 'hang') {
    throw new TypeError(
      `Expected an outcome with \`kind\` 'succeed', 'fail' or 'hang', got ${JSON.stringify(kind)}`,
    );
  }
  const durationMs = (outcome as { durationMs?: unknown }).durationMs;
  if (durationMs !== undefined && !(typeof durationMs === 'number' && durationMs >= 0)) {
    throw new TypeError(
      `Expected \`durationMs\` to be a non-negative number, got ${JSON.stringify(durationMs)}`,
    );
  }
  return { ...outcome };
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * Per-task queues of outcomes and per-task defaults (by task id or
 * reference), and a default. A step takes the first outcome queued for its
 * task's id, else for its reference, else the task default of its id, else
 * of its reference, else the default.
 */
export class ScriptedOnaExecutor implements OnaStepExecutor {
  readonly #script = new OutcomeScript<OnaOutcome>(SUCCEED, checkOutcome);
  readonly #runs: ScriptedStepRun[] = [];

  /**
   * Queues outcomes for the next step runs of a task, named by its id or
   * its reference (an id queue is used before a reference queue).
   */
  push(task: string, ...outcomes: OnaOutcome[]): void {
    this.#script.push(task, outcomes);
  }

  /** Replaces the queue of a task (its id or reference); with none, empties it. */
  replace(task: string, ...outcomes: OnaOutcome[]): void {
    this.#script.replace(task, outcomes);
  }

  /** Empties the queue of a task; false if it had none. */
  clearQueue(task: string): boolean {
    return this.#script.clearQueue(task);
  }

  /** The outcome of runs nobody scripted. @default succeed at once */
  setDefault(outcome: OnaOutcome): void {
    this.#script.setDefault(outcome);
  }

  /** The outcome of runs nobody scripted. */
  get default(): OnaOutcome {
    return { ...this.#script.default };
  }

  /** The outcome of a task's step runs that have none queued, until changed. */
  setTaskDefault(task: string, outcome: OnaOutcome): void {
    this.#script.setTaskDefault(task, outcome);
  }

  /** Forgets a task's default; false if it had none. */
  clearTaskDefault(task: string): boolean {
    return this.#script.clearTaskDefault(task);
  }

  /** The task defaults, by task. */
  taskDefaults(): Record<string, OnaOutcome> {
    return this.#script.taskDefaults();
  }

  /** Outcomes still queued, by task. */
  pending(): Record<string, OnaOutcome[]> {
    return this.#script.pending();
  }

  /** The steps run so far, oldest first. */
  runs(): ScriptedStepRun[] {
    return [...this.#runs];
  }

  /** Forgets queues, task defaults, runs and the default. */
  clear(): void {
    this.#script.clear();
    this.#runs.length = 0;
  }

  #take(run: OnaStepRun): OnaOutcome {
    const keys = [run.taskId, run.reference];
    for (const key of keys) {
      const next = this.#script.takeQueued(key);
      if (next !== undefined) return next;
    }
    for (const key of keys) {
      const standing = this.#script.taskDefault(key);
      if (standing !== undefined) return standing;
    }
    return this.#script.default;
  }

  async runStep(run: OnaStepRun): Promise<unknown> {
    const outcome = this.#take(run);
    this.#runs.push({
      executionId: run.executionId,
      stepId: run.stepId,
      taskId: run.taskId,
      reference: run.reference,
      command: run.spec.command ?? '',
      outcome,
      startedAtMs: run.clock.now(),
    });
    if (outcome.kind === 'hang') return untilAborted(run.signal);
    if (outcome.durationMs !== undefined && outcome.durationMs > 0) {
      await sleep(run.clock, outcome.durationMs, run.signal);
    }
    if (outcome.kind === 'fail') throw new Error(outcome.message ?? DEFAULT_FAILURE_MESSAGE);
    return outcome.output === undefined ? undefined : { ...outcome.output };
  }
}
