/**
 * The `tfc` dialect: HCP Terraform / Terraform Cloud run tasks as a Hono app
 * (organization run tasks, workspace associations, task stages and results,
 * the run-task callback), on an in-memory {@link TfcState}. Portable: Web
 * Crypto and fetch only.
 *
 * @module
 */

export type { TfcApiOptions } from './app.ts';
export { tfcApi } from './app.ts';
export { SERVICE_DISCOVERY } from './bootstrap.ts';
export { CALLBACK_STATUSES, isFinalResultStatus } from './callback.ts';
export type { TfcContext, TfcEnv } from './context.ts';
export type { TfcErrorCode, TfcErrorOptions } from './errors.ts';
export { TFC_ERROR_STATUS, TfcError } from './errors.ts';
export { ID_ALPHABET, newId } from './ids.ts';
export type { ResourceIdentifier, ResourceObject } from './json-api.ts';
export { JSON_API_MEDIA_TYPE } from './json-api.ts';
export {
  DETAIL_AGENT_POOL_MISSING,
  DETAIL_ATTRIBUTES_INVALID,
  DETAIL_CALLBACK_MESSAGE_INVALID,
  DETAIL_CALLBACK_STATUS,
  DETAIL_CALLBACK_URL_INVALID,
  DETAIL_CATEGORY_NOT_IN_LIST,
  DETAIL_DATA_REQUIRED,
  DETAIL_DESCRIPTION_INVALID,
  DETAIL_DESCRIPTION_TOO_LONG,
  DETAIL_ENABLED_INVALID,
  DETAIL_ENFORCEMENT_NOT_IN_LIST,
  DETAIL_GLOBAL_INVALID,
  DETAIL_HMAC_KEY_INVALID,
  DETAIL_INVALID_INCLUDE,
  DETAIL_INVALID_JSON,
  DETAIL_MANDATORY_LIMIT,
  DETAIL_NAME_BLANK,
  DETAIL_NAME_INVALID,
  DETAIL_NAME_TAKEN,
  DETAIL_OUTCOMES_INVALID,
  DETAIL_RATE_LIMIT,
  DETAIL_RESULT_FINAL,
  DETAIL_STAGE_NOT_IN_LIST,
  DETAIL_STAGES_BLANK,
  DETAIL_STAGES_NOT_IN_LIST,
  DETAIL_TASK_LIMIT,
  DETAIL_TASK_REQUIRED,
  DETAIL_TASK_STILL_ASSOCIATED,
  DETAIL_TASK_TAKEN,
  DETAIL_TRANSITION_NOT_ALLOWED,
  DETAIL_TYPE_INVALID,
  DETAIL_URL_BLANK,
  DETAIL_URL_INVALID,
  DETAIL_URL_VERIFICATION_FAILED,
  DETAIL_WORKSPACE_TASK_LIMIT,
  TITLE_BAD_REQUEST,
  TITLE_CONFLICT,
  TITLE_INVALID_ATTRIBUTE,
  TITLE_NOT_FOUND,
  TITLE_TOO_MANY_REQUESTS,
  TITLE_UNAUTHORIZED,
  TITLE_UNSUPPORTED_MEDIA_TYPE,
} from './messages.ts';
export type { Page, PageRequest } from './pagination.ts';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, paginate, parsePage } from './pagination.ts';
export type { DispatchContext, RunTaskDispatch, VerificationInput } from './run-task-request.ts';
export {
  RUN_TASK_USER_AGENT,
  sendRunTaskRequest,
  VERIFICATION_ACCESS_TOKEN,
  verificationPayload,
} from './run-task-request.ts';
export type { TaskDeletePolicy, TfcSettings } from './settings.ts';
export {
  DEFAULT_ENTITLEMENTS,
  DEFAULT_TFC_SETTINGS,
  HCP_TERRAFORM_PING_HEADERS,
  mergeTfcSettings,
} from './settings.ts';
export { hmacSha512Hex, taskSignature } from './signature.ts';
export type {
  OrganizationInput,
  TfcStateEventMap,
  TfcStateOptions,
  TokenInput,
  WorkspaceInput,
} from './state.ts';
export { TfcState } from './state.ts';
export type {
  AgentPoolRecord,
  EnforcementLevel,
  GlobalConfiguration,
  OrganizationRecord,
  OutcomeRecord,
  RunRecord,
  RunTaskRecord,
  TaskResultRecord,
  TaskResultStatus,
  TaskStageName,
  TaskStageRecord,
  TaskStageStatus,
  TfcEntitlements,
  TokenRecord,
  WebhookDelivery,
  WorkspaceRecord,
  WorkspaceTaskRecord,
  WorkspaceVcs,
} from './types.ts';
export { TASK_STAGE_NAMES } from './types.ts';
