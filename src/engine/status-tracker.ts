/**
 * Records finished executions as status events: a bounded newest-first
 * history per task, the health rule, and summary counts kept incrementally
 * so the overall status costs the same at 100 000 tasks as at 10.
 */

import type { Clock } from './clock.ts';
import type { EngineEvents } from './events.ts';
import { healthFromCounts } from './health.ts';
import type { Store } from './store.ts';
import type { Execution, Health, StatusEvent, StatusSummary, Task } from './types.ts';

/** What an {@link EventPolicy} keeps of an execution. */
export interface EventDecision {
  /** Kept with the event (CTS's `config`). */
  readonly details?: unknown;
  /** The event's error message, instead of the execution's (CTS's retry wording). */
  readonly failureMessage?: string;
}

/**
 * Decides whether a finished `apply` execution becomes an event, and what the
 * event keeps. Return `undefined` to record nothing (CTS: a change-triggered
 * run that found no data change).
 */
export type EventPolicy = (execution: Execution, task: Task) => EventDecision | undefined;

/** The default policy: every finished `apply` execution that was not stopped is recorded. */
export const RECORD_EVERY_EXECUTION: EventPolicy = (execution) =>
  execution.phase === 'stopped' ? undefined : {};

/** The collaborators and settings of a {@link StatusTracker}. */
export interface StatusTrackerDependencies {
  readonly store: Store;
  readonly clock: Clock;
  readonly events: EngineEvents;
  readonly createId: () => string;
  readonly historyLimit: number;
  readonly policy: EventPolicy;
  readonly lookupTask: (id: string) => Task | undefined;
}

interface TaskHealth {
  enabled: boolean;
  eventCount: number;
  failureCount: number;
  newestSucceeded: boolean;
  health: Health;
}

/** The status side of the engine. */
export class StatusTracker {
  readonly #deps: StatusTrackerDependencies;
  readonly #byTask = new Map<string, TaskHealth>();
  readonly #health: Record<Health, number> = { successful: 0, errored: 0, critical: 0, unknown: 0 };
  readonly #enabled = { true: 0, false: 0 };

  constructor(deps: StatusTrackerDependencies) {
    this.#deps = deps;
    deps.events.on('task:created', (task) => this.#add(task));
    deps.events.on('task:updated', (task) => this.#setEnabled(task.id, task.enabled));
    deps.events.on('task:deleted', (task) => this.#remove(task.id));
    deps.events.on('execution:finished', (execution) => this.#onFinished(execution));
  }

  /**
   * Takes over a task that was already in the store when this engine started
   * (another process wrote it): its health and counts come from its stored events.
   */
  adopt(task: Task): void {
    this.#add(task);
    const state = this.#byTask.get(task.id) as TaskHealth;
    const events = this.#deps.store.listEvents(task.id).slice(0, this.#deps.historyLimit);
    state.eventCount = events.length;
    state.failureCount = events.filter((event) => !event.success).length;
    state.newestSucceeded = events[0]?.success === true;
    this.#reclassify(state);
  }

  /** The task's events, newest first (at most the history limit). */
  events(taskId: string): readonly StatusEvent[] {
    return this.#deps.store.listEvents(taskId);
  }

  /** The task's health, or undefined for an unknown task. */
  health(taskId: string): Health | undefined {
    return this.#byTask.get(taskId)?.health;
  }

  /** Counts over every task by health and by enabled, in O(1). */
  summary(): StatusSummary {
    return { health: { ...this.#health }, enabled: { ...this.#enabled } };
  }

  /** Records an event for a task directly (a dialect's own run outcome). */
  record(event: Omit<StatusEvent, 'id'> & { readonly id?: string }): StatusEvent {
    const state = this.#byTask.get(event.taskId);
    const stored: StatusEvent = { ...event, id: event.id ?? this.#deps.createId() };
    if (state === undefined) return stored;
    const dropped = this.#deps.store.prependEvent(stored, this.#deps.historyLimit);
    state.eventCount = Math.min(state.eventCount + 1, this.#deps.historyLimit);
    if (!stored.success) state.failureCount++;
    if (dropped !== undefined && !dropped.success) state.failureCount--;
    state.newestSucceeded = stored.success;
    this.#reclassify(state);
    this.#deps.events.emit('event:recorded', stored);
    return stored;
  }

  #onFinished(execution: Execution): void {
    if (execution.mode !== 'apply') return;
    const task = this.#deps.lookupTask(execution.taskId);
    if (task === undefined) return;
    const decision = this.#deps.policy(execution, task);
    if (decision === undefined) return;
    this.record({
      taskId: task.id,
      executionId: execution.id,
      success: execution.phase === 'succeeded',
      startedAtMs: execution.startedAtMs ?? execution.createdAtMs,
      finishedAtMs: execution.finishedAtMs ?? this.#deps.clock.now(),
      failureMessage:
        execution.phase === 'succeeded'
          ? undefined
          : (decision.failureMessage ?? execution.failureMessage),
      trigger: execution.trigger.kind,
      details: decision.details,
    });
  }

  #add(task: Task): void {
    const state: TaskHealth = {
      enabled: task.enabled,
      eventCount: 0,
      failureCount: 0,
      newestSucceeded: false,
      health: 'unknown',
    };
    this.#byTask.set(task.id, state);
    this.#health.unknown++;
    this.#enabled[task.enabled ? 'true' : 'false']++;
  }

  #setEnabled(taskId: string, enabled: boolean): void {
    const state = this.#byTask.get(taskId);
    if (state === undefined || state.enabled === enabled) return;
    this.#enabled[state.enabled ? 'true' : 'false']--;
    this.#enabled[enabled ? 'true' : 'false']++;
    state.enabled = enabled;
  }

  #remove(taskId: string): void {
    const state = this.#byTask.get(taskId);
    if (state === undefined) return;
    this.#byTask.delete(taskId);
    this.#health[state.health]--;
    this.#enabled[state.enabled ? 'true' : 'false']--;
  }

  #reclassify(state: TaskHealth): void {
    const next = healthFromCounts(state.eventCount, state.newestSucceeded, state.failureCount);
    if (next === state.health) return;
    this.#health[state.health]--;
    this.#health[next]++;
    state.health = next;
  }
}
