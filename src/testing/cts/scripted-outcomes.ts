/**
 * Outcomes a test scripts for a task's next runs: success or a failure
 * message, a duration on the engine's clock, and the plan text an inspect
 * answers with; and for its next driver initialisations, a failure.
 */

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
}

/** Per-task queues of scripted outcomes, and a default for runs nobody scripted. */
export class ScriptedOutcomes {
  readonly #queues = new Map<string, ScriptedOutcome[]>();
  #default: ScriptedOutcome = {};

  /** Queues outcomes for the next runs of `taskName`, inspects included, in order. */
  push(taskName: string, ...outcomes: ScriptedOutcome[]): void {
    const queue = this.#queues.get(taskName) ?? [];
    queue.push(...outcomes.map((outcome) => ({ ...outcome })));
    this.#queues.set(taskName, queue);
  }

  /** The outcome of every run that has none queued. */
  setDefault(outcome: ScriptedOutcome): void {
    this.#default = { ...outcome };
  }

  /** Takes the next run outcome for `taskName` (queued outcomes with `initError` stay queued). */
  take(taskName: string): ScriptedOutcome {
    return this.#takeFirst(taskName, (outcome) => outcome.initError === undefined) ?? this.#default;
  }

  /**
   * Takes the next initialisation outcome for `taskName`: the error of the
   * first queued outcome with `initError`, else the default's `initError`, else
   * undefined (the initialisation succeeds; nothing is taken).
   */
  takeInitError(taskName: string): string | undefined {
    const scripted = this.#takeFirst(taskName, (outcome) => outcome.initError !== undefined);
    return (scripted ?? this.#default).initError;
  }

  /** Outcomes still queued, by task. */
  pending(): Record<string, ScriptedOutcome[]> {
    return Object.fromEntries(
      [...this.#queues].map(([name, queue]) => [name, queue.map((outcome) => ({ ...outcome }))]),
    );
  }

  #takeFirst(
    taskName: string,
    matches: (outcome: ScriptedOutcome) => boolean,
  ): ScriptedOutcome | undefined {
    const queue = this.#queues.get(taskName);
    if (queue === undefined) return undefined;
    const index = queue.findIndex(matches);
    if (index < 0) return undefined;
    const [next] = queue.splice(index, 1);
    if (queue.length === 0) this.#queues.delete(taskName);
    return next;
  }

  /** Forgets every queue and the default. */
  clear(): void {
    this.#queues.clear();
    this.#default = {};
  }
}
