/**
 * Every error string the CTS 0.9 API puts in an `{"error":{"message":…}}`
 * body. CTS copies Go error strings verbatim into its responses
 * (`api/handler.go` `sendError`, `api/api.go` `jsonErrorResponse`), so the
 * wording, typos included, is part of the wire contract.
 *
 * @see https://developer.hashicorp.com/consul/docs/nia/api/tasks
 * @module
 */

import { goQuote } from './go/text.ts';

// ---------------------------------------------------------------------------
// OpenAPI request validator (kin-openapi v0.131.0 behind nethttp-middleware)
// ---------------------------------------------------------------------------

/** kin-openapi `RequestError` prefix for body problems (`openapi3filter/errors.go`). */
export const MESSAGE_BODY_ERROR_PREFIX = 'request body has an error: ';

/** The schema reference kin-openapi names in body validation errors. */
export const TASK_REQUEST_SCHEMA_REF = '#/components/schemas/TaskRequest';

/** POST /v1/tasks with an empty body (`openapi3filter.ErrInvalidRequired`). */
export const MESSAGE_BODY_REQUIRED = 'request body has an error: value is required but missing';

/** The body could not be read; used for our body-size guard (Go's `http.MaxBytesReader` wording). */
export const MESSAGE_BODY_TOO_LARGE =
  'request body has an error: reading failed: http: request body too large';

/** `header Content-Type has unexpected value "<ct>"` (`validate_request.go`, `prefixInvalidCT`). */
export function bodyContentTypeMessage(contentType: string): string {
  return `${MESSAGE_BODY_ERROR_PREFIX}header Content-Type has unexpected value ${goQuote(contentType)}`;
}

/** `failed to decode request body: <Go encoding/json error>`. */
export function bodyDecodeMessage(goJsonError: string): string {
  return `${MESSAGE_BODY_ERROR_PREFIX}failed to decode request body: ${goJsonError}`;
}

/**
 * `doesn't match schema #/components/schemas/TaskRequest: [Error at "<path>": ]<reason>`
 * (kin-openapi `SchemaError.Error`, first line only). `path` segments are
 * joined raw, as kin-openapi does, with no escaping.
 */
export function bodySchemaMessage(path: readonly string[], reason: string): string {
  const at = path.length > 0 ? `Error at "/${path.join('/')}": ` : '';
  return `${MESSAGE_BODY_ERROR_PREFIX}doesn't match schema ${TASK_REQUEST_SCHEMA_REF}: ${at}${reason}`;
}

/** Schema reasons kin-openapi uses (`openapi3/schema.go`). */
export const SchemaReason = {
  missing: (property: string): string => `property ${goQuote(property)} is missing`,
  unsupported: (property: string): string => `property ${goQuote(property)} is unsupported`,
  notNullable: 'Value is not nullable',
  type: (type: 'string' | 'boolean' | 'object' | 'array'): string =>
    `value must be ${type === 'object' || type === 'array' ? 'an' : 'a'} ${type}`,
  numberOutOfRange: (literal: string): string =>
    `strconv.ParseFloat: parsing ${goQuote(literal)}: value out of range`,
} as const;

/** `run=` on POST /v1/tasks. */
export const MESSAGE_RUN_EMPTY =
  'parameter "run" in query has an error: empty value is not allowed';

/** `run=<other>` on POST /v1/tasks (case-sensitive enum). */
export const MESSAGE_RUN_NOT_ALLOWED =
  'parameter "run" in query has an error: value is not one of the allowed values ["now","inspect"]';

/** `run=now&run=inspect` on POST /v1/tasks (oapi-codegen runtime `BindQueryParameter`). */
export const MESSAGE_RUN_MULTIPLE =
  "Invalid format for parameter run: multiple values for single value parameter 'run'";

// ---------------------------------------------------------------------------
// Task lifecycle handlers (api/task_create.go, task_get.go, task_delete.go)
// ---------------------------------------------------------------------------

