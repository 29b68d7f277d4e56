/**
 * The Ona part of the fake's control surface: what a test can do to the Ona
 * world beyond the public API (environments, automations.yaml seeding,
 * scripted outcomes, triggers).
 */

import type { OnaTaskExecution, TriggerName } from '../../api/ona/types.ts';
import type { AutomationsSeedResult } from './automations-file.ts';
import type { OnaEnvironment, OnaEnvironmentInput } from './environments.ts';
import type { OnaOutcome, ScriptedStepRun } from './scripted-executor.ts';

/** A trigger fired in an environment, and what it started. */
export interface FiredTrigger {
  readonly executions: OnaTaskExecution[];
  readonly failures: { readonly taskId: string; readonly code: string; readonly message: string }[];
}

/** What a test can do to the Ona world beyond the public API. */
export interface OnaControl {
  /** Adds an environment CreateTask then accepts. */
  createEnvironment(input?: OnaEnvironmentInput): OnaEnvironment;
  /** Removes an environment and its tasks; false if it did not exist. */
  deleteEnvironment(id: string): Promise<boolean>;
  environments(): OnaEnvironment[];
  /** Upserts an environment's tasks from an `automations.yaml` text. */
  seedAutomations(environmentId: string, yamlText: string): Promise<AutomationsSeedResult>;
  /** Queues outcomes for the next step runs of a task (its id or reference). */
  script(task: string, ...outcomes: OnaOutcome[]): void;
  /** The outcome of step runs nobody scripted. */
  setDefaultOutcome(outcome: OnaOutcome): void;
  /** Outcomes not used yet, by task. */
  pendingOutcomes(): Record<string, OnaOutcome[]>;
  /** The steps the scripted executor ran, oldest first. */
  stepRuns(): ScriptedStepRun[];
  /** Starts every task of the environment triggered by `trigger` (an environment start…). */
  fireTrigger(environmentId: string, trigger: TriggerName): FiredTrigger;
  /** Stops every execution, forgets every task, execution, environment and script. */
  reset(): Promise<void>;
}
