/**
 * `VirtualClock.rewind`: time goes back without firing anything, and waiting
 * timers keep the delay they had left (a fake's reset rewinds its clock).
 */

import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';

describe('VirtualClock.rewind', () => {
  it('goes back to the start; waiting timers keep their remaining delay, in order', async () => {
    const clock = new VirtualClock({ startMs: 1_000 });
    const fired: string[] = [];
    await clock.advance(5_000);
    clock.setTimer(() => fired.push(`b@${clock.now()}`), 300);
    clock.setTimer(() => fired.push(`a@${clock.now()}`), 200);
    clock.rewind();
    expect(clock.now()).toBe(1_000);
    expect(clock.startMs).toBe(1_000);
    expect(clock.nextTimerAtMs).toBe(1_200);
    expect(fired).toEqual([]);
    await clock.advance(300);
    expect(fired).toEqual(['a@1200', 'b@1300']);
  });

  it('refuses a time later than now', async () => {
    const clock = new VirtualClock({ startMs: 0 });
    expect(() => clock.rewind(1)).toThrow(TypeError);
    expect(clock.nextTimerAtMs).toBeUndefined();
  });
});