/** Handler-level decode failure (`api/task_create.go`); only reachable when the validator is bypassed. */
export function decodingRequestMessage(goError: string): string {
  return `error decoding the request: ${goError}`;
}

/** POST with a name already in the state store: **400**, not 409 (`api/task_create.go`). */
export function taskExistsMessage(name: string): string {
  return `task with name ${name} already exists`;
}

/** Request → config conversion failure, i.e. a bad buffer_period duration (`api/task_create.go`). */
export function taskConfigurationMessage(error: string): string {
  return `error with task configuration: ${error}`;
}

/** Unknown task on GET/DELETE/PATCH/status (`controller/tasks_manager.go` `Task`). */
export function taskNotFoundMessage(name: string): string {
  return `a task with name '${name}' does not exist or has not been initialized yet`;
}

/** PATCH while the task runs (`controller/tasks_manager.go` `TaskUpdate`). */
export function taskActiveUpdateMessage(name: string): string {
  return `task '${name}' is active and cannot be updated at this time`;
}

/** Scheduled tick while the task runs; logged, never returned over HTTP. */
export function taskActiveRunMessage(name: string): string {
  return `task '${name}' is active and cannot be run at this time`;
}

/** Template never rendered within a minute on create (`controller/tasks_manager.go`). */
export const MESSAGE_ERROR_INITIALIZING_TASK = 'error initializing task';

/** Plan text of `run=inspect` on a disabled task (`driver/terraform.go`). */
export const MESSAGE_INSPECT_DISABLED_PLAN = 'Task is disabled, inspection was skipped.';

/** Apply failure wrapping (`controller/tasks_manager.go` `TaskRunNow`). */
export function applyFailedMessage(name: string, error: string): string {
  return `could not apply changes for task ${name}: ${error}`;
}

/** Render failure wrapping (`controller/tasks_manager.go` `TaskRunNow`). */
export function renderFailedMessage(name: string, error: string): string {
  return `error rendering template for task ${name}: ${error}`;
}

/** One failed attempt inside the daemon's retry loop (`retry/retry.go`). */
export function retryAttemptMessage(attempt: number, error: string): string {
  return `retry attempt #${attempt} failed '${error}'`;
}

// ---------------------------------------------------------------------------
// Legacy handlers: PATCH /v1/tasks/{name}, status (api/task.go, task_status.go, overall_status.go)
// ---------------------------------------------------------------------------

/** The legacy task handler answers anything but PATCH with 405. "in an unsupported" is upstream's wording. */
export function taskMethodNotAllowedMessage(method: string): string {
  return `'${method}' in an unsupported method. The task API currently supports the method(s): 'PATCH'`;
}

/** Non-GET on /v1/status. */
export function overallStatusMethodNotAllowedMessage(method: string): string {
  return `'${method}' in an unsupported method. The overallStatus API currently supports the method(s): 'GET'`;
}

/** Non-GET on /v1/status/tasks[/name]. */
export function taskStatusMethodNotAllowedMessage(method: string): string {
  return `'${method}' in an unsupported method. The task status API currently supports the method(s): 'GET'`;
}

/** PATCH /v1/tasks or /v1/tasks/. */
export const MESSAGE_PATCH_NO_TASK_NAME =
  "no task name was included in the api request. Updating a task requires the task name: '/v1/tasks/:task_name'";

/** A task path with a further `/` (`api/api.go` `getTaskName`). `path` is the full request path. */
export function unsupportedPathMessage(path: string): string {
  return `unsupported path '${path}'. request must be format 'path/{task-name}'. task name cannot have '/ ' and api does not support further resources`;
}

/** Go's `%v` of a `[]string`. */
function goStringList(values: readonly string[]): string {
  return `[${values.join(' ')}]`;
}

/** PATCH `?run=a&run=b`. */
export function runMultipleMessage(values: readonly string[]): string {
  return `cannot support more than one run query parameter, got run values: ${goStringList(values)}`;
}

/** PATCH `?run=<v>`, `v` already lower-cased as CTS does. */
export function runUnsupportedMessage(value: string): string {
  return `unsupported run parameter value. only supporting run values now and inspect but got ${value}`;
}

