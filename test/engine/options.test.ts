import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { type EngineOptions, resolveEngineOptions } from '../../src/engine/options.ts';

describe('createEngine options', () => {
  it.each<[string, EngineOptions, string]>([
    [
      'concurrency',
      { concurrency: 0 },
      'Expected `concurrency` to be an integer >= 1 or Infinity, got 0 (number)',
    ],
    [
      'stepConcurrency',
      { stepConcurrency: 1.5 },
      'Expected `stepConcurrency` to be an integer >= 1 or Infinity, got 1.5 (number)',
    ],
    [
      'executionTimeoutMs',
      { executionTimeoutMs: -5 },
      'Expected `executionTimeoutMs` to be a positive number of milliseconds, got -5 (number)',
    ],
    [
      'historyLimit',
      { historyLimit: 0 },
      'Expected `historyLimit` to be an integer >= 1, got 0 (number)',
    ],
    [
      'closeMode',
      { closeMode: 'later' as never },
      "Expected `closeMode` to be 'abort' or 'drain', got \"later\" (string)",
    ],
    [
      'executor',
      { executor: {} as never },
      'Expected `executor` to be an Executor with a runStep function, got [object Object] (object)',
    ],
    [
      'clock',
      { clock: { now: () => 0 } as never },
      'Expected `clock` to be a Clock, got [object Object] (object)',
    ],
    [
      'retry.attempts',
      { retry: { attempts: 0, baseDelayMs: 1 } },
      'Expected `retry.attempts` to be an integer >= 1, got 0 (number)',
    ],
  ])('rejects a bad %s with a TypeError that names it', (_name, options, message) => {
    expect(() => createEngine(options)).toThrow(new TypeError(message));
  });

  // The engine no longer exposes its resolved options: `settings` is what a dialect reads back.
  it('does not mutate the options object', async () => {
    const options = Object.freeze({ historyLimit: 3 });
    const engine = createEngine(options);
    expect(options).toEqual({ historyLimit: 3 });
    expect(engine.settings).toEqual({
      historyLimit: 3,
      executionHistoryLimit: 50,
      closeMode: 'abort',
    });
    expect(resolveEngineOptions(options).concurrency).toBe(Number.POSITIVE_INFINITY);
    await engine.close();
  });

  it('rejects a store that is not the async Store port', () => {
    const oldShape = { putTask: () => undefined, getTask: () => undefined };
    expect(() => createEngine({ store: oldShape as never })).toThrow(
      new TypeError('Expected `store` to be a Store, got [object Object] (object)'),
    );
  });
});
