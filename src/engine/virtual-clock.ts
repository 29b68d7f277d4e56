/**
 * A clock whose time moves only when told to, for tests and the fake server.
 */

import {
  AdvanceLimitError,
  type AdvanceOptions,
  TIMERS_PER_YIELD,
  validateMaxTimers,
} from './advance-limit.ts';
import type { Clock, ClockTimer } from './clock.ts';
import { type HeapEntry, MinHeap } from './min-heap.ts';

/** Something that has work in flight and can say when it has none (an engine). */
export interface IdleParticipant {
  /** True when it has no work in flight. */
  isIdle(): boolean;
  /** Resolves the next time it becomes idle. */
  whenIdle(): Promise<void>;
}

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /**
   * The time the clock starts at, epoch ms.
   * @default Date.UTC(2026, 0, 1)
   */
  readonly startMs?: number;
}

/**
 * @deprecated Use {@link IdleParticipant}: the same interface, named with
 * the one idle word.
 */
export type SettleParticipant = IdleParticipant;

/** Options of {@link VirtualClock.whenIdle}. */
export interface WhenIdleOptions {
  /**
   * How many times it may move time forward to the next timer while waiting,
   * before it gives up with an error (a cron that keeps a task busy forever).
   * @default 10_000
   */
  readonly maxTimerJumps?: number;
}

/** The default start of virtual time: 2026-01-01T00:00:00Z. */
export const DEFAULT_VIRTUAL_START_MS = Date.UTC(2026, 0, 1);

/**
 * How many microtask turns to let pass after each timer fires, so that promise
 * chains the timer started (a run request reaching the executor) get to their
 * next timer before time moves on. Cheap: no macrotask is involved.
 */
const MICROTASK_TURNS_PER_TIMER = 100;

/** @deprecated Use {@link WhenIdleOptions}. */
export type RunUntilIdleOptions = WhenIdleOptions;

// Captured once so a user's fake timers cannot stop whenIdle from yielding.
const realSetTimeout = globalThis.setTimeout;

interface VirtualTimer extends HeapEntry {
  callback: () => void;
}

async function flushMicrotasks(): Promise<void> {
  for (let turn = 0; turn < MICROTASK_TURNS_PER_TIMER; turn++) await Promise.resolve();
}

function macrotaskYield(): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, 0));
}

/**
 * A {@link Clock} driven by hand: `advance(ms)` runs the timers that fall due
 * in order, `whenIdle()` lets the engines attached to it finish their work.
 *
 * @example
 * const clock = new VirtualClock();
 * const engine = createEngine({ clock, executor });
 * await engine.notifyChange('web', { instances: 3 });
 * await clock.advance(5_000); // the buffer period elapses, the run starts
 * await clock.whenIdle();  // the run finishes
 */
export class VirtualClock implements Clock {
  readonly controlsTime = true;
  readonly #timers = new MinHeap<VirtualTimer>();
  readonly #participants = new Set<IdleParticipant>();
  readonly #startMs: number;
  #nowMs: number;
  #seq = 0;
  #timerAdded: (() => void) | undefined;

  constructor(options: VirtualClockOptions = {}) {
    const startMs = options.startMs ?? DEFAULT_VIRTUAL_START_MS;
    if (!Number.isFinite(startMs)) {
      throw new TypeError(
        `Expected \`startMs\` to be a finite number, got ${String(startMs)} (${typeof startMs})`,
      );
    }
    this.#startMs = startMs;
    this.#nowMs = startMs;
  }

  /** The time the clock started at, epoch ms. */
  get startMs(): number {
    return this.#startMs;
  }

