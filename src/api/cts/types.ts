/**
 * Wire types of the CTS 0.9 task API (`api/openapi.yaml`, `api/oapigen/types.go`):
 * what a client sends, and the finalized task CTS returns.
 *
 * @module
 */

/** `buffer_period` as sent: Go duration strings. */
export interface BufferPeriodRequest {
  enabled?: boolean;
  max?: string;
  min?: string;
}

/** `condition.services` as sent. */
export interface ServicesConditionRequest {
  regexp?: string;
  names?: string[];
  filter?: string;
  datacenter?: string;
  namespace?: string;
  /** Values may be `null` (the spec marks them nullable); CTS drops those entries. */
  cts_user_defined_meta?: Record<string, string | null>;
  /** Defaulted to `true` by the validator. */
  use_as_module_input?: boolean;
}

/** `condition.catalog_services` as sent. */
export interface CatalogServicesConditionRequest {
  regexp: string;
  datacenter?: string;
  namespace?: string;
  node_meta?: Record<string, string>;
  /** Defaulted to `true` by the validator. */
  use_as_module_input?: boolean;
}

/** `condition.consul_kv` as sent. */
export interface ConsulKvConditionRequest {
  path: string;
  /** Defaulted to `false` by the validator. */
  recurse?: boolean;
  datacenter?: string;
  namespace?: string;
  /** Defaulted to `true` by the validator. */
  use_as_module_input?: boolean;
}

/** `condition.schedule`. */
export interface ScheduleConditionRequest {
  cron: string;
}

/** `condition`: the schema allows any subset; CTS uses the first of services, consul_kv, catalog_services, schedule. */
export interface ConditionRequest {
  catalog_services?: CatalogServicesConditionRequest;
  services?: ServicesConditionRequest;
  consul_kv?: ConsulKvConditionRequest;
  schedule?: ScheduleConditionRequest;
}

/** `module_input.services` as sent. */
export interface ServicesModuleInputRequest {
  regexp?: string;
  names?: string[];
  filter?: string;
  datacenter?: string;
  namespace?: string;
  cts_user_defined_meta?: Record<string, string>;
}

/** `module_input.consul_kv` as sent. */
export interface ConsulKvModuleInputRequest {
  path: string;
  /** Defaulted to `false` by the validator. */
  recurse?: boolean;
  datacenter?: string;
  namespace?: string;
}

/** `module_input`. */
export interface ModuleInputRequest {
  services?: ServicesModuleInputRequest;
  consul_kv?: ConsulKvModuleInputRequest;
}

/** `terraform_cloud_workspace` (CTS Enterprise). */
export interface TerraformCloudWorkspace {
  execution_mode?: string;
  agent_pool_id?: string;
  agent_pool_name?: string;
  terraform_version?: string;
}

/** The `task` object of a create request. */
export interface TaskRequestTask {
  name: string;
  module: string;
  condition: ConditionRequest;
  description?: string;
  /** Defaulted to `true` by the validator. */
  enabled?: boolean;
  providers?: string[];
  variables?: Record<string, string>;
  version?: string;
  buffer_period?: BufferPeriodRequest;
  module_input?: ModuleInputRequest;
  /** Deprecated, CTS Enterprise only. */
  terraform_version?: string;
  /** CTS Enterprise only. */
  terraform_cloud_workspace?: TerraformCloudWorkspace;
}

/** Body of `POST /v1/tasks`. */
export interface TaskRequest {
  task: TaskRequestTask;
}

/** Body of `PATCH /v1/tasks/{name}`: only `enabled` is updatable. */
export interface TaskUpdateRequest {
  enabled: boolean;
}

/** `?run=` values. */
export type RunOption = 'now' | 'inspect';

/** Finalized `condition.services` (keys in Go's alphabetical order). */
export interface ServicesConditionConfig {
  cts_user_defined_meta: Record<string, string>;
  datacenter: string;
  filter: string;
  /** Present when non-empty; otherwise `regexp` is shown (if set). */
  names?: string[];
  namespace: string;
  regexp?: string;
  use_as_module_input: boolean;
}

/** Finalized `condition.catalog_services`. */
export interface CatalogServicesConditionConfig {
  datacenter: string;
  namespace: string;
  node_meta: Record<string, string>;
  regexp: string;
  use_as_module_input: boolean;
}

/** Finalized `condition.consul_kv`. */
export interface ConsulKvConditionConfig {
  datacenter: string;
  namespace: string;
  path: string;
  recurse: boolean;
  use_as_module_input: boolean;
}

/** Finalized condition: exactly one member, or `{}` for `condition: {}`. */
export interface ConditionConfig {
  catalog_services?: CatalogServicesConditionConfig;
  consul_kv?: ConsulKvConditionConfig;
  schedule?: ScheduleConditionRequest;
  services?: ServicesConditionConfig;
}

/** Finalized `module_input.services`. */
export interface ServicesModuleInputConfig {
  cts_user_defined_meta: Record<string, string>;
  datacenter: string;
  filter: string;
  names?: string[];
  namespace: string;
  regexp?: string;
}

/** Finalized `module_input.consul_kv`. */
export interface ConsulKvModuleInputConfig {
  datacenter: string;
  namespace: string;
  path: string;
  recurse: boolean;
}

/** Finalized `module_input`. */
export interface ModuleInputConfig {
  consul_kv?: ConsulKvModuleInputConfig;
  services?: ServicesModuleInputConfig;
}

/** `buffer_period` as CTS echoes it: durations re-formatted by Go, `enabled` only if given. */
export interface BufferPeriodConfig {
  enabled?: boolean;
  max: string;
  min: string;
}

/**
 * The finalized task CTS stores and returns from POST/GET (`config/task.go`
 * `Finalize` + `api/representation.go`). Keys are declared in Go's
 * alphabetical output order, and objects built by this module keep that order
 * so `JSON.stringify` matches CTS byte for byte.
 */
export interface TaskConfig {
  buffer_period?: BufferPeriodConfig;
  condition: ConditionConfig;
  description: string;
  enabled: boolean;
  module: string;
  module_input: ModuleInputConfig;
  name: string;
  providers: string[];
  terraform_cloud_workspace?: Required<TerraformCloudWorkspace>;
  terraform_version?: string;
  variables: Record<string, string>;
  version: string;
}

/** An effective (inherited) buffer period, as the engine uses it. */
export interface EffectiveBufferPeriod {
  enabled: boolean;
  minMs: number;
  maxMs: number;
}
