/**
 * Owns task definitions: create, read, list, update and the two-phase delete.
 */

import type { Clock } from './clock.ts';
import { EngineError } from './errors.ts';
import type { EngineEvents } from './events.ts';
import type { Store } from './store.ts';
import {
  validateBufferPeriod,
  validateDependsOn,
  validateTaskName,
  validateTriggers,
} from './task-validation.ts';
import type { Task, TaskInput, TaskPatch } from './types.ts';

/** What the TaskManager needs to know about executions. */
export interface TaskActivity {
  /** Whether the task runs (anywhere, for engines that share a database). */
  isActive(taskId: string): boolean | Promise<boolean>;
  /** Resolves once the task has no active execution. */
  whenInactive(taskId: string): Promise<void>;
}

/** Options of {@link TaskManager.update}. */
export interface TaskUpdateOptions {
  /** Throw EngineError('busy') instead of updating a task with an active execution (CTS's PATCH). */
  readonly rejectIfActive?: boolean;
}

/** The collaborators of a {@link TaskManager}. */
export interface TaskManagerDependencies {
  readonly store: Store;
  readonly clock: Clock;
  readonly events: EngineEvents;
  readonly activity: TaskActivity;
  readonly createId: () => string;
}

/**
 * The registry of tasks, over the async {@link Store}. `delete` resolves
 * once the task is gone, which may wait for its running execution.
 */
export class TaskManager {
  readonly #deps: TaskManagerDependencies;
  readonly #deletions = new Map<string, Promise<void>>();

  constructor(deps: TaskManagerDependencies) {
    this.#deps = deps;
  }

  /**
   * Adds a task. Throws `already_exists` while a task with that id exists,
   * including one still pending deletion (CTS `api/task_create.go`).
   */
  async create<TSpec>(input: TaskInput<TSpec>): Promise<Task<TSpec>> {
    const task = this.draft(input);
    // Insert-if-absent in one step: two engines on one store cannot both create the id.
    if (!(await this.#deps.store.insertTask(task))) {
      throw new EngineError('already_exists', `task ${task.id} already exists`, {
        details: { id: task.id },
      });
    }
    this.#deps.events.emit('task:created', task);
    return task;
  }

  /**
   * Validates `input` and builds the task it describes without storing it
   * (for a plan-only run of a task that does not exist yet).
   */
  draft<TSpec>(input: TaskInput<TSpec>): Task<TSpec> {
    const id = input.id ?? this.#deps.createId();
    if (typeof id !== 'string' || id.length === 0) {
      throw new EngineError('invalid', 'task id must be a non-empty string', {
        details: { field: 'id' },
      });
    }
    const nowMs = this.#deps.clock.now();
    return {
      id,
      name: validateTaskName(input.name),
      scope: input.scope ?? '',
      enabled: input.enabled ?? true,
      spec: input.spec as TSpec,
      triggers: validateTriggers(input.triggers ?? [{ kind: 'change' }]),
      dependsOn: validateDependsOn(id, input.dependsOn ?? []),
      bufferPeriod: validateBufferPeriod(input.bufferPeriod),
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      deletionRequestedAtMs: undefined,
    };
  }

  /** The task, or undefined. Tasks pending deletion are still returned. */
  find<TSpec = unknown>(id: string): Promise<Task<TSpec> | undefined> {
    return this.#deps.store.getTask(id) as Promise<Task<TSpec> | undefined>;
  }

  /** The task; rejects with `not_found`. */
  async get<TSpec = unknown>(id: string): Promise<Task<TSpec>> {
    const task = await this.find<TSpec>(id);
    if (task === undefined) throw notFound(id);
    return task;
  }

  /** Every task in insertion order, or the tasks of one scope. */
  list<TSpec = unknown>(scope?: string): Promise<Task<TSpec>[]> {
    return this.#deps.store.listTasks(scope) as Promise<Task<TSpec>[]>;
  }

  /** How many tasks there are, pending deletions included. */
  count(): Promise<number> {
    return this.#deps.store.countTasks();
  }

  /** Replaces the fields present in `patch`. */
  async update<TSpec>(
    id: string,
    patch: TaskPatch<TSpec>,
    options: TaskUpdateOptions = {},
  ): Promise<Task<TSpec>> {
    const previous = await this.get<TSpec>(id);
    if (previous.deletionRequestedAtMs !== undefined) {
      throw new EngineError('busy', `task ${id} is being deleted`, {
        details: { id, reason: 'deleting' },
      });
    }
    if (options.rejectIfActive === true && (await this.#deps.activity.isActive(id))) {
      throw new EngineError('busy', `task ${id} is active`, { details: { id, reason: 'active' } });
    }
    const next: Task<TSpec> = {
      ...previous,
      name: patch.name === undefined ? previous.name : validateTaskName(patch.name),
      enabled: patch.enabled ?? previous.enabled,
      spec: patch.spec === undefined ? previous.spec : patch.spec,
      triggers: patch.triggers === undefined ? previous.triggers : validateTriggers(patch.triggers),
      dependsOn:
        patch.dependsOn === undefined ? previous.dependsOn : validateDependsOn(id, patch.dependsOn),
      bufferPeriod:
        patch.bufferPeriod === undefined
          ? previous.bufferPeriod
          : validateBufferPeriod(patch.bufferPeriod ?? undefined),
      updatedAtMs: this.#deps.clock.now(),
    };
    if (!(await this.#deps.store.replaceTask(next))) throw notFound(id);
    this.#deps.events.emit('task:updated', next, previous);
    return next;
  }

  /**
   * Marks the task for deletion and removes it once it has no active
   * execution. No new runs start meanwhile and the task stays readable.
   * Deleting a task already marked returns the same pending removal.
   * Throws `not_found` for an unknown id.
   */
  delete(id: string): Promise<void> {
    const pending = this.#deletions.get(id);
    if (pending !== undefined) return pending;
    const removal = this.#markThenRemove(id).finally(() => this.#deletions.delete(id));
    // Registered before the first await, so a second delete joins this one.
    this.#deletions.set(id, removal);
    return removal;
  }

  /**
   * Finishes the deletion of a task that was marked in the store by an
   * earlier process and never removed.
   */
  resumeDeletion(task: Task): Promise<void> {
    if (task.deletionRequestedAtMs === undefined) return Promise.resolve();
    const pending = this.#deletions.get(task.id);
    if (pending !== undefined) return pending;
    const removal = this.#removeWhenInactive(task).finally(() => this.#deletions.delete(task.id));
    this.#deletions.set(task.id, removal);
    return removal;
  }

  /** Whether deletion of the task was requested and has not finished. */
  isDeleting(id: string): boolean {
    return this.#deletions.has(id);
  }

  /** Resolves once every requested deletion has finished. */
  async whenDeletionsSettled(): Promise<void> {
    await Promise.all(this.#deletions.values());
  }

  async #markThenRemove(id: string): Promise<void> {
    const task = await this.get(id);
    const marked: Task = { ...task, deletionRequestedAtMs: this.#deps.clock.now() };
    if (!(await this.#deps.store.replaceTask(marked))) throw notFound(id);
    this.#deps.events.emit('task:deletion-requested', marked);
    await this.#removeWhenInactive(marked);
  }

  async #removeWhenInactive(task: Task): Promise<void> {
    await this.#deps.activity.whenInactive(task.id);
    // The store entry goes last: until then a re-create of the id is refused.
    await this.#deps.store.deleteTask(task.id);
    this.#deps.events.emit('task:deleted', task);
  }
}

function notFound(id: string): EngineError {
  return new EngineError('not_found', `task ${id} not found`, { details: { id } });
}
