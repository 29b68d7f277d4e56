/**
 * What a CTS task's executor answers for one run: the contract between the
 * CTS routes (inspect answers, the event policy) and whatever does the work
 * (the fake's Terraform model, or a user's own executor).
 */

/** The output of a CTS run step. */
export interface CtsRunOutput {
  /** Whether the plan had changes (`changes_present`). */
  readonly changesPresent: boolean;
  /** The plan text (`plan`), Terraform's output for inspect. */
  readonly plan: string;
}

/** Reads a step output as a {@link CtsRunOutput}, tolerating executors that return nothing. */
export function ctsRunOutputOf(output: unknown): CtsRunOutput {
  if (typeof output === 'object' && output !== null) {
    const candidate = output as Partial<CtsRunOutput>;
    return {
      changesPresent: candidate.changesPresent === true,
      plan: typeof candidate.plan === 'string' ? candidate.plan : '',
    };
  }
  return { changesPresent: false, plan: '' };
}
