/**
 * The Executor contract: how an execution's plan is built and its steps run.
 * The engine brings the order, concurrency, stops, timeouts and retries; the
 * executor brings the work.
 */

import type { Clock } from './clock.ts';
import type {
  Execution,
  ExecutionMode,
  PlanDefinition,
  StepState,
  Task,
  TriggerInfo,
} from './types.ts';

/** What `Executor.plan` is told. */
export interface PlanContext {
  readonly task: Task;
  readonly mode: ExecutionMode;
  readonly trigger: TriggerInfo;
  /** Aborts on stop or timeout; its `reason` says which. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** Finds another task (a dependency) by id, in the engine's store. */
  readonly lookupTask: (id: string) => Promise<Task | undefined>;
}

/** What `Executor.runStep` is told. */
export interface StepContext extends PlanContext {
  readonly execution: Readonly<Execution>;
  readonly step: Readonly<StepState>;
  /** 1 for the first try, 2 for the first retry… */
  readonly attempt: number;
}

/**
 * The work behind executions. `runStep` resolves with the step's output or
 * throws (synchronously or not) to fail the step. In `plan` mode it must not
 * change anything: it says what it would do.
 */
export interface Executor {
  /**
   * The plan: groups run in order, the steps of a group concurrently.
   * @default the task's transitive dependencies in levels, then the task itself
   */
  plan?(context: PlanContext): PlanDefinition | Promise<PlanDefinition>;
  runStep(context: StepContext): unknown;
}

/** An executor whose steps succeed at once with no output: the engine's default. */
export const NOOP_EXECUTOR: Executor = Object.freeze({ runStep: () => undefined });
