/**
 * The default plan of a task: its transitive `dependsOn`, in levels. Every
 * task of a level depends only on tasks of earlier levels, so a level's steps
 * can run together (Ona's StartTask runs dependencies first).
 */

import { EngineError } from './errors.ts';
import type { StepDefinition, Task } from './types.ts';

/**
 * Levels of steps ending with `root`. Unknown dependency ids are an `invalid`
 * error, and so is a cycle.
 */
export function dependencyLevels(
  root: Task,
  lookup: (id: string) => Task | undefined,
): StepDefinition[][] {
  const depth = new Map<string, number>();
  const tasks = new Map<string, Task>();
  const visiting = new Set<string>();

  const visit = (task: Task): number => {
    const known = depth.get(task.id);
    if (known !== undefined) return known;
    if (visiting.has(task.id)) {
      throw new EngineError('invalid', `dependency cycle through task ${task.id}`, {
        details: { id: task.id },
      });
    }
    visiting.add(task.id);
    let level = 0;
    for (const dependencyId of task.dependsOn) {
      const dependency = lookup(dependencyId);
      if (dependency === undefined) {
        throw new EngineError(
          'invalid',
          `task ${task.id} depends on unknown task ${dependencyId}`,
          {
            details: { id: task.id, dependencyId },
          },
        );
      }
      level = Math.max(level, visit(dependency) + 1);
    }
    visiting.delete(task.id);
    depth.set(task.id, level);
    tasks.set(task.id, task);
    return level;
  };

  const rootLevel = visit(root);
  const levels: StepDefinition[][] = Array.from({ length: rootLevel + 1 }, () => []);
  for (const [id, level] of depth) {
    (levels[level] as StepDefinition[]).push(stepOf(tasks.get(id) as Task));
  }
  return levels;
}

/** The step that runs `task` in a plan. */
function stepOf(task: Task): StepDefinition {
  return { id: task.id, name: task.name, payload: task };
}

/**
 * Reads `root`'s transitive dependencies from an async lookup (the store),
 * so that {@link dependencyLevels} can walk them synchronously. Unknown ids
 * map to undefined and are reported by the walk.
 */
export async function dependencyClosure(
  root: Task,
  lookup: (id: string) => Promise<Task | undefined>,
): Promise<ReadonlyMap<string, Task | undefined>> {
  const known = new Map<string, Task | undefined>([[root.id, root]]);
  const pending = [...root.dependsOn];
  while (pending.length > 0) {
    const id = pending.pop() as string;
    if (known.has(id)) continue;
    const task = await lookup(id);
    known.set(id, task);
    if (task !== undefined) pending.push(...task.dependsOn);
  }
  return known;
}

/** The default plan of a stored task: {@link dependencyLevels} over its closure in the store. */
export async function storedDependencyLevels(
  root: Task,
  lookup: (id: string) => Promise<Task | undefined>,
): Promise<StepDefinition[][]> {
  const closure = await dependencyClosure(root, lookup);
  return dependencyLevels(root, (id) => closure.get(id));
}

/**
 * The plan the runner uses when the executor has none. A task without
 * dependencies (the common case, once per run) is its own one-step plan,
 * answered at once: no store read, no promise. Otherwise it is
 * {@link storedDependencyLevels}.
 */
export function defaultPlan(
  root: Task,
  lookup: (id: string) => Promise<Task | undefined>,
): StepDefinition[][] | Promise<StepDefinition[][]> {
  if (root.dependsOn.length === 0) return [[stepOf(root)]];
  return storedDependencyLevels(root, lookup);
}
