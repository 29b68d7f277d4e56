/**
 * The `tfc` world of the fake server: the run simulation, its control
 * surface and routes.
 *
 * @module
 */

export type {
  CreateTokenInput,
  RunView,
  TaskResultView,
  TaskStageView,
  TfcControl,
  WebhookFilter,
} from './control.ts';
export { createTfcControl } from './control.ts';
export type { TfcControlRoutesOptions } from './control-routes.ts';
export { tfcControlRoutes } from './control-routes.ts';
export { tfcDialect } from './dialect.ts';
export { MESSAGE_TIMED_OUT, MESSAGE_UNREACHABLE } from './messages.ts';
export type { RunTaskPayloadInput } from './run-payload.ts';
export { runTaskPayload } from './run-payload.ts';
export type { StartRunInput } from './run-simulation.ts';
export { RunSimulation } from './run-simulation.ts';
export type { StageOutcome } from './stage-outcome.ts';
export { allFinal, stageOutcome } from './stage-outcome.ts';
export type { TfcFake, TfcFakeOptions } from './tfc-fake.ts';
export { createTfcFake } from './tfc-fake.ts';