/** PATCH body keys other than `enabled`, sorted and comma-separated. */
export function unsupportedKeysMessage(keys: readonly string[]): string {
  return `request body's JSON contains unsupported keys: ${keys.join(', ')}`;
}

/** PATCH body without `enabled`. */
export const MESSAGE_PATCH_MISSING_ENABLED =
  "/v1/tasks/:task_name currently only supports the 'enabled' field. Missing 'enabled' from the request body";

/** `?status=a&status=b`. */
export function statusMultipleMessage(values: readonly string[]): string {
  return `cannot support more than one status query parameter, got status values: ${goStringList(values)}`;
}

/** `?status=<v>`, `v` already lower-cased as CTS does. */
export function statusUnsupportedMessage(value: string): string {
  return `unsupported status parameter value. only supporting status values successful, errored, critical, and unknown but got ${value}`;
}

/** `?include=a&include=b`. */
export function includeMultipleMessage(values: readonly string[]): string {
  return `cannot support more than one include parameter, got include values: ${goStringList(values)}`;
}

/** `?include=<v>` other than exactly `events`. */
export function includeUnsupportedMessage(value: string): string {
  return `unsupported ?include parameter value. only supporting 'include=events' but got 'include=${value}'`;
}

// ---------------------------------------------------------------------------
// Health and cluster status (api/health.go, api/status.go, health/checker.go)
// ---------------------------------------------------------------------------

/** GET /v1/status/cluster on OSS: 405 with request_id. */
export const MESSAGE_HA_NOT_AVAILABLE =
  'this endpoint is only available with high availability configured';

/** A follower that cannot tell who leads (CTS Enterprise HA, error-messages page). */
export const MESSAGE_REDIRECT_TO_LEADER = 'redirect requests to leader';

/**
 * A follower's 400 (CTS Enterprise HA): `redirect requests to leader`, then
 * `'<id>'` when the leader is known, then `at <address>` when it advertises one.
 */
export function redirectToLeaderMessage(leaderId?: string, address?: string): string {
  if (leaderId === undefined) return MESSAGE_REDIRECT_TO_LEADER;
  const named = `${MESSAGE_REDIRECT_TO_LEADER} '${leaderId}'`;
  return address === undefined ? named : `${named} at ${address}`;
}

/** 503 body of an unhealthy checker. */
export function unhealthyMessage(cause: string): string {
  return `CTS is not healthy: ${cause}`;
}

// ---------------------------------------------------------------------------
// Task validation (config/task.go Validate and the blocks it calls)
// ---------------------------------------------------------------------------

/** `config/task.go`: nil config (unreachable over the API). */
export const MESSAGE_MISSING_TASK_CONFIGURATION = 'missing task configuration';

/** Empty task name. */
export const MESSAGE_TASK_NAME_REQUIRED = 'unique name for the task is required';

/** Name that is not an HCL identifier; `%q`-quoted. */
export function taskNamePatternMessage(name: string): string {
  return `a task name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes: ${goQuote(name)}`;
}

/** No condition and no deprecated `services` (unreachable over the API: `condition: {}` is accepted). */
export const MESSAGE_CONDITION_REQUIRED = 'task should be configured with a condition block';

/** Empty module. */
export const MESSAGE_MODULE_REQUIRED = 'module for the task is required';

/** `terraform_version` on OSS. */
export function terraformVersionUnsupportedMessage(name: string): string {
  return `unsupported configuration 'terraform_version' for task ${goQuote(name)}. This option is available for Consul-Terraform-Sync Enterprise when using the Terraform Cloud driver, or configure the Terraform client version within the Terraform driver block`;
}

/** `terraform_cloud_workspace` on OSS. */
export function terraformCloudWorkspaceUnsupportedMessage(name: string): string {
  return `unsupported configuration 'terraform_cloud_workspace' for task ${goQuote(name)}. This option is available for Consul-Terraform-Sync Enterprise when using the Terraform Cloud driver`;
}

