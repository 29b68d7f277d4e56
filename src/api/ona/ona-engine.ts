/**
 * The Ona dialect on the generic engine: `createOnaEngine` wraps an
 * {@link OnaStepExecutor} into an engine Executor whose plan is the one
 * StartTask computed (and already answered with), so the engine runs exactly
 * the groups and step ids the client saw.
 */

import type { Clock } from '../../engine/clock.ts';
import { createEngine, type Engine } from '../../engine/engine.ts';
import type { Executor, StepContext } from '../../engine/executor.ts';
import { MemoryStore } from '../../engine/memory-store.ts';
import type { EngineOptions } from '../../engine/options.ts';
import type { Execution, PlanDefinition } from '../../engine/types.ts';
import type { RunsOnaPlans } from './port.ts';
import { createOnaState, ONA_STATE, type OnaState, storeExecution } from './state.ts';
import { boundedStepOutput } from './step-output.ts';
import type { TaskSpec } from './types.ts';

/** What an {@link OnaStepExecutor} is told about one step. */
export interface OnaStepRun {
  readonly executionId: string;
  /** The plan step's id. */
  readonly stepId: string;
  /** The task this step runs (the started task or one of its dependencies). */
  readonly taskId: string;
  readonly environmentId: string;
  readonly reference: string;
  readonly label: string;
  /** A copy of the task's spec taken at StartTask. */
  readonly spec: TaskSpec;
  /** Aborts when the execution is stopped or times out. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** 1 for the first try. */
  readonly attempt: number;
}

/**
 * The work behind an Ona task step. Resolve with the step's `output`
 * (string values; other results are ignored) or throw to fail the step with
 * the error's message.
 */
export interface OnaStepExecutor {
  runStep(run: OnaStepRun): unknown;
}

/** An executor whose steps succeed at once. */
export const NOOP_ONA_EXECUTOR: OnaStepExecutor = Object.freeze({ runStep: () => undefined });

/** Options of {@link createOnaEngine}: the engine's, with an Ona step executor. */
export interface OnaEngineOptions extends Omit<EngineOptions, 'executor'> {
  /** @default steps succeed at once */
  readonly executor?: OnaStepExecutor;
}

/** An engine from {@link createOnaEngine}: one that runs the plans StartTask builds. */
export type OnaEngine = Engine & RunsOnaPlans;

/** @internal What a step of a started plan carries through the engine. */
export interface OnaStepPayload {
  readonly stepId: string;
  readonly taskId: string;
  readonly environmentId: string;
  readonly reference: string;
  readonly label: string;
  readonly spec: TaskSpec;
}

/** @internal The spec of the engine task an execution runs as. */
export interface OnaRunSpec {
  readonly kind: 'ona.run';
  readonly plan: PlanDefinition;
}

function isRunSpec(spec: unknown): spec is OnaRunSpec {
  return (spec as { kind?: unknown } | undefined)?.kind === 'ona.run';
}

/** @internal Wraps a step executor into an engine executor that runs StartTask's plans. */
export function onaEngineExecutor(steps: OnaStepExecutor): Executor {
  if (typeof steps?.runStep !== 'function') {
    throw new TypeError(
      `Expected \`executor\` to be an OnaStepExecutor with a runStep function, got ${String(steps)} (${typeof steps})`,
    );
  }
  return {
    plan({ task }) {
      if (!isRunSpec(task.spec)) {
        throw new Error(
          'taskport: this engine runs Ona executions only; start tasks through the Ona API.',
        );
      }
      return task.spec.plan;
    },
    runStep(context: StepContext) {
      const payload = context.step.payload as OnaStepPayload;
      const output = steps.runStep({
        ...payload,
        executionId: context.task.id,
        signal: context.signal,
        clock: context.clock,
        attempt: context.attempt,
      });
      // Kept with the execution: cut to the API's bounds now.
      return Promise.resolve(output).then(boundedStepOutput);
    },
  };
}

/**
 * Whether `engine` runs Ona plans (it was made by {@link createOnaEngine}).
 * For JavaScript callers: TypeScript already refuses another engine where
 * an {@link OnaEngine} is expected.
 */
export function isOnaEngine(engine: Engine): engine is OnaEngine {
  return (engine as Partial<RunsOnaPlans>).runsOnaPlans === true;
}

/**
 * An engine for the Ona API.
 *
 * @example
 * import { createOnaEngine, onaApi } from 'taskport/ona';
 *
 * const engine = createOnaEngine({ executor: { runStep: ({ spec }) => run(spec.command) } });
 * const app = new Hono().route('/api', onaApi({ engine }));
 */
export function createOnaEngine(options: OnaEngineOptions = {}): OnaEngine {
  const { executor = NOOP_ONA_EXECUTOR, store = new MemoryStore(), ...rest } = options;
  const engine = createEngine({ ...rest, store, executor: onaEngineExecutor(executor) });
  // Set on the instance, read-only: the executor it was built with is not
  // part of the engine's contract any more, so the engine carries the claim.
  Object.defineProperty(engine, 'runsOnaPlans', { value: true });
  // The Ona records live in the same store as the engine's tasks.
  const state = createOnaState(store);
  Object.defineProperty(engine, ONA_STATE, { value: state });
  const changed = (execution: Execution): void => storeRun(state, execution);
  engine.events.on('execution:started', changed);
  engine.events.on('execution:step', changed);
  engine.events.on('execution:finished', changed);
  return engine as OnaEngine;
}

/** An execution's run changed: its record (the run's task id is the execution's id) is stored again. */
function storeRun(state: OnaState, execution: Execution): void {
  const record = state.executions.get(execution.taskId);
  if (record !== undefined && record.run === execution) storeExecution(state, record);
}
