/**
 * StartTask's plan: the started task's transitive `dependsOn` in levels (the
 * engine's `dependencyLevels`), each level a group whose steps run together,
 * the started task alone in the last group. Every step gets a fresh id and a
 * copy of its task's spec at this moment.
 */

import { dependencyClosure, dependencyLevels } from '../../engine/dependency-plan.ts';
import { isEngineError } from '../../engine/errors.ts';
import type { PlanDefinition, Task } from '../../engine/types.ts';
import { type ConnectCode, OnaError } from './errors.ts';
import { dependencyCycleMessage, unknownDependencyMessage } from './messages.ts';
import type { OnaStepPayload } from './ona-engine.ts';
import type { ExecutionGroup, ExecutionStep, OnaTask } from './types.ts';

/** @internal A plan as the wire shows it and as the engine runs it. */
export interface BuiltPlan {
  readonly groups: ExecutionGroup[];
  readonly definition: PlanDefinition;
}

/** @internal How steps are labelled and ids made. */
export interface PlanOptions {
  readonly label: 'name' | 'reference';
  readonly createId: () => string;
  /** The code of an unknown dependency or a cycle. */
  readonly errorCode: ConnectCode;
}

function levelTask(task: OnaTask): Task<OnaTask> {
  return {
    id: task.id,
    name: task.metadata.name ?? '',
    scope: task.environmentId,
    enabled: true,
    spec: task,
    triggers: [],
    dependsOn: task.dependsOn ?? [],
    bufferPeriod: undefined,
    createdAtMs: 0,
    updatedAtMs: 0,
    deletionRequestedAtMs: undefined,
  };
}

function structuredSpecCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * @internal Builds the plan of `root`. `lookup` finds a task by id (`root`
 * itself is never looked up); a dependency it does not find in the root's
 * environment, or a cycle, is an {@link OnaError} with `options.errorCode`.
 */
export async function buildPlan(
  root: OnaTask,
  lookup: (id: string) => Promise<OnaTask | undefined>,
  options: PlanOptions,
): Promise<BuiltPlan> {
  const rootTask = levelTask(root);
  // Every task of the closure is read first; the walk itself stays synchronous.
  const closure = await dependencyClosure(rootTask, async (id) => {
    const task = await lookup(id);
    return task === undefined || task.environmentId !== root.environmentId
      ? undefined
      : levelTask(task);
  });
  let levels: ReturnType<typeof dependencyLevels>;
  try {
    levels = dependencyLevels(rootTask, (id) => closure.get(id));
  } catch (error) {
    if (isEngineError(error, 'invalid')) {
      const { id, dependencyId } = error.details as { id?: string; dependencyId?: string };
      const message =
        dependencyId === undefined
          ? dependencyCycleMessage(String(id))
          : unknownDependencyMessage(String(id), dependencyId);
      throw new OnaError(options.errorCode, message, { cause: error });
    }
    throw error;
  }
  const stepIds = new Map<string, string>();
  for (const level of levels) for (const step of level) stepIds.set(step.id, options.createId());
  const groups: ExecutionGroup[] = [];
  const definition: PlanDefinition[number][] = [];
  for (const level of levels) {
    const steps: ExecutionStep[] = [];
    const definitions: PlanDefinition[number][number][] = [];
    for (const entry of level) {
      const task = (entry.payload as Task<OnaTask>).spec;
      const id = stepIds.get(task.id) as string;
      const label =
        (options.label === 'name' ? task.metadata.name : task.metadata.reference) ??
        task.metadata.reference ??
        '';
      const dependsOn = [...new Set(task.dependsOn ?? [])].map((dep) => stepIds.get(dep) as string);
      const spec = structuredSpecCopy(task.spec);
      steps.push({ id, dependsOn, label, task: { id: task.id, spec } });
      const payload: OnaStepPayload = {
        stepId: id,
        taskId: task.id,
        environmentId: task.environmentId,
        reference: task.metadata.reference ?? '',
        label,
        spec,
      };
      definitions.push({ id, name: label, payload });
    }
    groups.push({ steps });
    definition.push(definitions);
  }
  return { groups, definition };
}
