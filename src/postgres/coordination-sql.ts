/**
 * The statements of {@link PostgresCoordination}, and its rows.
 *
 * Every statement takes the coordination clock as `$1`: the epoch ms of a
 * clock the caller was given, or NULL for the database's own `now()`, so one
 * text serves both. Each decision that must hold across processes is one
 * statement (or one transaction) that locks what it decides on:
 *
 * - due windows and expired leases are taken `FOR UPDATE SKIP LOCKED`, so
 *   concurrent claimers split them and none waits for another;
 * - a lease is granted by `INSERT … ON CONFLICT (task_id)`, which replaces
 *   an existing lease only when it is the expired one this statement locked
 *   and moved to `lapsed_runs`; a valid lease, or one granted meanwhile,
 *   makes the grant return nothing;
 * - a claimed window is deleted in the statement that granted its lease,
 *   and only for the tasks whose lease was granted.
 */

import type { ClaimedRun, Lease, LeasedRun, WindowState } from '../engine/coordination.ts';
import type { TriggerKind } from '../engine/types.ts';
import type { SchemaNames } from './names.ts';
import { fromJson, type TaskRow, taskColumns, taskFromRow, toNumber } from './rows.ts';

/** The coordination clock of a statement, in epoch ms. */
export const CLOCK = `clock AS (
  SELECT coalesce($1::float8, floor(extract(epoch FROM now()) * 1000)::float8) AS now_ms
)`;

/** The columns of a lease and of a lapsed run (they are the same). */
const RUN_COLUMNS =
  'task_id, fence, owner, expires_at_ms, execution_id, trigger, data, change_count, started_at_ms, attempt';

/** Lease columns of alias `alias` as {@link LeaseRow} names them. */
function leaseColumns(alias: string): string {
  return `${alias}.task_id, ${alias}.fence, ${alias}.owner, ${alias}.expires_at_ms,
    ${alias}.execution_id, ${alias}.trigger, ${alias}.data::text AS data, ${alias}.change_count,
    ${alias}.started_at_ms, ${alias}.attempt`;
}

export interface LeaseRow {
  readonly task_id: string;
  readonly fence: string;
  readonly owner: string;
  readonly expires_at_ms: number | string;
  readonly execution_id: string;
  readonly trigger: string;
  readonly data: string | null;
  readonly change_count: number;
  readonly started_at_ms: number | string;
  readonly attempt: number;
}

export function leaseFromRow(row: LeaseRow): Lease {
  return {
    taskId: row.task_id,
    token: row.fence,
    owner: row.owner,
    expiresAtMs: toNumber(row.expires_at_ms),
  };
}

/** A claim's row with its task's columns, NULL when the task is not stored. */
export type ClaimedTaskRow = LeaseRow & { [K in keyof TaskRow]: TaskRow[K] | null };

/** A claim that brought its task (see {@link claimDueWindowsSql}). */
export function claimedWithTaskFromRow(row: ClaimedTaskRow): ClaimedRun {
  const task = row.id === null ? null : taskFromRow(row as LeaseRow & TaskRow);
  return { ...claimedFromRow(row), task };
}

export function claimedFromRow(row: LeaseRow): ClaimedRun {
  const run: LeasedRun = {
    executionId: row.execution_id,
    trigger: row.trigger as TriggerKind,
    data: fromJson(row.data),
    changeCount: row.change_count,
    startedAtMs: toNumber(row.started_at_ms),
    attempt: row.attempt,
  };
  return { lease: leaseFromRow(row), run };
}

export interface WindowRow {
  readonly task_id: string;
  readonly fire_at_ms: number | string;
  readonly deadline_ms: number | string;
  readonly change_count: number;
  readonly data: string | null;
}

export const WINDOW_COLUMNS = 'task_id, fire_at_ms, deadline_ms, change_count, data::text AS data';

export function windowFromRow(row: WindowRow): WindowState {
  return {
    taskId: row.task_id,
    fireAtMs: toNumber(row.fire_at_ms),
    deadlineMs: toNumber(row.deadline_ms),
    changeCount: row.change_count,
    data: fromJson(row.data),
  };
}

/**
 * `$2` task, `$3` min ms, `$4` max ms, `$5` data, `$6` channel, `$7`
 * payload. The first change opens the window (fire now + min, deadline
 * now + max); a later one moves the fire time to min(now + min, deadline),
 * counts itself and replaces the data. The statement notifies the channel
 * (at its commit) only when the window opened or its fire time moved
 * earlier (a task whose buffer period was shortened): otherwise every engine's
 * timer is already set at or before the new fire time.
 */
