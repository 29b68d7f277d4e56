/**
 * Reads the tasks of a CTS configuration: CTS's own HCL files (`task { … }`
 * blocks, parsed with HashiCorp's HCL through @cdktf/hcl2json), the same in
 * HCL's JSON form, or a JSON array of task objects as `POST /v1/tasks` takes
 * them. From HCL it also reads what a simulated CTS Enterprise HA cluster
 * uses: `id`, the `high_availability` block, the service name and the
 * Terraform backend (research/cts-ha.md §5.1).
 */

import { parse as parseHcl } from '@cdktf/hcl2json';
import type { TaskRequestTask } from '../../api/cts/types.ts';

/** The `high_availability` block of CTS Enterprise, as written (research/cts-ha.md §5.1). */
export interface CtsHighAvailabilityConfig {
  /** `cluster.name` (required by CTS). */
  readonly clusterName?: string;
  /** `cluster.storage "<type>" { … }`; CTS documents `consul` as the only type. */
  readonly storage?: {
    readonly type: string;
    /** @default 'consul-terraform-sync/' in CTS */
    readonly parentPath?: string;
    readonly namespace?: string;
    /** A Go duration, e.g. `30s`. @default '15s' in CTS */
    readonly sessionTtl?: string;
  };
  /** `instance.address`: what this instance advertises to the others. */
  readonly instanceAddress?: string;
}

/** What a configuration file holds that the fake uses. */
export interface CtsConfigFile {
  /** The tasks, in file order, as the `task` object of `POST /v1/tasks`. */
  readonly tasks: TaskRequestTask[];
  /** The global `buffer_period` block, if any, as written. */
  readonly bufferPeriod?: { enabled?: boolean; min?: string; max?: string };
  /** The instance `id`. */
  readonly id?: string;
  /** `consul { service_registration { service_name } }`. */
  readonly serviceName?: string;
  /** The `high_availability` block, if any. */
  readonly highAvailability?: CtsHighAvailabilityConfig;
  /** The label of `driver "terraform" { backend "<label>" {} }`, if any. */
  readonly terraformBackend?: string;
}

type HclObject = Record<string, unknown>;

function isObject(value: unknown): value is HclObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** HCL blocks come out of hcl2json as one-element lists. */
function singleBlock(value: unknown): HclObject | undefined {
  if (Array.isArray(value)) return isObject(value[0]) ? value[0] : undefined;
  return isObject(value) ? value : undefined;
}

/** Labelled blocks (`condition "consul-kv" { … }`) → the API's keys (`consul_kv`). */
function labelledBlocks(value: unknown): HclObject | undefined {
  if (!isObject(value)) return undefined;
  const result: HclObject = {};
  for (const [label, blocks] of Object.entries(value)) {
    const block = singleBlock(blocks);
    if (block !== undefined) result[label.replaceAll('-', '_')] = block;
  }
  return result;
}

/** One HCL `task` block as the API's task object. */
function taskFromHcl(block: HclObject): TaskRequestTask {
  const task: HclObject = { ...block };
  if ('condition' in block) task.condition = labelledBlocks(block.condition) ?? {};
  if ('module_input' in block) task.module_input = labelledBlocks(block.module_input);
  if ('buffer_period' in block) task.buffer_period = singleBlock(block.buffer_period);
  if ('terraform_cloud_workspace' in block) {
    task.terraform_cloud_workspace = singleBlock(block.terraform_cloud_workspace);
  }
  // `source` is the deprecated spelling of `module` in config files.
  if (!('module' in task) && typeof block.source === 'string') {
    task.module = block.source;
    delete task.source;
  }
  // Config-file-only settings the API schema has no field for (files on the
  // daemon's disk); passing them on would make seeding fail with "unsupported".
  delete task.variable_files;
  delete task.working_dir;
  return task as unknown as TaskRequestTask;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The first label of a labelled block and its body (`storage "consul" { … }`). */
function firstLabelled(value: unknown): { label: string; body: HclObject } | undefined {
  if (!isObject(value)) return undefined;
  const [label, blocks] = Object.entries(value)[0] ?? [];
  const body = singleBlock(blocks);
  return label === undefined || body === undefined ? undefined : { label, body };
}

function highAvailabilityFromHcl(value: unknown): CtsHighAvailabilityConfig | undefined {
  const block = singleBlock(value);
  if (block === undefined) return undefined;
  const cluster = singleBlock(block.cluster);
  const storage = firstLabelled(cluster?.storage);
  const instance = singleBlock(block.instance);
  return {
    clusterName: stringOf(cluster?.name),
    storage:
      storage === undefined
        ? undefined
        : {
            type: storage.label,
            parentPath: stringOf(storage.body.parent_path),
            namespace: stringOf(storage.body.namespace),
            sessionTtl: stringOf(storage.body.session_ttl),
          },
    instanceAddress: stringOf(instance?.address),
  };
}

function fromHclDocument(document: HclObject): CtsConfigFile {
  const blocks = Array.isArray(document.task)
    ? document.task
    : document.task === undefined
      ? []
      : [document.task];
  const registration = singleBlock(singleBlock(document.consul)?.service_registration);
  const terraform = singleBlock(labelledBlocks(document.driver)?.terraform);
  return {
    tasks: blocks.filter(isObject).map(taskFromHcl),
    bufferPeriod: singleBlock(document.buffer_period) as CtsConfigFile['bufferPeriod'],
    id: stringOf(document.id),
    serviceName: stringOf(registration?.service_name),
    highAvailability: highAvailabilityFromHcl(document.high_availability),
    terraformBackend: firstLabelled(terraform?.backend)?.label,
  };
}

/**
 * Parses a configuration file's text. `filename` decides the format: `.json`
 * is JSON (a task array, `{ "tasks": [...] }`, or HCL's JSON form), anything
 * else HCL. Throws with the parser's message on a syntax error.
 */
export async function parseCtsConfig(text: string, filename: string): Promise<CtsConfigFile> {
  if (filename.endsWith('.json')) {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value)) return { tasks: value as TaskRequestTask[] };
    if (isObject(value) && Array.isArray(value.tasks))
      return { tasks: value.tasks as TaskRequestTask[] };
    if (isObject(value)) return fromHclDocument(value);
    throw new TypeError(`${filename}: expected a JSON array of tasks or an object`);
  }
  return fromHclDocument((await parseHcl(filename, text)) as HclObject);
}
