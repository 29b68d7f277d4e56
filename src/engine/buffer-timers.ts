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

import { type BufferWindow, openWindow, snoozedFireAt } from './buffer-period.ts';
import type { Clock, ClockTimer } from './clock.ts';
import { type HeapEntry, MinHeap } from './min-heap.ts';

/**
 * The fields a record needs to take part in buffering (the scheduler's
 * per-task record has them). Its window is open while it is in the heap
 * (`heapIndex >= 0`). Times are offsets from {@link BufferTimers.baseMs}, so
 * they stay small integers rather than boxed epoch doubles.
 */
export interface BufferEntry extends HeapEntry {
  /** When the window fires if no further change comes (offset from the base). */
  fireAtMs: number;
  /** The latest it may fire (offset from the base). */
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
  /** The epoch ms that entries' times are offsets from. */
  readonly baseMs: number;

  constructor(clock: Clock, onFire: (entry: T) => void) {
    this.#clock = clock;
    this.#onFire = onFire;
    this.baseMs = clock.now();
  }

  /** The entry's fire time in epoch ms, if its window is open. */
  fireAtEpochMs(entry: T): number | undefined {
    return entry.heapIndex >= 0 ? this.baseMs + entry.fireAtMs : undefined;
  }

  /** The entry's fire time and deadline in epoch ms, if its window is open. */
  windowEpochMs(entry: T): BufferWindow | undefined {
    if (entry.heapIndex < 0) return undefined;
    return { fireAtMs: this.baseMs + entry.fireAtMs, deadlineMs: this.baseMs + entry.deadlineMs };
  }

  /** How many windows are open. */
  get size(): number {
    return this.#heap.size;
  }

  /**
   * Registers a change of `entry`: opens its window or snoozes it. Returns
   * nothing, so the hot path boxes no epoch time; see {@link fireAtEpochMs}.
   */
  tick(entry: T): void {
    const nowMs = this.#offsetNow();
    if (entry.heapIndex >= 0) {
      entry.fireAtMs = snoozedFireAt(entry, entry, nowMs);
      return;
    }
    openWindow(entry, nowMs, entry);
    entry.keyMs = entry.fireAtMs;
    entry.seq = this.#seq++;
    this.#heap.push(entry);
    this.#arm();
  }

  /** Closes `entry`'s window without firing (hcat's `BufferReset`). */
  reset(entry: T): void {
    this.#heap.remove(entry);
    // The armed timer may now be early; it re-arms itself when it fires.
  }

  /** Closes every window and cancels the timer. */
  clear(): void {
    this.#heap.clear();
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAtMs = Number.POSITIVE_INFINITY;
  }

  /**
   * Now, as an offset from the base. Rounded so that it is a small integer
   * (a V8 Smi) for the first 12 days: then the entries' time fields hold
   * Smis and a change allocates no boxed double. Later offsets are still
   * exact, only boxed.
   */
  #offsetNow(): number {
    return Math.round(this.#clock.now() - this.baseMs);
  }

  #arm(): void {
    const next = this.#heap.peek();
    if (next === undefined) return;
    // Only an earlier key needs a new timer; a later one is found when the armed timer fires.
    if (this.#timer !== undefined && this.#timerAtMs <= next.keyMs) return;
    this.#timer?.cancel();
    this.#timerAtMs = next.keyMs;
    this.#timer = this.#clock.setTimer(
      () => this.#fireDue(),
      this.baseMs + next.keyMs - this.#clock.now(),
    );
  }

  #fireDue(): void {
    this.#timer = undefined;
    this.#timerAtMs = Number.POSITIVE_INFINITY;
    const nowMs = this.#offsetNow();
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
      this.#onFire(next);
    }
    this.#arm();
  }
}
