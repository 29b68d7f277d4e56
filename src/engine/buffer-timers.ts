/**
 * Buffer periods of many tasks on one clock timer. Open windows sit in an
 * indexed min-heap, and a single timer is armed for the earliest.
 *
 * A change only writes the window's new fire time: the heap key is left
 * behind, which is safe because a snooze never moves a fire time earlier.
 * When the timer reaches a window whose real fire time is later, the window
 * is re-sorted then, once, instead of on every change. So a change is O(1)
 * and allocates nothing; 100 000 pending tasks cost one timer.
 */

import { snoozedFireAt } from './buffer-period.ts';
import type { Clock, ClockTimer } from './clock.ts';
import { type HeapEntry, MinHeap } from './min-heap.ts';

/** The fields a record needs to take part in buffering (the scheduler's per-task record has them). */
export interface BufferEntry extends HeapEntry {
  /** Whether a window is open. */
  windowOpen: boolean;
  /** When the window fires, if no further change comes. */
  fireAtMs: number;
  /** The latest it may fire. */
  deadlineMs: number;
  minMs: number;
  maxMs: number;
}

/** @internal The scheduler's debouncer. */
export class BufferTimers<T extends BufferEntry> {
  readonly #clock: Clock;
  readonly #onFire: (entry: T) => void;
  readonly #heap = new MinHeap<T>();
  #timer: ClockTimer | undefined;
  #timerAtMs = Number.POSITIVE_INFINITY;
  #seq = 0;

  constructor(clock: Clock, onFire: (entry: T) => void) {
    this.#clock = clock;
    this.#onFire = onFire;
  }

  /** How many windows are open. */
  get size(): number {
    return this.#heap.size;
  }

  /** Registers a change of `entry`: opens its window or snoozes it. Returns the fire time. */
  tick(entry: T): number {
    const nowMs = this.#clock.now();
    if (entry.windowOpen) {
      entry.fireAtMs = snoozedFireAt(entry, entry, nowMs);
      return entry.fireAtMs;
    }
    entry.windowOpen = true;
    entry.fireAtMs = nowMs + entry.minMs;
    entry.deadlineMs = nowMs + entry.maxMs;
    entry.keyMs = entry.fireAtMs;
    entry.seq = this.#seq++;
    this.#heap.push(entry);
    this.#arm();
    return entry.fireAtMs;
  }

  /** Closes `entry`'s window without firing (hcat's `BufferReset`). */
  reset(entry: T): void {
    if (!entry.windowOpen) return;
    entry.windowOpen = false;
    this.#heap.remove(entry);
    // The armed timer may now be early; it re-arms itself when it fires.
  }

  /** Closes every window and cancels the timer. */
  clear(): void {
    let entry = this.#heap.pop();
    while (entry !== undefined) {
      entry.windowOpen = false;
      entry = this.#heap.pop();
    }
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAtMs = Number.POSITIVE_INFINITY;
  }

  #arm(): void {
    const next = this.#heap.peek();
    if (next === undefined) return;
    // Only an earlier key needs a new timer; a later one is found when the armed timer fires.
    if (this.#timer !== undefined && this.#timerAtMs <= next.keyMs) return;
    this.#timer?.cancel();
    this.#timerAtMs = next.keyMs;
    this.#timer = this.#clock.setTimer(() => this.#fireDue(), next.keyMs - this.#clock.now());
  }

  #fireDue(): void {
    this.#timer = undefined;
    this.#timerAtMs = Number.POSITIVE_INFINITY;
    const nowMs = this.#clock.now();
    for (;;) {
      const next = this.#heap.peek();
      if (next === undefined || next.keyMs > nowMs) break;
      if (next.fireAtMs > nowMs) {
        // Snoozed since it was sorted: sort it by its real fire time now.
        next.keyMs = next.fireAtMs;
        this.#heap.update(next);
        continue;
      }
      this.#heap.pop();
      next.windowOpen = false;
      this.#onFire(next);
    }
    this.#arm();
  }
}
