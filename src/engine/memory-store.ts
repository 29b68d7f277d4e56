/**
 * The default {@link Store}: plain Maps in this process, insertion ordered,
 * with the summary counts kept incrementally so an overall status costs the
 * same at 100 000 tasks as at 10.
 */

import { healthOf } from './health.ts';
import type { Store, TaskStatus } from './store.ts';
import type { Health, StatusEvent, StatusSummary, Task } from './types.ts';

interface StoredTask {
  task: Task;
  health: Health;
  events: StatusEvent[];
}

interface StoredRecord {
  readonly scope: string | undefined;
  readonly value: unknown;
}

const NO_EVENTS: readonly StatusEvent[] = [];

/** An in-memory {@link Store}. Values are kept as given: callers must not mutate them. */
export class MemoryStore implements Store {
  readonly #tasks = new Map<string, StoredTask>();
  readonly #collections = new Map<string, Map<string, StoredRecord>>();
  readonly #health: Record<Health, number> = { successful: 0, errored: 0, critical: 0, unknown: 0 };
  readonly #enabled = { true: 0, false: 0 };

  getTask(id: string): Promise<Task | undefined> {
    return Promise.resolve(this.#tasks.get(id)?.task);
  }

  insertTask(task: Task): Promise<boolean> {
    if (this.#tasks.has(task.id)) return Promise.resolve(false);
    this.#tasks.set(task.id, { task, health: 'unknown', events: [] });
    this.#health.unknown++;
    this.#enabled[task.enabled ? 'true' : 'false']++;
    return Promise.resolve(true);
  }

  replaceTask(task: Task): Promise<boolean> {
    const stored = this.#tasks.get(task.id);
    if (stored === undefined) return Promise.resolve(false);
    if (stored.task.enabled !== task.enabled) {
      this.#enabled[stored.task.enabled ? 'true' : 'false']--;
      this.#enabled[task.enabled ? 'true' : 'false']++;
    }
    stored.task = task;
    return Promise.resolve(true);
  }

  deleteTask(id: string): Promise<boolean> {
    const stored = this.#tasks.get(id);
    if (stored === undefined) return Promise.resolve(false);
    this.#tasks.delete(id);
    this.#health[stored.health]--;
    this.#enabled[stored.task.enabled ? 'true' : 'false']--;
    return Promise.resolve(true);
  }

  listTasks(scope?: string): Promise<Task[]> {
    const tasks: Task[] = [];
    for (const { task } of this.#tasks.values()) {
      if (scope === undefined || task.scope === scope) tasks.push(task);
    }
    return Promise.resolve(tasks);
  }

  countTasks(): Promise<number> {
    return Promise.resolve(this.#tasks.size);
  }

  appendEvent(event: StatusEvent, limit: number): Promise<TaskStatus | undefined> {
    const stored = this.#tasks.get(event.taskId);
    if (stored === undefined) return Promise.resolve(undefined);
    stored.events.unshift(event);
    if (stored.events.length > limit) stored.events.length = Math.max(limit, 0);
    const health = healthOf(stored.events.map((kept) => kept.success));
    if (health !== stored.health) {
      this.#health[stored.health]--;
      this.#health[health]++;
      stored.health = health;
    }
    return Promise.resolve(statusOf(stored));
  }

  taskStatus(taskId: string): Promise<TaskStatus | undefined> {
    const stored = this.#tasks.get(taskId);
    return Promise.resolve(stored === undefined ? undefined : statusOf(stored));
  }

  summary(): Promise<StatusSummary> {
    return Promise.resolve({ health: { ...this.#health }, enabled: { ...this.#enabled } });
  }

  getRecord<T>(collection: string, key: string): Promise<T | undefined> {
    return Promise.resolve(this.#collections.get(collection)?.get(key)?.value as T | undefined);
  }

  putRecord<T>(collection: string, key: string, value: T, scope?: string): Promise<void> {
    let records = this.#collections.get(collection);
    if (records === undefined) {
      records = new Map();
      this.#collections.set(collection, records);
    }
    // Map.set on a present key keeps its place: a replaced record keeps its order.
    records.set(key, { scope, value });
    return Promise.resolve();
  }

  deleteRecord(collection: string, key: string): Promise<boolean> {
    return Promise.resolve(this.#collections.get(collection)?.delete(key) ?? false);
  }

  listRecords<T>(collection: string, scope?: string): Promise<T[]> {
    const values: T[] = [];
    for (const record of this.#collections.get(collection)?.values() ?? []) {
      if (scope === undefined || record.scope === scope) values.push(record.value as T);
    }
    return Promise.resolve(values);
  }

  clearRecords(collection: string, scope?: string): Promise<number> {
    const records = this.#collections.get(collection);
    if (records === undefined) return Promise.resolve(0);
    let removed = 0;
    for (const [key, record] of records) {
      if (scope !== undefined && record.scope !== scope) continue;
      records.delete(key);
      removed++;
    }
    return Promise.resolve(removed);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function statusOf(stored: StoredTask): TaskStatus {
  return {
    health: stored.health,
    events: stored.events.length === 0 ? NO_EVENTS : [...stored.events],
  };
}