/** Two providers with the same name before the alias dot (`aws`, `aws.east`). */
export const MESSAGE_ONE_PROVIDER_INSTANCE = 'only one provider instance per task';

/** Wrapper for every `condition "services"` failure (`config/condition_services.go`). */
export function servicesConditionMessage(inner: string): string {
  return `error validating \`condition "services"\` block: ${inner}`;
}

/** Wrapper for `module_input "services"` failures; CTS never calls it (see README). */
export function servicesModuleInputMessage(inner: string): string {
  return `error validating \`module_input "services"\`: ${inner}`;
}

/** Both names and regexp (unreachable over the API: names win). "unconfigured" is upstream's typo. */
export const MESSAGE_SERVICES_BOTH =
  'regexp and names fields cannot both be unconfigured. If both are needed, consider including the list of names as part of the regex or creating separate tasks';

/** Neither names nor regexp. */
export const MESSAGE_SERVICES_NEITHER = 'either the regexp or names field must be configured';

/** An empty string among `names`. */
export const MESSAGE_SERVICES_EMPTY_NAME =
  'names field includes empty string(s). services names cannot be empty';

/** Services regexp that Go's `regexp.Compile` rejects. */
export function servicesRegexpMessage(goError: string): string {
  return `unable to compile services regexp: ${goError}`;
}

/** Catalog-services regexp missing (unreachable over the API: the schema requires it). */
export const MESSAGE_CATALOG_SERVICES_REGEXP_REQUIRED =
  "catalog-services 'regexp' field must be set";

/** Catalog-services regexp that Go's `regexp.Compile` rejects. */
export function catalogServicesRegexpMessage(goError: string): string {
  return `unable to compile catalog-services 'regexp': ${goError}`;
}

/** consul_kv condition with an empty path. */
export const MESSAGE_CONSUL_KV_PATH_REQUIRED = 'path is required for consul-kv condition';

/** schedule condition with an empty cron. */
export const MESSAGE_CRON_REQUIRED = 'cron config is required for schedule condition';

/** schedule condition whose cron hashicorp/cronexpr cannot parse. */
export function cronParseMessage(cron: string, error: string): string {
  return `unable to parse schedule condition's cron config ${goQuote(cron)}: ${error}. for more information on writing cron expressions, see https://github.com/hashicorp/cronexpr`;
}

/** condition and module_input watching the same variable type. */
export function conditionModuleInputClashMessage(variableType: string): string {
  return `task's condition block and module_input block both monitor ${goQuote(variableType)} variable type. condition and module_input variable type must be unique`;
}

/** Two module_input blocks of one type (config files only). */
export function duplicateModuleInputMessage(variableType: string): string {
  return `more than one 'module_input' block for the ${goQuote(variableType)} variable. variable types must be unique`;
}

/** Effective buffer period with a negative value (`config/buffer_period.go`). */
export const MESSAGE_BUFFER_PERIOD_NEGATIVE = 'buffer_period: cannot be negative';

/** Effective buffer period with max < min (unreachable after inheritance). */
export const MESSAGE_BUFFER_PERIOD_MIN_MAX = 'buffer_period: min must be less than max';

// Enterprise (config/terraform_cloud_workspace.go), used only with `enterprise: true`.

/** TFC workspace execution mode other than remote/agent. */
export function executionModeMessage(mode: string): string {
  return `execution mode '${mode}' not supported for CTS, use 'remote' or 'agent' instead`;
}

/** Agent mode without a pool. */
export const MESSAGE_AGENT_POOL_REQUIRED =
  "agent_pool_id or agent_pool_name is required if execution mode is 'agent'";

/** A pool without agent mode. */
export const MESSAGE_AGENT_POOL_WITHOUT_AGENT_MODE =
  "agent pool configured when execution mode is not 'agent'";

/** PATCH `run=inspect` when the plan fails (`driver/terraform.go` UpdateTask). */
export function inspectUpdateFailedMessage(name: string, error: string): string {
  return `Error updating task '${name}'. Unable to inspect task: ${error}`;
}
