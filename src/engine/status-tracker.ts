/**
 * Records finished executions as status events. The history, the health
 * rule and the summary counts live in the {@link Store}, updated in the same
 * step as each event, so every engine on a shared store reads one status.
 */

import type { Clock } from './clock.ts';
import type { EngineEvents } from './events.ts';
import type { Store, TaskStatus } from './store.ts';
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
}

/** What {@link StatusTracker.record} takes: an event, its id optional. */
export type StatusEventInput = Omit<StatusEvent, 'id'> & { readonly id?: string };

/** The status side of the engine. */
export class StatusTracker {
  readonly #deps: StatusTrackerDependencies;

  constructor(deps: StatusTrackerDependencies) {
    this.#deps = deps;
  }

  /** The task's health and events (newest first), or undefined for an unknown task. */
  taskStatus(taskId: string): Promise<TaskStatus | undefined> {
    return this.#deps.store.taskStatus(taskId);
  }

  /** The task's health, or undefined for an unknown task. */
  async health(taskId: string): Promise<Health | undefined> {
    return (await this.#deps.store.taskStatus(taskId))?.health;
  }

  /** Counts over every task by health and by enabled. */
  summary(): Promise<StatusSummary> {
    return this.#deps.store.summary();
  }

  /**
   * Records an event for a task directly (a dialect's own run outcome).
   * Resolves with the stored event, or undefined when the task is unknown.
   */
  async record(input: StatusEventInput): Promise<StatusEvent | undefined> {
    const event: StatusEvent = { ...input, id: input.id ?? this.#deps.createId() };
    const status = await this.#deps.store.appendEvent(event, this.#deps.historyLimit);
    if (status === undefined) return undefined;
    this.#deps.events.emit('event:recorded', event);
    return event;
  }

  /**
   * Records the event a finished `apply` execution stands for, as the policy
   * decides. The runner awaits this before the task counts as inactive, so a
   * run's event is stored before any follow-up run of the task starts.
   * Undefined, with no promise made, when the policy keeps no event: the
   * runner then frees the task at once (the hot path of a storm of runs).
   */
  recordExecution(execution: Execution, task: Task): Promise<void> | undefined {
    if (execution.mode !== 'apply') return undefined;
    const decision = this.#deps.policy(execution, task);
    if (decision === undefined) return undefined;
    return this.#recordDecision(execution, task, decision);
  }

  async #recordDecision(execution: Execution, task: Task, decision: EventDecision): Promise<void> {
    await this.record({
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
}
