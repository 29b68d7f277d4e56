/**
 * One attempt at an execution's plan: groups in order, the steps of a group
 * concurrently (up to a limit), each step's phase, times, output and failure.
 */

import pLimit from 'p-limit';
import { messageOf, untilAborted } from './abortable.ts';
import type { Clock } from './clock.ts';
import { ExecutionStoppedError } from './errors.ts';
import type { EngineEvents } from './events.ts';
import type { Executor, PlanContext } from './executor.ts';
import type { Execution, PlanDefinition, StepState } from './types.ts';

/** What an attempt needs from the runner. */
export interface PlanAttemptDependencies {
  readonly executor: Executor;
  readonly clock: Clock;
  readonly events: EngineEvents;
  /** Steps of one group running at once. */
  readonly stepConcurrency: number;
}

/** The step states of a plan, all pending. */
export function stepStatesOf(plan: PlanDefinition): StepState[] {
  return plan.flatMap((group, groupIndex) =>
    group.map(
      (step): StepState => ({
        id: step.id,
        name: step.name ?? step.id,
        group: groupIndex,
        payload: step.payload,
        phase: 'pending',
        startedAtMs: undefined,
        finishedAtMs: undefined,
        failureMessage: undefined,
        output: undefined,
      }),
    ),
  );
}

/**
 * Runs every group in order; returns the first failure message, if any. A
 * failure lets its group finish and skips the groups after it.
 */
export async function runPlanAttempt(
  deps: PlanAttemptDependencies,
  execution: Execution,
  context: PlanContext,
  groupCount: number,
  attempt: number,
): Promise<string | undefined> {
  for (const step of execution.steps) resetStep(step);
  // Without a step limit, p-limit would only add a queue per plan.
  const limit: (work: () => Promise<string | undefined>) => Promise<string | undefined> =
    Number.isFinite(deps.stepConcurrency) ? pLimit(deps.stepConcurrency) : (work) => work();
  let failure: string | undefined;
  for (let group = 0; group < groupCount; group++) {
    const steps = execution.steps.filter((step) => step.group === group);
    if (failure !== undefined || context.signal.aborted) {
      for (const step of steps) markStep(deps, execution, step, 'skipped');
      continue;
    }
    const results = await Promise.all(
      steps.map((step) => limit(() => runStep(deps, execution, context, step, attempt))),
    );
    failure = results.find((result) => result !== undefined);
  }
  if (execution.steps.length === 1) execution.output = execution.steps[0]?.output;
  return failure;
}

async function runStep(
  deps: PlanAttemptDependencies,
  execution: Execution,
  context: PlanContext,
  step: StepState,
  attempt: number,
): Promise<string | undefined> {
  if (context.signal.aborted) {
    markStep(deps, execution, step, 'skipped');
    return undefined;
  }
  step.startedAtMs = deps.clock.now();
  markStep(deps, execution, step, 'running');
  try {
    step.output = await untilAborted(
      () => deps.executor.runStep({ ...context, execution, step, attempt }),
      context.signal,
    );
    step.finishedAtMs = deps.clock.now();
    markStep(deps, execution, step, 'succeeded');
    return undefined;
  } catch (error) {
    step.finishedAtMs = deps.clock.now();
    if (context.signal.aborted) {
      step.failureMessage = messageOf(context.signal.reason);
      const stopped = context.signal.reason instanceof ExecutionStoppedError;
      markStep(deps, execution, step, stopped ? 'stopped' : 'failed');
      return step.failureMessage;
    }
    step.failureMessage = messageOf(error);
    markStep(deps, execution, step, 'failed');
    return step.failureMessage;
  }
}

function resetStep(step: StepState): void {
  step.phase = 'pending';
  step.startedAtMs = undefined;
  step.finishedAtMs = undefined;
  step.failureMessage = undefined;
  step.output = undefined;
}

function markStep(
  deps: PlanAttemptDependencies,
  execution: Execution,
  step: StepState,
  phase: StepState['phase'],
): void {
  step.phase = phase;
  execution.statusVersion++;
  deps.events.emit('execution:step', execution, step);
}
