/**
 * The fake's CTS executor: a model of Terraform. A task's input is what CTS
 * renders for its module from the simulated Consul; the plan is the
 * difference between that input and the input last applied; an apply records
 * it. Scripted outcomes can make a run fail, take time, or plan differently,
 * or make a task's driver initialisation fail.
 */

import type { CtsRunOutput } from '../../api/cts/run-output.ts';
import type { CtsDriverModel } from '../../api/cts/tasks.ts';
import type { TaskConfig } from '../../api/cts/types.ts';
import { sleep } from '../../engine/clock.ts';
import type { Executor } from '../../engine/executor.ts';
import type { ConsulCatalog } from './consul-catalog.ts';
import { renderTask } from './module-input.ts';
import type { ScriptedOutcomes } from './scripted-outcomes.ts';

/** The difference between two renderings of a module's input, resource by resource. */
export interface InputDiff {
  readonly add: string[];
  readonly change: string[];
  readonly destroy: string[];
}

type Resources = Record<string, string>;

/** Flattens a module input into resources: one per service instance, KV pair, catalog service, variable. */
function resourcesOf(input: Readonly<Record<string, unknown>>): Resources {
  const resources: Resources = {};
  for (const [variable, value] of Object.entries(input)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [key, item] of Object.entries(value))
        resources[`${variable}["${key}"]`] = JSON.stringify(item);
    } else {
      resources[`var.${variable}`] = JSON.stringify(value);
    }
  }
  return resources;
}

/** What an apply of `next` would do to a module that last applied `previous`. */
export function diffInputs(previous: Resources | undefined, next: Resources): InputDiff {
  const before = previous ?? {};
  const add = Object.keys(next).filter((key) => !(key in before));
  const change = Object.keys(next).filter((key) => key in before && before[key] !== next[key]);
  const destroy = Object.keys(before).filter((key) => !(key in next));
  return { add, change, destroy };
}

/** Terraform-like plan text for a diff of task `taskName`. */
export function planText(taskName: string, diff: InputDiff): string {
  const total = diff.add.length + diff.change.length + diff.destroy.length;
  if (total === 0) {
    return 'No changes. Your infrastructure matches the configuration.\n';
  }
  const lines = ['Terraform will perform the following actions:', ''];
  const describe = (keys: string[], symbol: string, verb: string): void => {
    for (const key of keys) {
      lines.push(
        `  # module.${taskName}.${key} will be ${verb}`,
        `  ${symbol} resource "${key}"`,
        '',
      );
    }
  };
  describe(diff.add, '+', 'created');
  describe(diff.change, '~', 'updated in-place');
  describe(diff.destroy, '-', 'destroyed');
  lines.push(
    `Plan: ${diff.add.length} to add, ${diff.change.length} to change, ${diff.destroy.length} to destroy.`,
    '',
  );
  return lines.join('\n');
}

/** The collaborators of the Terraform model. */
export interface TerraformModelOptions {
  readonly catalog: ConsulCatalog;
  readonly outcomes: ScriptedOutcomes;
}

/** The model's executor, and the state it applied, per task id. */
export interface TerraformModel extends Executor, CtsDriverModel {
  /**
   * Initialises a task's driver: throws `error tf-init for '<task>': <error>`
   * when an outcome scripts `initError` (`driver/terraform.go` wraps
   * `terraform init`'s error so), and succeeds otherwise.
   */
  initTask(config: TaskConfig): void;
  /** Forgets what a task applied (when the task is deleted). */
  forget(taskId: string): void;
  /** Forgets everything applied. */
  clear(): void;
}

/** Creates the Terraform model executor. */
export function createTerraformModel(options: TerraformModelOptions): TerraformModel {
  const applied = new Map<string, Resources>();
  return {
    async runStep({ task, mode, clock, signal }): Promise<CtsRunOutput> {
      const config = task.spec as TaskConfig;
      const outcome = options.outcomes.take(config.name, mode === 'apply' ? 'apply' : 'inspect');
      // Rendered when the run starts: a run always sees the latest data
      // (research/cts.md §4.3), and changes made while Terraform works are
      // left for the follow-up run (§6), as CTS renders before it applies.
      const resources = resourcesOf({
        ...renderTask(config, options.catalog).input,
        ...config.variables,
      });
      if (outcome.durationMs !== undefined && outcome.durationMs > 0)
        await sleep(clock, outcome.durationMs, signal);
      const diff = diffInputs(applied.get(task.id), resources);
      const changesPresent =
        outcome.changesPresent ?? diff.add.length + diff.change.length + diff.destroy.length > 0;
      const plan = outcome.plan ?? planText(config.name, diff);
      if (outcome.success === false) {
        // The driver wraps Terraform's error (`driver/terraform.go`: errors.Wrap).
        const step = mode === 'apply' ? 'tf-apply' : 'tf-plan';
        throw new Error(
          `error ${step} for '${config.name}': ${outcome.error ?? `terraform ${mode} failed`}`,
        );
      }
      if (mode === 'apply') applied.set(task.id, resources);
      return { changesPresent, plan };
    },
    initTask(config) {
      const error = options.outcomes.takeInitError(config.name);
      if (error !== undefined) throw new Error(`error tf-init for '${config.name}': ${error}`);
    },
    forget(taskId) {
      applied.delete(taskId);
    },
    clear() {
      applied.clear();
    },
  };
}
