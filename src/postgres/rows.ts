/**
 * Values between JavaScript and the rows of taskport's tables.
 *
 * Documents travel as JSON text both ways (`$n::json` in, `col::text` out)
 * and are parsed here, so that neither node-postgres's global type parsers,
 * which an application may have replaced, nor its array conversion of
 * parameters touch them. SQL NULL stands for `undefined`. Times are
 * `double precision` (a JavaScript number as it is); `bigint` counts arrive
 * as decimal strings. {@link toNumber} takes either.
 */

import type { StatusEvent, Task, TaskTrigger, TriggerKind } from '../engine/types.ts';

/** JSON text of `value`, or null (SQL NULL) for `undefined` and what JSON cannot hold. */
export function toJson(value: unknown): string | null {
  return value === undefined ? null : (JSON.stringify(value) ?? null);
}

/** The value of JSON text; `undefined` for SQL NULL. */
export function fromJson<T = unknown>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}

/** A numeric column as a number, whether node-postgres parsed it or not. */
export function toNumber(value: string | number): number {
  return typeof value === 'number' ? value : Number(value);
}

export function toOptionalNumber(value: string | number | null): number | undefined {
  return value === null ? undefined : toNumber(value);
}

/** A task row as selected with {@link TASK_COLUMNS}. */
export interface TaskRow {
  readonly id: string;
  readonly name: string;
  readonly scope: string;
  readonly enabled: boolean;
  readonly spec: string | null;
  readonly triggers: string;
  readonly depends_on: string;
  readonly buffer_min_ms: number | string | null;
  readonly buffer_max_ms: number | string | null;
  readonly created_at_ms: number | string;
  readonly updated_at_ms: number | string;
  readonly deletion_requested_at_ms: number | string | null;
}

export const TASK_COLUMNS = `id, name, scope, enabled, spec::text AS spec,
  triggers::text AS triggers, depends_on::text AS depends_on, buffer_min_ms, buffer_max_ms,
  created_at_ms, updated_at_ms, deletion_requested_at_ms`;

/** {@link TASK_COLUMNS} of alias `alias`, for a join (the output names are the same). */
export function taskColumns(alias: string): string {
  return `${alias}.id, ${alias}.name, ${alias}.scope, ${alias}.enabled, ${alias}.spec::text AS spec,
  ${alias}.triggers::text AS triggers, ${alias}.depends_on::text AS depends_on,
  ${alias}.buffer_min_ms, ${alias}.buffer_max_ms, ${alias}.created_at_ms, ${alias}.updated_at_ms,
  ${alias}.deletion_requested_at_ms`;
}

/** The task's fields in the order of {@link TASK_COLUMNS}, for `$1…$12`. */
export function taskValues(task: Task): unknown[] {
  return [
    task.id,
    task.name,
    task.scope,
    task.enabled,
    toJson(task.spec),
    toJson(task.triggers),
    toJson(task.dependsOn),
    task.bufferPeriod?.minMs ?? null,
    task.bufferPeriod?.maxMs ?? null,
    task.createdAtMs,
    task.updatedAtMs,
    task.deletionRequestedAtMs ?? null,
  ];
}

/** Every field present, `undefined` included, as the memory store returns them. */
export function taskFromRow(row: TaskRow): Task {
  const minMs = toOptionalNumber(row.buffer_min_ms);
  const maxMs = toOptionalNumber(row.buffer_max_ms);
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    enabled: row.enabled,
    spec: fromJson(row.spec),
    triggers: fromJson<TaskTrigger[]>(row.triggers) ?? [],
    dependsOn: fromJson<string[]>(row.depends_on) ?? [],
    bufferPeriod: minMs === undefined || maxMs === undefined ? undefined : { minMs, maxMs },
    createdAtMs: toNumber(row.created_at_ms),
    updatedAtMs: toNumber(row.updated_at_ms),
    deletionRequestedAtMs: toOptionalNumber(row.deletion_requested_at_ms),
  };
}

/** An event row as selected with {@link eventColumns}. */
export interface EventRow {
  readonly event_id: string;
  readonly task_id: string;
  readonly execution_id: string;
  readonly success: boolean;
  readonly started_at_ms: number | string;
  readonly finished_at_ms: number | string;
  readonly failure_message: string | null;
  readonly trigger: string;
  readonly details: string | null;
}

/** The event columns of table alias `alias`, named as in {@link EventRow}. */
export function eventColumns(alias: string): string {
  return `${alias}.id AS event_id, ${alias}.task_id, ${alias}.execution_id, ${alias}.success,
    ${alias}.started_at_ms, ${alias}.finished_at_ms, ${alias}.failure_message,
    ${alias}.trigger, ${alias}.details::text AS details`;
}

export function eventValues(event: StatusEvent): unknown[] {
  return [
    event.id,
    event.taskId,
    event.executionId,
    event.success,
    event.startedAtMs,
    event.finishedAtMs,
    event.failureMessage ?? null,
    event.trigger,
    toJson(event.details),
  ];
}

export function eventFromRow(row: EventRow): StatusEvent {
  return {
    id: row.event_id,
    taskId: row.task_id,
    executionId: row.execution_id,
    success: row.success,
    startedAtMs: toNumber(row.started_at_ms),
    finishedAtMs: toNumber(row.finished_at_ms),
    failureMessage: row.failure_message ?? undefined,
    trigger: row.trigger as TriggerKind,
    details: fromJson(row.details),
  };
}
