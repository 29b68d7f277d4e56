/**
 * The CTS task configuration pipeline after request validation: conversion
 * (`api/representation.go` `ToTaskConfig`), `Finalize` (defaults) and
 * `Validate` (`config/task.go`), producing the finalized task CTS stores and
 * returns, and the error messages CTS answers with.
 *
 * @module
 */

import { parseCronExpression } from '../../engine/cron.ts';
import {
  DEFAULT_BUFFER_PERIOD,
  effectiveBufferPeriod,
  validateEffectiveBufferPeriod,
} from './buffer-period.ts';
import { formatGoDurationNs, parseGoDurationNs } from './go/duration.ts';
import { goRegexpError } from './go/regexp.ts';
import {
  catalogServicesRegexpMessage,
  conditionModuleInputClashMessage,
  cronParseMessage,
  executionModeMessage,
  MESSAGE_AGENT_POOL_REQUIRED,
  MESSAGE_AGENT_POOL_WITHOUT_AGENT_MODE,
  MESSAGE_CONSUL_KV_PATH_REQUIRED,
  MESSAGE_CRON_REQUIRED,
  MESSAGE_MODULE_REQUIRED,
  MESSAGE_ONE_PROVIDER_INSTANCE,
  MESSAGE_SERVICES_BOTH,
  MESSAGE_SERVICES_EMPTY_NAME,
  MESSAGE_SERVICES_NEITHER,
  MESSAGE_TASK_NAME_REQUIRED,
  servicesConditionMessage,
  servicesRegexpMessage,
  taskConfigurationMessage,
  taskNamePatternMessage,
  terraformCloudWorkspaceUnsupportedMessage,
  terraformVersionUnsupportedMessage,
} from './messages.ts';
import type {
  BufferPeriodConfig,
  BufferPeriodRequest,
  ConditionConfig,
  ConditionRequest,
  EffectiveBufferPeriod,
  ModuleInputConfig,
  ModuleInputRequest,
  TaskConfig,
  TaskRequestTask,
  TerraformCloudWorkspace,
} from './types.ts';

export {
  bufferPeriodSettingsFromRequest,
  DEFAULT_BUFFER_PERIOD,
  effectiveBufferPeriod,
  finalizeGlobalBufferPeriod,
  inheritBufferPeriod,
  SCHEDULE_BUFFER_PERIOD,
  validateEffectiveBufferPeriod,
} from './buffer-period.ts';

/** Outcome of {@link finalizeTask}. */
export type FinalizeResult = { ok: true; config: TaskConfig } | { ok: false; message: string };

/** Options of {@link finalizeTask}. */
export interface FinalizeTaskOptions {
  /**
   * Build the `run=inspect` representation instead: CTS answers inspect from
   * the converted request, so top-level defaults (description, providers,
   * variables, version, module_input) are absent unless sent, while the
   * condition and sent module_input blocks are finalized (they share
   * pointers with the finalized copy), and a schedule task's buffer_period is
   * not forced (`api/task_create.go` `createDryRunTask`).
   * @default false
   */
  inspect?: boolean;
}

function copyMap(map: Readonly<Record<string, string | null>> | undefined): Record<string, string> {
  // api/representation.go convertMapPtrToValue drops null values. Built with
  // fromEntries, which defines each key: an assignment would drop `__proto__`.
  return Object.fromEntries(
    Object.entries(map ?? {}).filter((entry): entry is [string, string] => entry[1] !== null),
  );
}

function formatBufferPeriod(block: BufferPeriodRequest): BufferPeriodConfig {
  // ToTaskConfig parses max before min and sets a missing one to 0.
  const max = formatGoDurationNs(block.max === undefined ? 0n : parseGoDurationNs(block.max));
  const min = formatGoDurationNs(block.min === undefined ? 0n : parseGoDurationNs(block.min));
  return block.enabled === undefined ? { max, min } : { enabled: block.enabled, max, min };
}

/** Condition precedence of `ToTaskConfig`: services > consul_kv > catalog_services > schedule; the rest is ignored. */
function finalizeCondition(condition: ConditionRequest): ConditionConfig {
  const { services, consul_kv: kv, catalog_services: catalog, schedule } = condition;
  if (services !== undefined) {
    // Non-empty names win; regexp is then dropped silently.
    const names =
      services.names !== undefined && services.names.length > 0 ? [...services.names] : undefined;
    return {
      services: {
        cts_user_defined_meta: copyMap(services.cts_user_defined_meta),
        datacenter: services.datacenter ?? '',
        filter: services.filter ?? '',
        ...(names !== undefined ? { names } : {}),
        namespace: services.namespace ?? '',
        ...(names === undefined && services.regexp !== undefined
          ? { regexp: services.regexp }
          : {}),
        use_as_module_input: services.use_as_module_input ?? true,
      },
    };
  }
  if (kv !== undefined) {
    return {
      consul_kv: {
        datacenter: kv.datacenter ?? '',
        namespace: kv.namespace ?? '',
        path: kv.path,
        recurse: kv.recurse ?? false,
        use_as_module_input: kv.use_as_module_input ?? true,
      },
    };
  }
  if (catalog !== undefined) {
    return {
      catalog_services: {
        datacenter: catalog.datacenter ?? '',
        namespace: catalog.namespace ?? '',
        node_meta: copyMap(catalog.node_meta),
        regexp: catalog.regexp,
        use_as_module_input: catalog.use_as_module_input ?? true,
      },
    };
  }
  if (schedule !== undefined) return { schedule: { cron: schedule.cron } };
  // `condition: {}` converts to no condition, and Validate does not reject it.
  return {};
}

