/**
 * The fake's Ona world: `createOnaFake`, its control surface and routes, the
 * scripted executor, environments, and `automations.yaml` seeding. The shell
 * executor is Node-only and lives in `./shell-executor.ts`.
 *
 * @module
 */

export type {
  AutomationsFile,
  AutomationsFileTask,
  AutomationsSeedResult,
} from './automations-file.ts';
export {
  AutomationsFileError,
  FILE_TASK_TRIGGERS,
  parseAutomationsYaml,
  seedAutomationsYaml,
} from './automations-file.ts';
export type { FiredTrigger, OnaControl } from './control.ts';
export { onaControlRoutes } from './control-routes.ts';
export { onaDialect } from './dialect.ts';
export type { OnaEnvironment, OnaEnvironmentInput } from './environments.ts';
export { OnaEnvironments } from './environments.ts';
export type { OnaFake, OnaFakeOptions } from './ona-fake.ts';
export { createOnaFake } from './ona-fake.ts';
export type { OnaOutcome, ScriptedStepRun } from './scripted-executor.ts';
export { DEFAULT_FAILURE_MESSAGE, ScriptedOnaExecutor } from './scripted-executor.ts';
