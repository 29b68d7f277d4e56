/**
 * The bookkeeping of scripted outcomes, shared by the dialects whose fake
 * scripts its runs (cts's task runs, ona's step runs): per task, a queue of
 * the next outcomes and a task default that holds from now on until changed;
 * and one default for every task. Which of them a run takes is each
 * dialect's rule (`take…` in its executor); this class only keeps them.
 */

/** The control operations on one task's script, the same in every dialect that has one. */
export interface TaskOutcomeControl<Outcome> {
  /** Replaces the queue of a task's next outcomes; with none, empties it. */
  replaceScript(task: string, ...outcomes: Outcome[]): void;
  /** Empties a task's queue; false if it had nothing queued. */
  clearScript(task: string): boolean;
  /**
   * The outcome of the task's runs that find nothing queued for them, from
   * now on until changed: it comes before the default of every task.
   */
  setTaskDefaultOutcome(task: string, outcome: Outcome): void;
  /** Forgets a task's default; false if it had none. */
  clearTaskDefaultOutcome(task: string): boolean;
  /** Every task default, by task. */
  taskDefaultOutcomes(): Record<string, Outcome>;
  /** The outcome of runs nobody scripted. */
  defaultOutcome(): Outcome;
  /** Outcomes queued and not used yet, by task. */
  pendingOutcomes(): Record<string, Outcome[]>;
}

/** Per-task queues and defaults, and a default for every task. */
export class OutcomeScript<Outcome> {
  readonly #queues = new Map<string, Outcome[]>();
  readonly #taskDefaults = new Map<string, Outcome>();
  readonly #initialDefault: Outcome;
  /** Checks an outcome and copies it, so that a caller's later changes do not reach it. */
  readonly #check: (outcome: Outcome) => Outcome;
  #default: Outcome;

  constructor(initialDefault: Outcome, check: (outcome: Outcome) => Outcome) {
    this.#initialDefault = initialDefault;
    this.#default = initialDefault;
    this.#check = check;
  }

  /** Queues outcomes after those already queued for `task`. */
  push(task: string, outcomes: readonly Outcome[]): void {
    const checked = outcomes.map(this.#check);
    if (checked.length === 0) return;
    const queue = this.#queues.get(task) ?? [];
    queue.push(...checked);
    this.#queues.set(task, queue);
  }

  /** Replaces `task`'s queue (checked first, so a bad outcome changes nothing). */
  replace(task: string, outcomes: readonly Outcome[]): void {
    const checked = outcomes.map(this.#check);
    if (checked.length === 0) this.#queues.delete(task);
    else this.#queues.set(task, checked);
  }

  /** Empties `task`'s queue; false if it had none. */
  clearQueue(task: string): boolean {
    return this.#queues.delete(task);
  }

  /** Takes the first queued outcome of `task` that `matches`, if any. */
  takeQueued(
    task: string,
    matches: (outcome: Outcome) => boolean = () => true,
  ): Outcome | undefined {
    const queue = this.#queues.get(task);
    if (queue === undefined) return undefined;
    const index = queue.findIndex(matches);
    if (index < 0) return undefined;
    const [next] = queue.splice(index, 1);
    if (queue.length === 0) this.#queues.delete(task);
    return next;
  }

  setTaskDefault(task: string, outcome: Outcome): void {
    this.#taskDefaults.set(task, this.#check(outcome));
  }

  clearTaskDefault(task: string): boolean {
    return this.#taskDefaults.delete(task);
  }

  /** `task`'s default, if it has one. */
  taskDefault(task: string): Outcome | undefined {
    return this.#taskDefaults.get(task);
  }

  setDefault(outcome: Outcome): void {
    this.#default = this.#check(outcome);
  }

  /** The default of every task. */
  get default(): Outcome {
    return this.#default;
  }

  /** Copies of the queues, by task. */
  pending(): Record<string, Outcome[]> {
    return Object.fromEntries(
      [...this.#queues].map(([task, queue]) => [task, queue.map((outcome) => ({ ...outcome }))]),
    );
  }

  /** Copies of the task defaults, by task. */
  taskDefaults(): Record<string, Outcome> {
    return Object.fromEntries(
      [...this.#taskDefaults].map(([task, outcome]) => [task, { ...outcome }]),
    );
  }

  /** Forgets every queue and task default, and restores the initial default. */
  clear(): void {
    this.#queues.clear();
    this.#taskDefaults.clear();
    this.#default = this.#initialDefault;
  }
}