  /**
   * Sets time back to `toMs` (the start by default), firing nothing; waiting
   * timers keep the delay they had left. For a fake server's reset: a new
   * world reads the same times as the first one did.
   */
  rewind(toMs: number = this.#startMs): void {
    if (!(Number.isFinite(toMs) && toMs <= this.#nowMs)) {
      throw new TypeError(
        `Expected \`toMs\` to be a finite time no later than now (${this.#nowMs}), got ${String(toMs)}`,
      );
    }
    this.#timers.shiftKeys(toMs - this.#nowMs);
    this.#nowMs = toMs;
  }

  now(): number {
    return this.#nowMs;
  }

  /** How many timers are waiting. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** When the first waiting timer falls due (epoch ms); undefined when none waits. */
  get nextTimerAtMs(): number | undefined {
    return this.#timers.peek()?.keyMs;
  }

  setTimer(callback: () => void, delayMs: number): ClockTimer {
    const timer: VirtualTimer = {
      callback,
      keyMs: this.#nowMs + Math.max(0, Number.isFinite(delayMs) ? delayMs : 0),
      seq: this.#seq++,
      heapIndex: -1,
    };
    this.#timers.push(timer);
    this.#timerAdded?.();
    return { cancel: () => this.#timers.remove(timer) };
  }

  /**
   * Lets `participant` be waited for by {@link whenIdle}. Returns the
   * function that detaches it.
   */
  track(participant: IdleParticipant): () => void {
    this.#participants.add(participant);
    return () => this.#participants.delete(participant);
  }

  /**
   * Moves time forward by `ms`, running every timer that falls due on the
   * way, in order, each at its own time. It yields to the event loop every
   * {@link TIMERS_PER_YIELD} timers. With `maxTimers` or `signal` it can stop
   * early: the clock then stands at the last timer that fired, the rest wait.
   */
  async advance(ms: number, options: AdvanceOptions = {}): Promise<void> {
    if (!(Number.isFinite(ms) && ms >= 0)) {
      throw new TypeError(
        `Expected \`ms\` to be a non-negative finite number, got ${String(ms)} (${typeof ms})`,
      );
    }
    const maxTimers = validateMaxTimers(options.maxTimers);
    options.signal?.throwIfAborted();
    await this.#runDueUntil(this.#nowMs + ms, maxTimers, options.signal);
  }

  /** Moves time forward to `timeMs` (epoch ms), as {@link advance} does. */
  async advanceTo(timeMs: number): Promise<void> {
    await this.advance(Math.max(0, timeMs - this.#nowMs));
  }

  /**
   * Runs every timer due now, then waits until the attached engines are idle.
   * While they are busy and a macrotask passes without them finishing, the
   * work can only be waiting on virtual time, so time jumps to the next timer.
   */
  async whenIdle(options: WhenIdleOptions = {}): Promise<void> {
    const maxTimerJumps = options.maxTimerJumps ?? 10_000;
    let jumps = 0;
    await this.#runDueUntil(this.#nowMs);
    for (;;) {
      await macrotaskYield();
      await this.#runDueUntil(this.#nowMs);
      if (this.#allIdle()) return;
      const next = this.#timers.peek();
      if (next === undefined) {
        await this.#idleOrTimer();
        continue;
      }
      if (++jumps > maxTimerJumps) {
        throw new Error(
          `taskport: whenIdle moved time ${maxTimerJumps} times and the engine is still busy; ` +
            'advance the clock explicitly, or raise maxTimerJumps.',
        );
      }
      await this.#runDueUntil(next.keyMs);
    }
  }

  /** @deprecated Use {@link whenIdle}, the one idle verb of the engine, the clock and the fake. */
  runUntilIdle(options: WhenIdleOptions = {}): Promise<void> {
    return this.whenIdle(options);
  }

  async #runDueUntil(
    targetMs: number,
    maxTimers = Number.POSITIVE_INFINITY,
    signal?: AbortSignal,
  ): Promise<void> {
    await flushMicrotasks();
    let fired = 0;
    for (;;) {
      const next = this.#timers.peek();
      if (next === undefined || next.keyMs > targetMs) break;
      if (fired >= maxTimers) throw new AdvanceLimitError(maxTimers, this.#nowMs, targetMs);
      this.#timers.pop();
      if (next.keyMs > this.#nowMs) this.#nowMs = next.keyMs;
      next.callback();
      fired++;
      await flushMicrotasks();
      // Let I/O in now and then: a long advance must not starve the process.
      if (fired % TIMERS_PER_YIELD === 0) await macrotaskYield();
      if (signal?.aborted) throw signal.reason;
    }
    if (targetMs > this.#nowMs) this.#nowMs = targetMs;
  }

  #allIdle(): boolean {
    for (const participant of this.#participants) if (!participant.isIdle()) return false;
    return true;
  }

  #idleOrTimer(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.#timerAdded = undefined;
        resolve();
      };
      this.#timerAdded = done;
      const busy = [...this.#participants].filter((participant) => !participant.isIdle());
      void Promise.all(busy.map((participant) => participant.whenIdle())).then(done);
    });
  }
}
