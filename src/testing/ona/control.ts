/**
 * The Ona part of the fake's control surface: what a test can do to the Ona
 * world beyond the public API (environments, automations.yaml seeding,
 * scripted outcomes, triggers).
 */

import type { OnaService } from '../../api/ona/service.ts';
import { onaRecords, onaStateOf } from '../../api/ona/state.ts';
import type { OnaTaskExecution, TriggerName } from '../../api/ona/types.ts';
import type { Engine } from '../../engine/engine.ts';
import type { TaskOutcomeControl } from '../outcome-script.ts';
import { type AutomationsSeedResult, seedAutomationsYaml } from './automations-file.ts';
import type { OnaEnvironment, OnaEnvironmentInput, OnaEnvironments } from './environments.ts';
import type { OnaOutcome, ScriptedOnaExecutor, ScriptedStepRun } from './scripted-executor.ts';

/** A trigger fired in an environment, and what it started. */
export interface FiredTrigger {
  readonly executions: OnaTaskExecution[];
  readonly failures: { readonly taskId: string; readonly code: string; readonly message: string }[];
}

/** What a test can do to the Ona world beyond the public API. */
export interface OnaControl extends TaskOutcomeControl<OnaOutcome> {
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
  fireTrigger(environmentId: string, trigger: TriggerName): Promise<FiredTrigger>;
  /** Stops every execution, forgets every task, execution, environment and script. */
  reset(): Promise<void>;
}

/** The parts of an Ona world its control surface drives. */
export interface OnaControlParts {
  readonly engine: Engine;
  readonly service: OnaService;
  readonly environments: OnaEnvironments;
  readonly scripted: ScriptedOnaExecutor;
}

/** Builds the control surface over an Ona world's parts. */
export function createOnaControl(parts: OnaControlParts): OnaControl {
  const { engine, service, environments, scripted } = parts;
  const deleteTasks = async (environmentId?: string): Promise<void> => {
    const records = await onaRecords(engine, environmentId);
    await Promise.all(records.map((record) => engine.deleteTask(record.task.id)));
  };

  return {
    createEnvironment: (input) => environments.create(input),
    async deleteEnvironment(id) {
      if (!environments.delete(id)) return false;
      await deleteTasks(id);
      return true;
    },
    environments: () => environments.list(),
    seedAutomations: (environmentId, yamlText) =>
      seedAutomationsYaml(service, environmentId, yamlText),
    script: (task, ...outcomes) => scripted.push(task, ...outcomes),
    setDefaultOutcome: (outcome) => scripted.setDefault(outcome),
    pendingOutcomes: () => scripted.pending(),
    replaceScript: (task, ...outcomes) => scripted.replace(task, ...outcomes),
    clearScript: (task) => scripted.clearQueue(task),
    setTaskDefaultOutcome: (task, outcome) => scripted.setTaskDefault(task, outcome),
    clearTaskDefaultOutcome: (task) => scripted.clearTaskDefault(task),
    taskDefaultOutcomes: () => scripted.taskDefaults(),
    defaultOutcome: () => scripted.default,
    stepRuns: () => scripted.runs(),
    async fireTrigger(environmentId, trigger) {
      const { executions, failures } = await service.fireTrigger(environmentId, trigger);
      return {
        executions,
        failures: failures.map(({ taskId, error }) => ({
          taskId,
          code: error.code,
          message: error.message,
        })),
      };
    },
    async reset() {
      for (const record of onaStateOf(engine).executions.values()) {
        if (record.run !== undefined && record.run.finishedAtMs === undefined)
          engine.stopExecution(record.run.id, 'reset');
      }
      await engine.whenIdle();
      await deleteTasks();
      await service.forgetExecutions();
      environments.clear();
      scripted.clear();
    },
  };
}
