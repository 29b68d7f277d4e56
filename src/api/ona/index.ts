/**
 * The `ona` dialect: Ona's (Gitpod's) EnvironmentAutomationService for tasks
 * and task executions as a Hono app, speaking Connect's unary JSON protocol
 * as `@gitpod/sdk` calls it, on a taskport engine.
 *
 * @example
 * import { Hono } from 'hono';
 * import { createOnaEngine, onaApi } from 'taskport/ona';
 *
 * const engine = createOnaEngine({ executor: { runStep: ({ spec }) => run(spec.command) } });
 * const app = new Hono().route('/api', onaApi({ engine }));
 * @module
 */

export { onaApi, onaApp } from './app.ts';
export type { ConnectCode } from './errors.ts';
export {
  CONNECT_CODES,
  CONNECT_HTTP_STATUS,
  LEGACY_CONNECT_HTTP_STATUS,
  OnaError,
} from './errors.ts';
export type { ListTaskExecutionsInput } from './executions.ts';
export type { OnaEngine, OnaEngineOptions, OnaStepExecutor, OnaStepRun } from './ona-engine.ts';
export { createOnaEngine, isOnaEngine, NOOP_ONA_EXECUTOR } from './ona-engine.ts';
export type {
  OnaApiOptions,
  OnaAuthOptions,
  OnaEnvironmentDirectory,
  OnaPolicies,
  ResolvedOnaPolicies,
} from './options.ts';
export {
  DEFAULT_ONA_MAX_BODY_BYTES,
  DEFAULT_ONA_POLICIES,
  DEFAULT_ONA_SUBJECT,
  defaultLogUrl,
} from './options.ts';
export type { PageQuery } from './pagination.ts';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination.ts';
export type { OnaEnginePort, RunsOnaPlans } from './port.ts';
export { formatTimestamp } from './proto-json.ts';
export { MAX_FILTER_ITEMS, REFERENCE_PATTERN, TRIGGER_KEYS } from './schema.ts';
export type { OnaCallOptions } from './service.ts';
export {
  decodeRequest,
  isOnaMethod,
  ONA_METHODS,
  ONA_SERVICE_NAME,
  OnaService,
} from './service.ts';
export type { CreateTaskInput, ListTasksInput, UpdateTaskInput } from './tasks.ts';
export type {
  AutomationTrigger,
  EnvironmentVariableItem,
  ExecutionGroup,
  ExecutionStep,
  ExecutionStepStatus,
  OnaMethod,
  OnaSubject,
  OnaTask,
  OnaTaskExecution,
  Principal,
  RunsOn,
  TaskExecutionPhase,
  TaskMetadata,
  TaskSpec,
  TriggerName,
} from './types.ts';