function finalizeModuleInput(input: ModuleInputRequest): ModuleInputConfig {
  const out: ModuleInputConfig = {};
  const { consul_kv: kv, services } = input;
  if (kv !== undefined) {
    out.consul_kv = {
      datacenter: kv.datacenter ?? '',
      namespace: kv.namespace ?? '',
      path: kv.path,
      recurse: kv.recurse ?? false,
    };
  }
  if (services !== undefined) {
    const names =
      services.names !== undefined && services.names.length > 0 ? [...services.names] : undefined;
    out.services = {
      cts_user_defined_meta: copyMap(services.cts_user_defined_meta),
      datacenter: services.datacenter ?? '',
      filter: services.filter ?? '',
      ...(names !== undefined ? { names } : {}),
      namespace: services.namespace ?? '',
      ...(names === undefined && services.regexp !== undefined ? { regexp: services.regexp } : {}),
    };
  }
  return out;
}

function finalizeWorkspace(
  workspace: TerraformCloudWorkspace | undefined,
): Required<TerraformCloudWorkspace> | undefined {
  const out = {
    agent_pool_id: workspace?.agent_pool_id ?? '',
    agent_pool_name: workspace?.agent_pool_name ?? '',
    execution_mode: workspace?.execution_mode ?? '',
    terraform_version: workspace?.terraform_version ?? '',
  };
  // TerraformCloudWorkspaceConfig.IsEmpty: all fields unset or "".
  return Object.values(out).every((v) => v === '') ? undefined : out;
}

/**
 * Converts and finalizes a validated create request's `task` into the task
 * CTS stores and returns (keys in CTS's output order). Defaults: description
 * `""`, enabled `true`, providers `[]`, variables `{}`, version `""`,
 * module_input `{}`, per-condition defaults; `buffer_period` only when sent,
 * re-formatted by Go (`"5m"` → `"5m0s"`), forced to disabled/0s/0s for
 * schedule conditions.
 *
 * @returns the config, or CTS's 400 message when a buffer_period duration
 *   does not parse (`error with task configuration: time: invalid duration "x"`).
 */
export function finalizeTask(
  task: TaskRequestTask,
  options: FinalizeTaskOptions = {},
): FinalizeResult {
  const inspect = options.inspect === true;
  const condition = finalizeCondition(task.condition);
  let bufferPeriod: BufferPeriodConfig | undefined;
  try {
    if (task.buffer_period !== undefined) bufferPeriod = formatBufferPeriod(task.buffer_period);
  } catch (error) {
    return { ok: false, message: taskConfigurationMessage((error as Error).message) };
  }
  if (condition.schedule !== undefined && !inspect) {
    bufferPeriod = { enabled: false, max: '0s', min: '0s' };
  }
  const workspace = finalizeWorkspace(task.terraform_cloud_workspace);
  const moduleInput =
    task.module_input !== undefined
      ? finalizeModuleInput(task.module_input)
      : inspect
        ? undefined
        : {};
  const description = task.description ?? (inspect ? undefined : '');
  const enabled = task.enabled ?? (inspect ? undefined : true);
  const providers = task.providers !== undefined ? [...task.providers] : inspect ? undefined : [];
  const variables = task.variables !== undefined ? { ...task.variables } : inspect ? undefined : {};
  const version = task.version ?? (inspect ? undefined : '');
  // Go's alphabetical field order. One literal of fixed shape, whatever is
  // omitted: JSON.stringify skips the undefined fields, and objects of one
  // shape serialise about twice as fast as ones built from conditional spreads.
  const config = {
    buffer_period: bufferPeriod,
    condition,
    description,
    enabled,
    module: task.module,
    module_input: moduleInput,
    name: task.name,
    providers,
    terraform_cloud_workspace: workspace,
    terraform_version: task.terraform_version || undefined,
    variables,
    version,
  } as TaskConfig;
  return { ok: true, config };
}

/** Options of {@link validateTask}. */
export interface ValidateTaskOptions {
  /**
   * Accept the CTS Enterprise fields `terraform_version` and
   * `terraform_cloud_workspace` (the workspace's execution mode and agent
   * pool are then checked) instead of rejecting them with the OSS messages.
   * @default false
   */
  enterprise?: boolean;
  /**
   * The daemon's global buffer period, which the task's block inherits from
   * before the driver-time check (`ValidateForDriver`).
   * @default DEFAULT_BUFFER_PERIOD (enabled, 5 s, 20 s)
   */
  globalBufferPeriod?: EffectiveBufferPeriod;
}