export function recordChangeSql(n: SchemaNames): string {
  return `WITH ${CLOCK},
  before AS (SELECT w.fire_at_ms FROM ${n.windows} w WHERE w.task_id = $2::text),
  upserted AS (
    INSERT INTO ${n.windows} AS w (task_id, fire_at_ms, deadline_ms, change_count, data)
    SELECT $2::text, clock.now_ms + $3::float8, clock.now_ms + $4::float8, 1, $5::json FROM clock
    ON CONFLICT (task_id) DO UPDATE SET
      fire_at_ms = least(excluded.fire_at_ms, w.deadline_ms),
      change_count = w.change_count + 1,
      data = excluded.data
    RETURNING ${WINDOW_COLUMNS}
  ),
  woken AS (
    SELECT pg_notify($6::text, $7::text) FROM upserted
    WHERE NOT EXISTS (SELECT 1 FROM before WHERE before.fire_at_ms <= upserted.fire_at_ms)
  )
  SELECT upserted.*, (SELECT count(*) FROM woken) AS woken FROM upserted`;
}

/**
 * The expired lease of the tasks in CTE `tasks`, locked, and its copy into
 * `lapsed_runs`, for a grant that replaces it (see the module comment).
 */
function staleLeasesSql(n: SchemaNames, tasks: string): string {
  return `stale AS MATERIALIZED (
    SELECT l.* FROM ${n.leases} l JOIN ${tasks} t ON t.task_id = l.task_id, clock
    WHERE l.expires_at_ms <= clock.now_ms
    FOR UPDATE OF l
  ),
  lapsed AS (
    INSERT INTO ${n.lapsedRuns} (${RUN_COLUMNS})
    SELECT ${RUN_COLUMNS} FROM stale
    ON CONFLICT (fence) DO NOTHING
  )`;
}

/** The ON CONFLICT arm of a grant: only over the expired lease this statement locked. */
function replaceStaleSql(): string {
  return `ON CONFLICT (task_id) DO UPDATE SET
    fence = excluded.fence, owner = excluded.owner, expires_at_ms = excluded.expires_at_ms,
    execution_id = excluded.execution_id, trigger = excluded.trigger, data = excluded.data,
    change_count = excluded.change_count, started_at_ms = excluded.started_at_ms,
    attempt = excluded.attempt
  WHERE l.fence IN (SELECT fence FROM stale)`;
}

/**
 * `$2` owner, `$3` limit, `$4` lease ms, `$5` execution ids (one per
 * possible claim). Due windows of tasks with no valid lease, oldest fire
 * time first, each turned into a lease and deleted. With `withTasks`, each
 * row also carries its task from the store's table, read in the same
 * statement (NULL columns when the task is not stored), so that the engine
 * does not read it again.
 */
export function claimDueWindowsSql(n: SchemaNames, withTasks: boolean): string {
  return `WITH ${CLOCK},
  due AS MATERIALIZED (
    SELECT w.task_id, w.fire_at_ms, w.change_count, w.data
    FROM ${n.windows} w, clock
    WHERE w.fire_at_ms <= clock.now_ms
      AND NOT EXISTS (
        SELECT 1 FROM ${n.leases} held
        WHERE held.task_id = w.task_id AND held.expires_at_ms > clock.now_ms
      )
    ORDER BY w.fire_at_ms, w.task_id
    LIMIT $3::int
    FOR UPDATE OF w SKIP LOCKED
  ),
  numbered AS (
    SELECT due.*, row_number() OVER (ORDER BY due.fire_at_ms, due.task_id)::int AS n FROM due
  ),
  ${staleLeasesSql(n, 'due')},
  granted AS (
    INSERT INTO ${n.leases} AS l (${RUN_COLUMNS})
    SELECT numbered.task_id, nextval('${n.fence}'::regclass), $2::text,
      clock.now_ms + $4::float8, ($5::text[])[numbered.n], 'change', numbered.data,
      numbered.change_count, clock.now_ms, 1
    FROM numbered, clock
    ${replaceStaleSql()}
    RETURNING l.*
  ),
  taken AS (DELETE FROM ${n.windows} w USING granted g WHERE w.task_id = g.task_id)
  SELECT ${leaseColumns('granted')}${withTasks ? `, ${taskColumns('t')}` : ''}
  FROM granted JOIN numbered USING (task_id)
  ${withTasks ? `LEFT JOIN ${n.tasks} t ON t.id = granted.task_id` : ''}
  ORDER BY numbered.n`;
}

/** `$2` task, `$3` owner, `$4` lease ms, `$5…$10` the run. */
export function acquireLeaseSql(n: SchemaNames): string {
  return `WITH ${CLOCK},
  task AS (SELECT $2::text AS task_id),
  ${staleLeasesSql(n, 'task')},
  granted AS (
    INSERT INTO ${n.leases} AS l (${RUN_COLUMNS})
    SELECT $2::text, nextval('${n.fence}'::regclass), $3::text, clock.now_ms + $4::float8,
      $5::text, $6::text, $7::json, $8::int, $9::float8, $10::int
    FROM clock
    ${replaceStaleSql()}
    RETURNING l.*
  )
  SELECT ${leaseColumns('granted')} FROM granted`;
}

