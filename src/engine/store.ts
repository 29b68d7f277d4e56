/**
 * The engine's persistence port. Every method is asynchronous so that a
 * durable store (PostgreSQL, `taskport/postgres`) can sit behind it; the
 * in-memory store (`MemoryStore`) answers with settled promises.
 *
 * Several engines may share one store, in one process or in many. So the
 * port offers atomic verbs (insert-if-absent, replace-if-present) instead of
 * read-then-write pairs, and keeps a task's health and the summary counts
 * itself, updated in the same step as the event that changes them.
 *
 * Every implementation passes the suite in `test/store/contract.ts`.
 */

import type { Health, StatusEvent, StatusSummary, Task } from './types.ts';

/** A task's status as the store keeps it. */
export interface TaskStatus {
  readonly health: Health;
  /** Newest first, at most the history limit given to {@link Store.appendEvent}. */
  readonly events: readonly StatusEvent[];
}

/**
 * Dialect state that is not a task (tfc's organizations and associations,
 * Ona's executions): JSON documents by collection and key, listed in
 * insertion order, optionally within a scope.
 */
export interface RecordStore {
  getRecord<T>(collection: string, key: string): Promise<T | undefined>;
  /** Inserts or replaces; a replaced record keeps its place in the listing order. */
  putRecord<T>(collection: string, key: string, value: T, scope?: string): Promise<void>;
  /** True when a record was removed. */
  deleteRecord(collection: string, key: string): Promise<boolean>;
  /** The collection's records in insertion order, or those of one scope. */
  listRecords<T>(collection: string, scope?: string): Promise<T[]>;
  /** Removes every record of the collection (of one scope, when given); returns how many. */
  clearRecords(collection: string, scope?: string): Promise<number>;
}

/** Where tasks, their status events and dialect records live. */
export interface Store extends RecordStore {
  getTask(id: string): Promise<Task | undefined>;
  /**
   * Stores a new task. False, and nothing written, when a task with that id
   * exists (including one pending deletion): atomic across engines.
   */
  insertTask(task: Task): Promise<boolean>;
  /** Replaces a stored task, keeping its listing place. False when it is absent. */
  replaceTask(task: Task): Promise<boolean>;
  /** Removes the task with its events and status. True when it was there. */
  deleteTask(id: string): Promise<boolean>;
  /** Every task in insertion order, or those of one scope. */
  listTasks(scope?: string): Promise<Task[]>;
  countTasks(): Promise<number>;
  /**
   * Adds `event` as the newest of its task's history, keeps the `limit`
   * newest, and updates the task's health and the summary in the same step.
   * Returns the task's new status, or undefined (nothing written) when the
   * task is not stored.
   */
  appendEvent(event: StatusEvent, limit: number): Promise<TaskStatus | undefined>;
  /** The task's health and history, or undefined for an unknown task. */
  taskStatus(taskId: string): Promise<TaskStatus | undefined>;
  /** Counts over every task by health and by enabled. */
  summary(): Promise<StatusSummary>;
  /** Releases connections; the store answers nothing afterwards. */
  close(): Promise<void>;
}
