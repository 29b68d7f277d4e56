/**
 * `close()` in `drain` mode gives up after `drainTimeoutMs` (issue #14, item
 * 5): an executor that never settles used to keep it waiting for ever.
 */

import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { Executor } from '../../src/engine/executor.ts';
import { DEFAULT_DRAIN_TIMEOUT_MS } from '../../src/engine/options.ts';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';

/** Steps that never resolve nor reject, whatever their signal says. */
const NEVER: Executor = { runStep: () => new Promise<never>(() => {}) };

describe('closeMode drain with a drain timeout', () => {
  it('waits drainTimeoutMs of the clock, then stops what still runs', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const engine = createEngine({ clock, executor: NEVER, closeMode: 'drain' });
    await engine.createTask({ id: 't', name: 't' });
    const execution = await engine.runNow('t');
    let closed = false;
    const closing = engine.close().then(() => {
      closed = true;
    });
    await clock.advance(DEFAULT_DRAIN_TIMEOUT_MS - 1);
    expect(closed).toBe(false);
    expect(execution.phase).toBe('running');
    await clock.advance(1);
    await closing;
    expect(execution.phase).toBe('stopped');
    expect(execution.steps[0]?.failureMessage).toBe('engine closed: drain timed out after 30000ms');
    expect(clock.pendingTimers).toBe(0);
  });

  it('an inspection that never settles is stopped too', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const engine = createEngine({ clock, executor: NEVER, closeMode: 'drain', drainTimeoutMs: 10 });
    await engine.createTask({ id: 't', name: 't' });
    // inspect() reads the task from the async store first: close once the inspection runs.
    const started = new Promise((resolve) => engine.events.once('execution:started', resolve));
    const inspection = engine.inspect('t');
    await started;
    const closing = engine.close();
    await clock.advance(10);
    await closing;
    expect((await inspection).phase).toBe('stopped');
  });

  it('an inspection asked for just before close() is stopped too, or refused', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const engine = createEngine({ clock, executor: NEVER, closeMode: 'drain', drainTimeoutMs: 10 });
    await engine.createTask({ id: 't', name: 't' });
    let outcome = 'still running';
    void engine.inspect('t').then(
      (execution) => {
        outcome = execution.phase;
      },
      (error: unknown) => {
        outcome = (error as { code?: string }).code ?? 'rejected';
      },
    );
    const closing = engine.close();
    await clock.advance(10);
    await closing;
    await new Promise((resolve) => setImmediate(resolve));
    expect(['stopped', 'closed']).toContain(outcome);
  });

  it('drainTimeoutMs: Infinity waits for ever; the timer is not even set', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    const engine = createEngine({
      clock,
      executor: NEVER,
      closeMode: 'drain',
      drainTimeoutMs: Number.POSITIVE_INFINITY,
    });
    await engine.createTask({ id: 't', name: 't' });
    await engine.runNow('t');
    void engine.close();
    await clock.advance(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses a drain timeout that is not a duration', () => {
    expect(() => createEngine({ drainTimeoutMs: -1 })).toThrow(
      'Expected `drainTimeoutMs` to be a non-negative number of milliseconds or Infinity, got -1 (number)',
    );
  });
});