/** `$2` task, `$3` fence, `$4` lease ms. */
export function renewLeaseSql(n: SchemaNames): string {
  return `WITH ${CLOCK}
  UPDATE ${n.leases} l SET expires_at_ms = clock.now_ms + $4::float8 FROM clock
  WHERE l.task_id = $2::text AND l.fence = $3::bigint
  RETURNING ${leaseColumns('l')}`;
}

/**
 * `$1` tasks, `$2` fences (one pair per lease), `$3` channel, `$4` payload.
 * Ends each lease that is still the one named; a run that outlived its
 * lease and finished anyway also takes back its lapsed record, so that
 * nobody recovers it as lost. When a window of one of the tasks waits (the
 * follow-up run that the lease held back), the same statement notifies the
 * channel, at its commit: no other release wakes anyone.
 */
export function releaseLeasesSql(n: SchemaNames): string {
  return `WITH r AS MATERIALIZED (
    SELECT * FROM unnest($1::text[], $2::bigint[]) AS r (task_id, fence)
  ),
  released AS (
    DELETE FROM ${n.leases} l USING r WHERE l.task_id = r.task_id AND l.fence = r.fence
  ),
  finished AS (
    DELETE FROM ${n.lapsedRuns} x USING r WHERE x.task_id = r.task_id AND x.fence = r.fence
  )
  SELECT pg_notify($3::text, $4::text) AS notified
  WHERE EXISTS (SELECT 1 FROM ${n.windows} w JOIN r ON r.task_id = w.task_id)`;
}

/**
 * `$2` limit. Lapsed runs (replaced expired leases) first, oldest grant
 * first: they have waited longest; then expired leases still in place,
 * earliest expiry first, as many as the limit leaves. Each is removed in the
 * statement that returns it.
 */
export function claimExpiredLeasesSql(n: SchemaNames): string {
  return `WITH ${CLOCK},
  picked_lapsed AS MATERIALIZED (
    SELECT fence FROM ${n.lapsedRuns} ORDER BY fence LIMIT $2::int FOR UPDATE SKIP LOCKED
  ),
  lapsed AS (
    DELETE FROM ${n.lapsedRuns} r USING picked_lapsed p WHERE r.fence = p.fence
    RETURNING ${leaseColumns('r')}, 0 AS part
  ),
  picked_expired AS MATERIALIZED (
    SELECT l.task_id FROM ${n.leases} l, clock
    WHERE l.expires_at_ms <= clock.now_ms
    ORDER BY l.expires_at_ms, l.task_id
    LIMIT greatest($2::int - (SELECT count(*) FROM picked_lapsed), 0)
    FOR UPDATE OF l SKIP LOCKED
  ),
  expired AS (
    DELETE FROM ${n.leases} l USING picked_expired p WHERE l.task_id = p.task_id
    RETURNING ${leaseColumns('l')}, 1 AS part
  )
  SELECT * FROM (SELECT * FROM lapsed UNION ALL SELECT * FROM expired) AS claimed
  ORDER BY part, CASE WHEN part = 0 THEN fence::float8 ELSE expires_at_ms END, task_id`;
}

/** Whether any cron slot is due now. */
export function cronDueSql(n: SchemaNames): string {
  return `WITH ${CLOCK}
  SELECT EXISTS (
    SELECT 1 FROM ${n.cronSlots} s, clock WHERE s.next_at_ms <= clock.now_ms
  ) AS due`;
}

/**
 * The earliest of: the fire time of a window whose task holds no valid
 * lease, any lease's expiry, any armed cron slot, and now when a lapsed run
 * waits for recovery.
 */
export function nextDueSql(n: SchemaNames): string {
  return `WITH ${CLOCK}
  SELECT (SELECT now_ms FROM clock) AS now_ms, least(
    (SELECT w.fire_at_ms FROM ${n.windows} w, clock
      WHERE NOT EXISTS (
        SELECT 1 FROM ${n.leases} held
        WHERE held.task_id = w.task_id AND held.expires_at_ms > clock.now_ms
      )
      ORDER BY w.fire_at_ms LIMIT 1),
    (SELECT min(expires_at_ms) FROM ${n.leases}),
    (SELECT min(next_at_ms) FROM ${n.cronSlots}),
    (SELECT clock.now_ms FROM clock WHERE EXISTS (SELECT 1 FROM ${n.lapsedRuns}))
  ) AS due_at_ms`;
}
