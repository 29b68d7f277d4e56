/**
 * Time as the engine sees it. Every timer and timestamp of the engine goes
 * through a {@link Clock}, so tests and the fake server can drive time.
 */

/** A scheduled callback that can be cancelled. */
export interface ClockTimer {
  /** Cancels the callback; a no-op once it ran or was cancelled. */
  cancel(): void;
}

/** The engine's source of time and timers. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now (a negative delay counts as 0). */
  setTimer(callback: () => void, delayMs: number): ClockTimer;
  /** Whether this clock's time only moves when told to (a virtual clock). */
  readonly controlsTime: boolean;
}

/**
 * The wall clock. It looks the global timer functions up on every call rather
 * than at import time, so fake timers a user installs later (vi.useFakeTimers,
 * @sinonjs/fake-timers) still apply.
 */
export function createRealClock(): Clock {
  return {
    controlsTime: false,
    now: () => Date.now(),
    setTimer(callback, delayMs) {
      const handle = globalThis.setTimeout(callback, Math.max(0, delayMs));
      return { cancel: () => globalThis.clearTimeout(handle) };
    },
  };
}

/**
 * Resolves after `delayMs` on `clock`, or rejects with the signal's reason
 * once `signal` aborts. The timer is cancelled either way.
 */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
