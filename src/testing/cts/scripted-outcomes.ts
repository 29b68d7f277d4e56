/**
 * Outcomes a test scripts for a task's next runs: success or a failure
 * message, a duration on the engine's clock, and the plan text an inspect
 * answers with.
 */

/** One scripted run. Absent fields fall back to what the Terraform model computes. */
export interface ScriptedOutcome {
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

  /** Takes the next outcome for `taskName`. */
  take(taskName: string): ScriptedOutcome {
    const queue = this.#queues.get(taskName);
    const next = queue?.shift();
    if (queue !== undefined && queue.length === 0) this.#queues.delete(taskName);
    return next ?? this.#default;
  }

  /** Outcomes still queued, by task. */
  pending(): Record<string, ScriptedOutcome[]> {
    return Object.fromEntries(
      [...this.#queues].map(([name, queue]) => [name, queue.map((outcome) => ({ ...outcome }))]),
    );
  }

  /** Forgets every queue and the default. */
  clear(): void {
    this.#queues.clear();
    this.#default = {};
  }
}
