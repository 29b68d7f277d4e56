/**
 * Cron slots in PostgreSQL: one row per cron trigger of a task, armed at its
 * next tick. The next tick comes from the engine's parser (`NextCronTick`),
 * so these run as transactions: lock, compute in JavaScript, write back.
 *
 * Missed ticks. A tick is fired when it is claimed at most `graceMs` after
 * it was due. When a slot is claimed later than that (no process ran during
 * the tick, or they all were busy), it fires the earliest tick that still
 * lies within the grace, if there is one, and otherwise nothing; either way
 * it moves on to its next tick after now. Ticks missed during an outage are
 * not made up, as CTS's own scheduler does not make them up.
 */

import type pg from 'pg';
import type { ClaimedTick, CronSlot, NextCronTick } from '../engine/coordination.ts';
import { CLOCK } from './coordination-sql.ts';
import type { SchemaNames } from './names.ts';
import { toNumber } from './rows.ts';

/** The next tick, or undefined when there is none or the expression cannot say. */
function nextTick(next: NextCronTick, expression: string, timezone: string, afterMs: number) {
  try {
    return next(expression, timezone, afterMs);
  } catch {
    // A slot whose expression the parser refuses is disarmed, not a poison
    // row that fails every later claim of every process.
    return undefined;
  }
}

/** A tick as stored; undefined for none, or for a value that is no time. */
function tickOrUndefined(value: number | undefined): number | undefined {
  return value === undefined || !Number.isFinite(value) ? undefined : value;
}

async function nowOf(client: pg.PoolClient, clock: number | null): Promise<number> {
  if (clock !== null) return clock;
  const { rows } = await client.query<{ now_ms: number | string }>(
    `WITH ${CLOCK} SELECT now_ms FROM clock`,
    [null],
  );
  return toNumber(rows[0]?.now_ms ?? 0);
}

/** Replaces a task's slots inside the caller's transaction. */
export async function setCronSlots(
  client: pg.PoolClient,
  names: SchemaNames,
  clock: number | null,
  taskId: string,
  slots: readonly Omit<CronSlot, 'taskId' | 'slot' | 'nextAtMs'>[],
  next: NextCronTick,
): Promise<CronSlot[]> {
  // Serialises replacements of one task's slots across processes, rows or no rows.
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `taskport:${names.schema}:cron:${taskId}`,
  ]);
  const nowMs = await nowOf(client, clock);
  const armed: CronSlot[] = slots.map((slot, index) => ({
    taskId,
    slot: index,
    expression: slot.expression,
    timezone: slot.timezone,
    nextAtMs: tickOrUndefined(nextTick(next, slot.expression, slot.timezone, nowMs)),
  }));
  if (armed.length > 0) {
    await client.query(
      `INSERT INTO ${names.cronSlots} (task_id, slot, expression, timezone, next_at_ms)
      SELECT $1::text, s.slot, s.expression, s.timezone, s.next_at_ms
      FROM unnest($2::int[], $3::text[], $4::text[], $5::float8[])
        AS s (slot, expression, timezone, next_at_ms)
      ON CONFLICT (task_id, slot) DO UPDATE SET expression = excluded.expression,
        timezone = excluded.timezone, next_at_ms = excluded.next_at_ms`,
      [
        taskId,
        armed.map((slot) => slot.slot),
        armed.map((slot) => slot.expression),
        armed.map((slot) => slot.timezone),
        armed.map((slot) => slot.nextAtMs ?? null),
      ],
    );
  }
  await client.query(`DELETE FROM ${names.cronSlots} WHERE task_id = $1 AND slot >= $2`, [
    taskId,
    armed.length,
  ]);
  return armed;
}

interface DueSlotRow {
  readonly task_id: string;
  readonly slot: number;
  readonly expression: string;
  readonly timezone: string;
  readonly next_at_ms: number | string;
  readonly now_ms: number | string;
}

/** Claims due ticks inside the caller's transaction (see the module comment). */
export async function claimCronTicks(
  client: pg.PoolClient,
  names: SchemaNames,
  clock: number | null,
  limit: number,
  graceMs: number,
  next: NextCronTick,
): Promise<ClaimedTick[]> {
  const { rows } = await client.query<DueSlotRow>(
    `WITH ${CLOCK}
    SELECT s.task_id, s.slot, s.expression, s.timezone, s.next_at_ms, clock.now_ms
    FROM ${names.cronSlots} s, clock
    WHERE s.next_at_ms <= clock.now_ms
    ORDER BY s.next_at_ms, s.task_id, s.slot
    LIMIT $2::int
    FOR UPDATE OF s SKIP LOCKED`,
    [clock, limit],
  );
  if (rows.length === 0) return [];
  const claimed: ClaimedTick[] = [];
  const moved = rows.map((row) => {
    const nowMs = toNumber(row.now_ms);
    const dueAtMs = toNumber(row.next_at_ms);
    const earliestInGraceMs = nowMs - Math.max(0, graceMs);
    const tickAtMs =
      dueAtMs >= earliestInGraceMs
        ? dueAtMs
        : nextTick(next, row.expression, row.timezone, earliestInGraceMs - 1);
    if (tickAtMs !== undefined && tickAtMs <= nowMs) {
      claimed.push({ taskId: row.task_id, slot: row.slot, tickAtMs });
    }
    return {
      taskId: row.task_id,
      slot: row.slot,
      nextAtMs: tickOrUndefined(nextTick(next, row.expression, row.timezone, nowMs)),
    };
  });
  await client.query(
    `UPDATE ${names.cronSlots} s SET next_at_ms = m.next_at_ms
    FROM unnest($1::text[], $2::int[], $3::float8[]) AS m (task_id, slot, next_at_ms)
    WHERE s.task_id = m.task_id AND s.slot = m.slot`,
    [
      moved.map((slot) => slot.taskId),
      moved.map((slot) => slot.slot),
      moved.map((slot) => slot.nextAtMs ?? null),
    ],
  );
  return claimed;
}
