/**
 * Waiting on work that an AbortSignal may cut short: the engine stops
 * waiting the moment the signal aborts, whether or not the work listens.
 */

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Rejects with the signal's reason as soon as it aborts, whatever `work` does. */
export function untilAborted<T>(
  work: () => T | PromiseLike<T>,
  signal: AbortSignal,
): Promise<Awaited<T>> {
  return new Promise<Awaited<T>>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve()
      .then(work)
      .then((value) => resolve(value as Awaited<T>), reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
