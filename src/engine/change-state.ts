/**
 * The scheduler's record of one task that has seen a change: a copy of the
 * task's trigger settings, its pending changes, and its buffer window. It is
 * kept small because 100 000 of them may be pending at once: the five flags
 * share one small integer, and times are offsets from the buffer timers'
 * base, which stay small integers (no boxed doubles).
 */

import type { BufferEntry } from './buffer-timers.ts';
import type { Task } from './types.ts';

const ENABLED = 1;
const DELETING = 2;
const CHANGE_TRIGGERED = 4;
const BUFFERED = 8;
const FOLLOW_UP = 16;

/** @internal */
export class ChangeState implements BufferEntry {
  readonly taskId: string;
  #flags = 0;
  minMs = 0;
  maxMs = 0;
  /** The latest data announced. */
  data: unknown = undefined;
  /** Changes since the task last started a run. */
  count = 0;
  fireAtMs = 0;
  deadlineMs = 0;
  keyMs = 0;
  seq = 0;
  heapIndex = -1;

  constructor(task: Task) {
    this.taskId = task.id;
    this.copySettings(task);
  }

  /** Refreshes the copy of the task's settings (on create and update). */
  copySettings(task: Task): void {
    this.#set(ENABLED, task.enabled);
    this.#set(DELETING, task.deletionRequestedAtMs !== undefined);
    this.#set(
      CHANGE_TRIGGERED,
      task.triggers.some((trigger) => trigger.kind === 'change'),
    );
    this.#set(BUFFERED, task.bufferPeriod !== undefined);
    this.minMs = task.bufferPeriod?.minMs ?? 0;
    this.maxMs = task.bufferPeriod?.maxMs ?? 0;
  }

  get enabled(): boolean {
    return (this.#flags & ENABLED) !== 0;
  }

  /** Deletion was requested: no new runs. */
  get deleting(): boolean {
    return (this.#flags & DELETING) !== 0;
  }

  set deleting(value: boolean) {
    this.#set(DELETING, value);
  }

  /** The task has a `change` trigger. */
  get changeTriggered(): boolean {
    return (this.#flags & CHANGE_TRIGGERED) !== 0;
  }

  /** The task has a buffer period (`minMs`/`maxMs`). */
  get buffered(): boolean {
    return (this.#flags & BUFFERED) !== 0;
  }

  /** A run is owed as soon as the current one finishes. */
  get followUp(): boolean {
    return (this.#flags & FOLLOW_UP) !== 0;
  }

  set followUp(value: boolean) {
    this.#set(FOLLOW_UP, value);
  }

  /** A buffer window is open (the record is in the timers' heap). */
  get windowOpen(): boolean {
    return this.heapIndex >= 0;
  }

  #set(flag: number, on: boolean): void {
    this.#flags = on ? this.#flags | flag : this.#flags & ~flag;
  }
}
