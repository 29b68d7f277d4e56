/**
 * The CTS part of the fake's control surface: the simulated Consul catalog
 * and KV a task watches, and the scripted outcomes of its runs.
 */

import type { TaskOutcomeControl } from '../outcome-script.ts';
import type {
  ConsulCatalog,
  HealthStatus,
  ServiceInstance,
  ServiceRegistration,
} from './consul-catalog.ts';
import type { ScriptedOutcome, ScriptedOutcomes } from './scripted-outcomes.ts';

/** The CTS part of the control surface. */
export interface CtsControl extends TaskOutcomeControl<ScriptedOutcome> {
  registerService(registration: ServiceRegistration): ServiceInstance;
  deregisterService(id: string, node?: string): boolean;
  setHealth(id: string, status: HealthStatus, node?: string): ServiceInstance | undefined;
  services(): ServiceInstance[];
  putKey(key: string, value: string): void;
  deleteKey(key: string, options?: { recurse?: boolean }): number;
  keys(): Record<string, string>;
  /** Queues outcomes for a task's next runs (inspects included, unless an outcome has a `mode`). */
  script(taskName: string, ...outcomes: ScriptedOutcome[]): void;
  /** The outcome of runs nobody scripted. */
  setDefaultOutcome(outcome: ScriptedOutcome): void;
  /** Scripted outcomes not used yet, by task. */
  pendingOutcomes(): Record<string, ScriptedOutcome[]>;
}

/** The control surface over one simulated CTS daemon's catalog and outcomes. */
export function createCtsControl(fake: {
  readonly catalog: ConsulCatalog;
  readonly outcomes: ScriptedOutcomes;
}): CtsControl {
  return {
    registerService: (registration) => fake.catalog.register(registration),
    deregisterService: (id, node) => fake.catalog.deregister(id, node),
    setHealth: (id, status, node) => fake.catalog.setHealth(id, status, node),
    services: () => fake.catalog.services(),
    putKey: (key, value) => fake.catalog.putKey(key, value),
    deleteKey: (key, options) => fake.catalog.deleteKey(key, options),
    keys: () => Object.fromEntries(fake.catalog.keysUnder('')),
    script: (taskName, ...outcomes) => fake.outcomes.push(taskName, ...outcomes),
    setDefaultOutcome: (outcome) => fake.outcomes.setDefault(outcome),
    pendingOutcomes: () => fake.outcomes.pending(),
    replaceScript: (taskName, ...outcomes) => fake.outcomes.replace(taskName, ...outcomes),
    clearScript: (taskName) => fake.outcomes.clearQueue(taskName),
    setTaskDefaultOutcome: (taskName, outcome) => fake.outcomes.setTaskDefault(taskName, outcome),
    clearTaskDefaultOutcome: (taskName) => fake.outcomes.clearTaskDefault(taskName),
    taskDefaultOutcomes: () => fake.outcomes.taskDefaults(),
    defaultOutcome: () => fake.outcomes.default,
  };
}
