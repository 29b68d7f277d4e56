/**
 * Where tasks and their status events live. The in-memory store is the
 * default; the interface is the seam for a durable one.
 */

import type { StatusEvent, Task } from './types.ts';

/** The engine's persistence port. */
export interface Store {
  getTask(id: string): Task | undefined;
  /** Inserts or replaces; a replaced task keeps its place in the listing order. */
  putTask(task: Task): void;
  deleteTask(id: string): void;
  /** Every task in insertion order, or those of one scope. */
  listTasks(scope?: string): Task[];
  countTasks(): number;
  /** Adds `event` as the newest of its task's history, dropping the oldest past `limit`. */
  prependEvent(event: StatusEvent, limit: number): StatusEvent | undefined;
  /** A task's history, newest first. */
  listEvents(taskId: string): readonly StatusEvent[];
  deleteEvents(taskId: string): void;
}

/** The default {@link Store}: plain Maps, insertion ordered. */
export class MemoryStore implements Store {
  readonly #tasks = new Map<string, Task>();
  readonly #events = new Map<string, StatusEvent[]>();

  getTask(id: string): Task | undefined {
    return this.#tasks.get(id);
  }

  putTask(task: Task): void {
    this.#tasks.set(task.id, task);
  }

  deleteTask(id: string): void {
    this.#tasks.delete(id);
  }

  listTasks(scope?: string): Task[] {
    const tasks = [...this.#tasks.values()];
    return scope === undefined ? tasks : tasks.filter((task) => task.scope === scope);
  }

  countTasks(): number {
    return this.#tasks.size;
  }

  /** Returns the event that fell off the end, if any. */
  prependEvent(event: StatusEvent, limit: number): StatusEvent | undefined {
    let history = this.#events.get(event.taskId);
    if (history === undefined) {
      history = [];
      this.#events.set(event.taskId, history);
    }
    history.unshift(event);
    return history.length > limit ? history.pop() : undefined;
  }

  listEvents(taskId: string): readonly StatusEvent[] {
    return this.#events.get(taskId) ?? [];
  }

  deleteEvents(taskId: string): void {
    this.#events.delete(taskId);
  }
}
