/**
 * Buffer periods of many tasks on one clock timer: the pending windows sit in
 * an indexed min-heap of fire times, and a single timer is armed for the
 * earliest. A change costs O(log n) and allocates nothing once the task's
 * window exists; 100 000 pending tasks cost one timer, not 100 000.
 */

import { openWindow, snoozedFireAt } from './buffer-period.ts';
import type { Clock, ClockTimer } from './clock.ts';
import { type HeapEntry, MinHeap } from './min-heap.ts';
import type { BufferPeriod } from './types.ts';

interface PendingWindow extends HeapEntry {
  readonly key: string;
  deadlineMs: number;
  period: BufferPeriod;
}

/** @internal The scheduler's debouncer. */
export class BufferTimers {
  readonly #clock: Clock;
  readonly #onFire: (key: string) => void;
  readonly #heap = new MinHeap<PendingWindow>();
  readonly #windows = new Map<string, PendingWindow>();
  #timer: ClockTimer | undefined;
  #timerAtMs = Number.POSITIVE_INFINITY;
  #seq = 0;

  constructor(clock: Clock, onFire: (key: string) => void) {
    this.#clock = clock;
    this.#onFire = onFire;
  }

  /** How many windows are open. */
  get size(): number {
    return this.#windows.size;
  }

  /**
   * Registers a change of `key`: opens its window or snoozes it. Returns the
   * time it will fire at.
   */
  tick(key: string, period: BufferPeriod): number {
    const nowMs = this.#clock.now();
    let window = this.#windows.get(key);
    if (window === undefined) {
      const opened = openWindow(period, nowMs);
      window = {
        key,
        keyMs: opened.fireAtMs,
        deadlineMs: opened.deadlineMs,
        period,
        seq: this.#seq++,
        heapIndex: -1,
      };
      this.#windows.set(key, window);
      this.#heap.push(window);
    } else {
      window.keyMs = snoozedFireAt(
        { fireAtMs: window.keyMs, deadlineMs: window.deadlineMs },
        window.period,
        nowMs,
      );
      this.#heap.update(window);
    }
    this.#arm();
    return window.keyMs;
  }

  /** When `key`'s window fires, if one is open. */
  fireAtMs(key: string): number | undefined {
    return this.#windows.get(key)?.keyMs;
  }

  /** Closes `key`'s window without firing (hcat's `BufferReset`). */
  reset(key: string): void {
    const window = this.#windows.get(key);
    if (window === undefined) return;
    this.#windows.delete(key);
    this.#heap.remove(window);
    // The armed timer may now be early; it re-arms itself when it fires.
  }

  /** Closes every window and cancels the timer. */
  clear(): void {
    this.#windows.clear();
    this.#heap.clear();
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAtMs = Number.POSITIVE_INFINITY;
  }

  #arm(): void {
    const next = this.#heap.peek();
    if (next === undefined) return;
    // Only an earlier fire time needs a new timer; a later one (a snooze of
    // the earliest window) is handled when the armed timer fires early.
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
      this.#heap.pop();
      this.#windows.delete(next.key);
      this.#onFire(next.key);
    }
    this.#arm();
  }
}