// hclsyntax.ValidIdentifier: (ID_Start | '_') (ID_Continue | '-')*
const HCL_IDENTIFIER = /^[\p{ID_Start}_][\p{ID_Continue}-]*$/u;

function validateWorkspace(workspace: Required<TerraformCloudWorkspace>): string | undefined {
  const mode = workspace.execution_mode;
  if (mode !== 'remote' && mode !== 'agent' && mode !== '') return executionModeMessage(mode);
  const pool = workspace.agent_pool_id !== '' || workspace.agent_pool_name !== '';
  if (mode === 'agent' && !pool) return MESSAGE_AGENT_POOL_REQUIRED;
  if (mode !== 'agent' && pool) return MESSAGE_AGENT_POOL_WITHOUT_AGENT_MODE;
  return undefined;
}

function validateCondition(condition: ConditionConfig): string | undefined {
  const { services, catalog_services: catalog, consul_kv: kv, schedule } = condition;
  if (services !== undefined) {
    const namesConfigured = services.names !== undefined && services.names.length > 0;
    const regexConfigured = services.regexp !== undefined;
    if (namesConfigured && regexConfigured) return servicesConditionMessage(MESSAGE_SERVICES_BOTH);
    if (!namesConfigured && !regexConfigured)
      return servicesConditionMessage(MESSAGE_SERVICES_NEITHER);
    if (regexConfigured) {
      const error = goRegexpError(services.regexp ?? '');
      if (error !== undefined) return servicesConditionMessage(servicesRegexpMessage(error));
    }
    if (services.names?.includes('')) return servicesConditionMessage(MESSAGE_SERVICES_EMPTY_NAME);
  }
  if (catalog !== undefined) {
    const error = goRegexpError(catalog.regexp);
    if (error !== undefined) return catalogServicesRegexpMessage(error);
  }
  if (kv !== undefined && kv.path === '') return MESSAGE_CONSUL_KV_PATH_REQUIRED;
  if (schedule !== undefined) {
    if (schedule.cron === '') return MESSAGE_CRON_REQUIRED;
    try {
      parseCronExpression(schedule.cron);
    } catch (error) {
      return cronParseMessage(schedule.cron, (error as Error).message);
    }
  }
  return undefined;
}

/** The variable type a condition monitors (`VariableType()`); schedule and none have none. */
function conditionVariableType(condition: ConditionConfig): string | undefined {
  if (condition.services !== undefined) return 'services';
  if (condition.consul_kv !== undefined) return 'consul_kv';
  if (condition.catalog_services !== undefined) return 'catalog_services';
  return undefined;
}

/**
 * CTS's `TaskConfig.Validate` (then the driver-time buffer period check) on a
 * finalized task, in CTS's order. Returns the first failure's message, which
 * CTS answers with 500 on create and 400 under `run=inspect`, or `undefined`.
 *
 * Not validated, as in CTS: the `module_input` blocks themselves (names vs
 * regexp, empty path) — `ModuleInputConfigs.Validate` only checks for clashes.
 */
export function validateTask(
  config: TaskConfig,
  options: ValidateTaskOptions = {},
): string | undefined {
  const { name } = config;
  if (name === '') return MESSAGE_TASK_NAME_REQUIRED;
  if (!HCL_IDENTIFIER.test(name)) return taskNamePatternMessage(name);
  if (config.module === '') return MESSAGE_MODULE_REQUIRED;
  if (options.enterprise === true) {
    if (config.terraform_cloud_workspace !== undefined) {
      const error = validateWorkspace(config.terraform_cloud_workspace);
      if (error !== undefined) return error;
    }
  } else {
    if (config.terraform_version) return terraformVersionUnsupportedMessage(name);
    if (config.terraform_cloud_workspace !== undefined) {
      return terraformCloudWorkspaceUnsupportedMessage(name);
    }
  }
  const seen = new Set<string>();
  for (const provider of config.providers) {
    const base = provider.split('.')[0] ?? '';
    if (seen.has(base)) return MESSAGE_ONE_PROVIDER_INSTANCE;
    seen.add(base);
  }
  const conditionError = validateCondition(config.condition);
  if (conditionError !== undefined) return conditionError;
  const type = conditionVariableType(config.condition);
  if (type !== undefined && config.module_input[type as keyof ModuleInputConfig] !== undefined) {
    return conditionModuleInputClashMessage(type);
  }
  const effective = effectiveBufferPeriod(
    config.buffer_period,
    options.globalBufferPeriod ?? DEFAULT_BUFFER_PERIOD,
    { schedule: config.condition.schedule !== undefined },
  );
  return validateEffectiveBufferPeriod(effective);
}
