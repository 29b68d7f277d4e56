/**
 * The `cts` dialect: HashiCorp Consul-Terraform-Sync 0.9's Tasks, Status and
 * Health API as a Hono app on a taskport engine.
 *
 * @example
 * import { Hono } from 'hono';
 * import { createCtsEngine, ctsApi } from 'taskport/cts';
 *
 * const engine = createCtsEngine({ executor: myTerraformRunner });
 * const app = new Hono().route('/', ctsApi({ engine }));
 * @module
 */

export type { CtsApiOptions } from './app.ts';
export { ctsApi } from './app.ts';
export { DEFAULT_BUFFER_PERIOD, effectiveBufferPeriod } from './buffer-period.ts';
export type { CtsEngineOptions, CtsEventConfig, ToEngineTaskOptions } from './cts-engine.ts';
export {
  CTS_EVENT_LIMIT,
  CTS_RETRY_POLICY,
  CTS_SCOPE,
  createCtsEngine,
  ctsEventPolicy,
  eventConfigOf,
  toEngineTask,
} from './cts-engine.ts';
export { formatGoDuration, parseGoDuration } from './go/duration.ts';
export type {
  CtsClusterMember,
  CtsClusterView,
  CtsLeaderInfo,
  CtsLeadership,
  CtsRedirectOptions,
} from './ha/leadership.ts';
export type { CtsRunOutput } from './run-output.ts';
export { ctsRunOutputOf } from './run-output.ts';
export { finalizeTask, validateTask } from './task-config.ts';
export type {
  EffectiveBufferPeriod,
  TaskConfig,
  TaskRequest,
  TaskRequestTask,
  TaskUpdateRequest,
} from './types.ts';
