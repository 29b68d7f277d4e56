/**
 * What CTS would render for a task's Terraform module from the simulated
 * Consul: the `services`, `catalog_services` and `consul_kv` variables, plus
 * the part of the data the task's condition watches (its trigger key).
 *
 * Regular expressions are Go RE2 (re2js), so they run in linear time whatever
 * pattern a client sent.
 */

import { RE2JS } from 're2js';
import type {
  ServicesConditionConfig,
  ServicesModuleInputConfig,
  TaskConfig,
} from '../../api/cts/types.ts';
import type { ConsulCatalog, ServiceInstance } from './consul-catalog.ts';

/** A task's view of the catalog. */
export interface RenderedTask {
  /**
   * The watched data, serialised: a trigger fires when it changes. Undefined
   * for conditions that never trigger on data (schedule, none).
   */
  readonly triggerKey: string | undefined;
  /** The module's input variables, as CTS renders them. */
  readonly input: Readonly<Record<string, unknown>>;
}

const compiled = new Map<string, RE2JS>();

function regexpOf(pattern: string): RE2JS {
  let regexp = compiled.get(pattern);
  if (regexp === undefined) {
    // Patterns were validated when the task was created; the cache is bounded
    // by the number of distinct patterns of live tasks.
    regexp = RE2JS.compile(pattern);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, regexp);
  }
  return regexp;
}

/** Go's `regexp.MatchString`: unanchored. */
function matches(pattern: string, value: string): boolean {
  return regexpOf(pattern).matcher(value).find();
}

type ServiceSelector = Pick<
  ServicesConditionConfig | ServicesModuleInputConfig,
  'names' | 'regexp' | 'datacenter' | 'namespace'
>;

function selectsService(selector: ServiceSelector, instance: ServiceInstance): boolean {
  if (selector.datacenter !== '' && selector.datacenter !== instance.datacenter) return false;
  if (selector.namespace !== '' && selector.namespace !== instance.namespace) return false;
  if (selector.names !== undefined && selector.names.length > 0)
    return selector.names.includes(instance.name);
  return selector.regexp !== undefined && matches(selector.regexp, instance.name);
}

/**
 * The `services` variable: the healthy instances of the selected services
 * (CTS queries Consul's health endpoint with `passing` only), keyed
 * `<service id>.<node>.<datacenter>` as CTS's template does.
 */
function renderServices(
  selector: ServiceSelector & { cts_user_defined_meta: Record<string, string> },
  catalog: ConsulCatalog,
): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  const selected = catalog
    .services()
    .filter((instance) => instance.status === 'passing' && selectsService(selector, instance))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.node < b.node ? -1 : 1));
  for (const instance of selected) {
    services[`${instance.id}.${instance.node}.${instance.datacenter}`] = {
      id: instance.id,
      name: instance.name,
      kind: '',
      address: instance.address,
      port: instance.port,
      meta: instance.meta,
      tags: instance.tags,
      namespace: instance.namespace,
      status: instance.status,
      node: instance.node,
      node_id: '',
      node_address: instance.nodeAddress,
      node_datacenter: instance.datacenter,
      node_tagged_addresses: {},
      node_meta: instance.nodeMeta,
      cts_user_defined_meta: selector.cts_user_defined_meta,
    };
  }
  return services;
}

/** The `catalog_services` variable: service name → tags, for names matching the regexp. */
function renderCatalogServices(
  condition: NonNullable<TaskConfig['condition']['catalog_services']>,
  catalog: ConsulCatalog,
): Record<string, string[]> {
  const byName = new Map<string, Set<string>>();
  for (const instance of catalog.services()) {
    if (condition.datacenter !== '' && condition.datacenter !== instance.datacenter) continue;
    if (condition.namespace !== '' && condition.namespace !== instance.namespace) continue;
    if (!matches(condition.regexp, instance.name)) continue;
    const tags = byName.get(instance.name) ?? new Set<string>();
    for (const tag of instance.tags) tags.add(tag);
    byName.set(instance.name, tags);
  }
  const result: Record<string, string[]> = {};
  for (const name of [...byName.keys()].sort()) result[name] = [...(byName.get(name) ?? [])].sort();
  return result;
}

/** The `consul_kv` variable: the key's value, or every key under the path with `recurse`. */
function renderKv(
  block: { path: string; recurse: boolean },
  catalog: ConsulCatalog,
): Record<string, string> {
  if (block.recurse) return Object.fromEntries(catalog.keysUnder(block.path));
  const value = catalog.getKey(block.path);
  return value === undefined ? {} : { [block.path]: value };
}

/** Renders a task's input and trigger key from the catalog. */
export function renderTask(config: TaskConfig, catalog: ConsulCatalog): RenderedTask {
  const input: Record<string, unknown> = {};
  let triggerKey: string | undefined;
  const { condition, module_input: moduleInput } = config;
  if (condition.services !== undefined) {
    const services = renderServices(condition.services, catalog);
    triggerKey = JSON.stringify(services);
    if (condition.services.use_as_module_input) input.services = services;
  } else if (condition.consul_kv !== undefined) {
    const kv = renderKv(condition.consul_kv, catalog);
    triggerKey = JSON.stringify(kv);
    if (condition.consul_kv.use_as_module_input) input.consul_kv = kv;
  } else if (condition.catalog_services !== undefined) {
    const catalogServices = renderCatalogServices(condition.catalog_services, catalog);
    // CTS triggers catalog-services tasks only when the set of names changes.
    triggerKey = JSON.stringify(Object.keys(catalogServices));
    if (condition.catalog_services.use_as_module_input) input.catalog_services = catalogServices;
  }
  if (moduleInput.services !== undefined)
    input.services = renderServices(moduleInput.services, catalog);
  if (moduleInput.consul_kv !== undefined)
    input.consul_kv = renderKv(moduleInput.consul_kv, catalog);
  return { triggerKey, input };
}
