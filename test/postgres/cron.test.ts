/**
 * Cron slots in PostgreSQL across pools: a tick claimed by exactly one
 * process, and ticks missed beyond the grace skipped while the slot moves on.
 */

import { afterEach, beforeEach, expect, it } from 'vitest';
import type { NextCronTick } from '../../src/engine/coordination.ts';
import type { PostgresCoordination } from '../../src/postgres/postgres-coordination.ts';
import { useTestDatabase } from '../support/postgres.ts';
import { every, type Processes, processes, race, T0 } from './support.ts';

const db = useTestDatabase();
const MINUTE = 60_000;
const EVERY_MINUTE = every(MINUTE);
const SLOT = { expression: '* * * * *', timezone: 'UTC' };

let world: Processes;
let a: PostgresCoordination;
let b: PostgresCoordination;
beforeEach(async () => {
  world = await processes(db(), 3);
  [a, b] = world.all as [PostgresCoordination, PostgresCoordination];
});
afterEach(() => world.close());

it('arms each slot at its next tick after now, in trigger order, and replaces them', async () => {
  await world.clock.advance(10_000);
  const hourly = { expression: '0 * * * *', timezone: 'Europe/Paris' };
  const next: NextCronTick = (expression, _timezone, afterMs) =>
    expression === SLOT.expression
      ? EVERY_MINUTE('', '', afterMs)
      : every(60 * MINUTE)('', '', afterMs);
  expect(await a.setCronSlots('web', [SLOT, hourly], next)).toEqual([
    { taskId: 'web', slot: 0, ...SLOT, nextAtMs: T0 + MINUTE },
    { taskId: 'web', slot: 1, ...hourly, nextAtMs: T0 + 60 * MINUTE },
  ]);
  expect(await b.nextDueAtMs()).toBe(T0 + MINUTE);
  // Fewer slots: the extra one goes; none: the task has no cron left.
  await b.setCronSlots('web', [hourly], next);
  await world.clock.advance(MINUTE);
  expect(await a.claimCronTicks(10, 1_000, next)).toEqual([]);
  await b.setCronSlots('web', [], next);
  expect(await a.nextDueAtMs()).toBeUndefined();
});

it('hands a due tick to exactly one of many concurrent claimers and moves the slot on', async () => {
  await a.setCronSlots('web', [SLOT], EVERY_MINUTE);
  await a.setCronSlots('db', [SLOT], EVERY_MINUTE);
  await world.clock.advance(MINUTE);
  const claims = (
    await race(world.all, 12, (coordination) =>
      coordination.claimCronTicks(10, 5_000, EVERY_MINUTE),
    )
  ).flat();
  expect(claims.sort((x, y) => x.taskId.localeCompare(y.taskId))).toEqual([
    { taskId: 'db', slot: 0, tickAtMs: T0 + MINUTE },
    { taskId: 'web', slot: 0, tickAtMs: T0 + MINUTE },
  ]);
  expect(await b.nextDueAtMs()).toBe(T0 + 2 * MINUTE);
  expect(await b.claimCronTicks(10, 5_000, EVERY_MINUTE)).toEqual([]);
});

it('claims a tick still within the grace', async () => {
  await a.setCronSlots('web', [SLOT], EVERY_MINUTE);
  await world.clock.advance(MINUTE + 5_000);
  expect(await b.claimCronTicks(10, 5_000, EVERY_MINUTE)).toEqual([
    { taskId: 'web', slot: 0, tickAtMs: T0 + MINUTE },
  ]);
});

it('skips a tick later than the grace, and the slot moves on to its next tick', async () => {
  await a.setCronSlots('web', [SLOT], EVERY_MINUTE);
  await world.clock.advance(MINUTE + 5_001);
  expect(await b.claimCronTicks(10, 5_000, EVERY_MINUTE)).toEqual([]);
  expect(await b.nextDueAtMs()).toBe(T0 + 2 * MINUTE);
  await world.clock.advance(MINUTE - 5_001);
  expect(await a.claimCronTicks(10, 5_000, EVERY_MINUTE)).toEqual([
    { taskId: 'web', slot: 0, tickAtMs: T0 + 2 * MINUTE },
  ]);
});

it('after an outage fires one tick that lies within the grace, not the ones missed before it', async () => {
  await a.setCronSlots('web', [SLOT], EVERY_MINUTE);
  // Ten ticks pass with nobody claiming; the latest was 3 s ago.
  await world.clock.advance(10 * MINUTE + 3_000);
  expect(await b.claimCronTicks(10, 5_000, EVERY_MINUTE)).toEqual([
    { taskId: 'web', slot: 0, tickAtMs: T0 + 10 * MINUTE },
  ]);
  expect(await b.nextDueAtMs()).toBe(T0 + 11 * MINUTE);
});

it('takes at most `limit` slots, and leaves the rest due', async () => {
  for (const task of ['a', 'b', 'c']) await a.setCronSlots(task, [SLOT], EVERY_MINUTE);
  await world.clock.advance(MINUTE);
  expect(await b.claimCronTicks(2, 5_000, EVERY_MINUTE)).toHaveLength(2);
  expect(await b.claimCronTicks(2, 5_000, EVERY_MINUTE)).toHaveLength(1);
});

it('disarms a slot whose expression the parser rejects instead of failing every claim', async () => {
  await a.setCronSlots('web', [SLOT], EVERY_MINUTE);
  await a.setCronSlots('db', [SLOT], EVERY_MINUTE);
  await world.clock.advance(MINUTE);
  const picky: NextCronTick = (expression, timezone, afterMs) => {
    if (afterMs > T0 + MINUTE - 10_000 && timezone === 'UTC' && expression !== '') {
      throw new Error('the parser changed its mind');
    }
    return EVERY_MINUTE(expression, timezone, afterMs);
  };
  // Both ticks were due within the grace; neither slot has a next tick now.
  expect(await b.claimCronTicks(10, 5_000, picky)).toHaveLength(2);
  expect(await b.nextDueAtMs()).toBeUndefined();
});

it('forgets the slots of a deleted task', async () => {
  await a.setCronSlots('web', [SLOT], EVERY_MINUTE);
  await b.forgetTask('web');
  await world.clock.advance(MINUTE);
  expect(await a.claimCronTicks(10, 5_000, EVERY_MINUTE)).toEqual([]);
});
