/**
 * Outcomes a test scripts for a task's next runs: success or a failure
 * message, a duration on the engine's clock, and the plan text an inspect
 * answers with; and for its next driver initialisations, a failure.
 */

import { OutcomeScript } from '../outcome-script.ts';

/**
 * One scripted run, or (with `initError`) one scripted driver initialisation.
 * Absent fields fall back to what the Terraform model computes.
 */
export interface ScriptedOutcome {
  /**
   * Makes the task's next driver initialisation fail with this Terraform
   * error, as `terraform init` (or validate) failing, a local module missing
   * on the instance, …. CTS reports it as `error tf-init for '<task>': <initError>`.
   *
   * The driver is initialised when a task is created: `POST /v1/tasks` in
   * every run mode, disabled tasks included (500 with that message; 400 with
   * `run=inspect`; the task is not created), and a CTS Enterprise leader's
   * catch-up pass, which re-creates every stored task (research/cts-ha.md
   * §4.2): there the failure is only logged; the task gets no event, stays
   * listed with its stored status, never runs on that leader, and `PATCH`
   * answers 500 `task <name> does not exist to run` (checklist item 25c).
   * Enabling a disabled task through `PATCH` (which re-initialises it in CTS)
   * takes no init outcome.
   *
   * An outcome with `initError` scripts an initialisation, not a run: runs
   * pass over it and initialisations pass over outcomes without it, so each
   * kind is taken in the order it was queued. Its other fields are ignored.
   */
  readonly initError?: string;
  /** @default true */
  readonly success?: boolean;
  /** Terraform's error for a failed run; the driver reports it as `error tf-apply for '<task>': <error>` (`tf-plan` for inspects). @default 'terraform apply failed' */
  readonly error?: string;
  /** How long the run takes, in ms of the engine's clock. @default 0 */
  readonly durationMs?: number;
  /** The plan text, instead of the model's. */
  readonly plan?: string;
  /** `changes_present`, instead of the model's. */
  readonly changesPresent?: boolean;
  /**
   * The kind of run the outcome is for: `apply` (a run of the task) or
   * `inspect` (`?run=inspect`, a plan that applies nothing). Runs of the
   * other kind pass over it, queued or default. @default both
   */
  readonly mode?: ScriptedRunMode;
}

/** The kind of run an outcome is for: `apply` (a run) or `inspect` (`?run=inspect`, a plan only). */
export type ScriptedRunMode = 'apply' | 'inspect';

/** A copy of `outcome`, refused (TypeError) unless it is an object with a known `mode`. */
export function checkScriptedOutcome(outcome: ScriptedOutcome): ScriptedOutcome {
  if (typeof outcome !== 'object' || outcome === null || Array.isArray(outcome)) {
    throw new TypeError(`Expected an outcome to be an object, got ${JSON.stringify(outcome)}`);
  }
  const { mode } = outcome as { mode?: unknown };
  if (mode !== undefined && mode !== 'apply' && mode !== 'inspect') {
    throw new TypeError(
      `Expected \`mode\` to be 'apply' or 'inspect', got ${JSON.stringify(mode)}`,
    );
  }
  return { ...outcome };
}

/** Whether `outcome` is for runs of `mode` (an outcome without `mode` is for both). */
function isFor(outcome: ScriptedOutcome, mode: ScriptedRunMode): boolean {
  return outcome.mode === undefined || outcome.mode === mode;
}

/**
 * Per-task queues of scripted outcomes, per-task defaults, and a default for
 * runs nobody scripted. A run takes the first outcome queued for its task
 * and its mode, else its task's default, else the default (each only if it
 * is for its mode), else the model's plain success.
 */
export class ScriptedOutcomes {
  readonly #script = new OutcomeScript<ScriptedOutcome>({}, checkScriptedOutcome);

  /** Queues outcomes for the next runs of `taskName`, in order. */
  push(taskName: string, ...outcomes: ScriptedOutcome[]): void {
    this.#script.push(taskName, outcomes);
  }

  /** Replaces the queue of `taskName`; with none, empties it. */
  replace(taskName: string, ...outcomes: ScriptedOutcome[]): void {
    this.#script.replace(taskName, outcomes);
  }

  /** Empties the queue of `taskName`; false if it had none. */
  clearQueue(taskName: string): boolean {
    return this.#script.clearQueue(taskName);
  }

  /** The outcome of every run that has none queued. */
  setDefault(outcome: ScriptedOutcome): void {
    this.#script.setDefault(outcome);
  }

  /** The outcome of runs nobody scripted. */
  get default(): ScriptedOutcome {
    return { ...this.#script.default };
  }

  /** The outcome of the runs of `taskName` that have none queued, until changed. */
  setTaskDefault(taskName: string, outcome: ScriptedOutcome): void {
    this.#script.setTaskDefault(taskName, outcome);
  }

  /** Forgets the default of `taskName`; false if it had none. */
  clearTaskDefault(taskName: string): boolean {
    return this.#script.clearTaskDefault(taskName);
  }

  /** The task defaults, by task. */
  taskDefaults(): Record<string, ScriptedOutcome> {
    return this.#script.taskDefaults();
  }

  /**
   * Takes the next outcome of a run of `taskName` in `mode` (queued outcomes
   * with `initError`, or for the other mode, stay queued).
   */
  take(taskName: string, mode: ScriptedRunMode = 'apply'): ScriptedOutcome {
    const queued = this.#script.takeQueued(
      taskName,
      (outcome) => outcome.initError === undefined && isFor(outcome, mode),
    );
    if (queued !== undefined) return queued;
    for (const standing of [this.#script.taskDefault(taskName), this.#script.default]) {
      if (standing !== undefined && isFor(standing, mode)) return standing;
    }
    return {};
  }

  /**
   * Takes the next initialisation outcome for `taskName`: the error of the
   * first queued outcome with `initError`, else the task default's, else the
   * default's `initError`, else undefined (the initialisation succeeds;
   * nothing is taken).
   */
  takeInitError(taskName: string): string | undefined {
    const scripted = this.#script.takeQueued(
      taskName,
      (outcome) => outcome.initError !== undefined,
    );
    return (scripted ?? this.#script.taskDefault(taskName) ?? this.#script.default).initError;
  }

  /** Outcomes still queued, by task. */
  pending(): Record<string, ScriptedOutcome[]> {
    return this.#script.pending();
  }

  /** Forgets every queue, every task default and the default. */
  clear(): void {
    this.#script.clear();
  }
}
