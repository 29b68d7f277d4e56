/**
 * The engine's {@link Store} on PostgreSQL, shared by any number of engines
 * in any number of processes.
 *
 * Every verb is one statement or one transaction, so a peer never sees half
 * of it: an insert-if-absent is `INSERT … ON CONFLICT DO NOTHING`; an event
 * locks its task's row, is added, trims the history to the limit and sets
 * the task's health and the summary counts before it commits. The health
 * rule is the engine's own (`healthOf`), applied to the stored history.
 */

import type { Store, TaskStatus } from '../engine/store.ts';
import type { Health, StatusEvent, StatusSummary, Task } from '../engine/types.ts';
import { Batcher } from './batcher.ts';
import { Database, type PostgresConnectionOptions } from './database.ts';
import {
  type EventRow,
  eventColumns,
  eventFromRow,
  fromJson,
  TASK_COLUMNS,
  type TaskRow,
  taskFromRow,
  taskValues,
  toJson,
  toNumber,
} from './rows.ts';

/** Options of {@link PostgresStore}. */
export type PostgresStoreOptions = PostgresConnectionOptions;

interface SummaryRow {
  readonly successful: string;
  readonly errored: string;
  readonly critical: string;
  readonly unknown: string;
  readonly enabled: string;
  readonly disabled: string;
}

/** One event waiting for its batch. */
interface EventAppend {
  readonly event: StatusEvent;
  readonly limit: number;
}

/** A row of `append_events`: one per event kept after the `r_ord`th event of the batch. */
interface AppendedRow {
  readonly r_ord: number;
  /** NULL when the event's task is not stored. */
  readonly r_health: Health | null;
  /** NULL on the one row of an event after which nothing is kept (limit 0). */
  readonly r_event_id: string | null;
  readonly r_task_id: string;
  readonly r_execution_id: string;
  readonly r_success: boolean;
  readonly r_started_at_ms: number | string;
  readonly r_finished_at_ms: number | string;
  readonly r_failure_message: string | null;
  readonly r_trigger: string;
  readonly r_details: string | null;
}

function appendedEvent(row: AppendedRow): StatusEvent {
  return eventFromRow({
    event_id: row.r_event_id ?? '',
    task_id: row.r_task_id,
    execution_id: row.r_execution_id,
    success: row.r_success,
    started_at_ms: row.r_started_at_ms,
    finished_at_ms: row.r_finished_at_ms,
    failure_message: row.r_failure_message,
    trigger: row.r_trigger,
    details: row.r_details,
  });
}

/** Events sent in one call at most. */
const EVENT_BATCH = 64;

/** A {@link Store} in PostgreSQL tables (see src/postgres/README.md for the schema). */
export class PostgresStore implements Store {
  readonly #db: Database;
  readonly #events = new Batcher<EventAppend, TaskStatus | undefined>(
    (batch) => this.#appendEvents(batch),
    EVENT_BATCH,
  );

  constructor(options: PostgresStoreOptions) {
    this.#db = new Database(options);
  }

  async getTask(id: string): Promise<Task | undefined> {
    const { rows } = await this.#db.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM ${this.#db.names.tasks} WHERE id = $1`,
      [id],
    );
    return rows[0] === undefined ? undefined : taskFromRow(rows[0]);
  }

  async insertTask(task: Task): Promise<boolean> {
    const { tasks, summary } = this.#db.names;
    // One statement: the row and its counts, or (a task with the id exists) neither.
    const { rowCount } = await this.#db.query(
      `WITH inserted AS (
        INSERT INTO ${tasks} (id, name, scope, enabled, spec, triggers, depends_on,
          buffer_min_ms, buffer_max_ms, created_at_ms, updated_at_ms, deletion_requested_at_ms)
        VALUES ($1, $2, $3, $4, $5::json, $6::json, $7::json, $8, $9, $10, $11, $12)
        ON CONFLICT (id) DO NOTHING
        RETURNING enabled AS is_enabled
      )
      UPDATE ${summary} SET unknown = unknown + 1,
        enabled = enabled + inserted.is_enabled::int,
        disabled = disabled + (NOT inserted.is_enabled)::int
      FROM inserted`,
      taskValues(task),
    );
    return rowCount === 1;
  }

  replaceTask(task: Task): Promise<boolean> {
    const { tasks, summary } = this.#db.names;
    return this.#db.transaction(async (client) => {
      const { rows } = await client.query<{ enabled: boolean }>(
        `SELECT enabled FROM ${tasks} WHERE id = $1 FOR UPDATE`,
        [task.id],
      );
      const before = rows[0];
      if (before === undefined) return false;
      await client.query(
        `UPDATE ${tasks} SET name = $2, scope = $3, enabled = $4, spec = $5::json,
          triggers = $6::json, depends_on = $7::json, buffer_min_ms = $8, buffer_max_ms = $9,
          created_at_ms = $10, updated_at_ms = $11, deletion_requested_at_ms = $12
        WHERE id = $1`,
        taskValues(task),
      );
      if (before.enabled !== task.enabled) {
        const change = task.enabled ? 1 : -1;
        await client.query(
          `UPDATE ${summary} SET enabled = enabled + $1, disabled = disabled - $1`,
          [change],
        );
      }
      return true;
    });
  }

  async deleteTask(id: string): Promise<boolean> {
    const { tasks, summary } = this.#db.names;
    // The events go with the row (ON DELETE CASCADE); the counts in the same statement.
    const { rowCount } = await this.#db.query(
      `WITH deleted AS (
        DELETE FROM ${tasks} WHERE id = $1 RETURNING health AS was_health, enabled AS was_enabled
      )
      UPDATE ${summary} SET
        successful = successful - (deleted.was_health = 'successful')::int,
        errored = errored - (deleted.was_health = 'errored')::int,
        critical = critical - (deleted.was_health = 'critical')::int,
        unknown = unknown - (deleted.was_health = 'unknown')::int,
        enabled = enabled - deleted.was_enabled::int,
        disabled = disabled - (NOT deleted.was_enabled)::int
      FROM deleted`,
      [id],
    );
    return rowCount === 1;
  }

  async listTasks(scope?: string): Promise<Task[]> {
    const { tasks } = this.#db.names;
    const { rows } =
      scope === undefined
        ? await this.#db.query<TaskRow>(`SELECT ${TASK_COLUMNS} FROM ${tasks} ORDER BY position`)
        : await this.#db.query<TaskRow>(
            `SELECT ${TASK_COLUMNS} FROM ${tasks} WHERE scope = $1 ORDER BY position`,
            [scope],
          );
    return rows.map(taskFromRow);
  }

  async countTasks(): Promise<number> {
    const { rows } = await this.#db.query<{ count: string }>(
      `SELECT successful + errored + critical + unknown AS count FROM ${this.#db.names.summary}`,
    );
    return toNumber(rows[0]?.count ?? 0);
  }

  /**
   * Batched with the other events appended meanwhile (see batcher.ts), in
   * one call of the schema's `append_events` function: it resolves once the
   * batch committed, so an awaited event is stored as if on its own.
   */
  appendEvent(event: StatusEvent, limit: number): Promise<TaskStatus | undefined> {
    return this.#events.submit({ event, limit: Math.floor(limit) });
  }

  async #appendEvents(batch: readonly EventAppend[]): Promise<(TaskStatus | undefined)[]> {
    const { rows } = await this.#db.query<AppendedRow>(
      `SELECT * FROM ${this.#db.names.appendEvents}($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        batch.map(({ event }) => event.id),
        batch.map(({ event }) => event.taskId),
        batch.map(({ event }) => event.executionId),
        batch.map(({ event }) => event.success),
        batch.map(({ event }) => event.startedAtMs),
        batch.map(({ event }) => event.finishedAtMs),
        batch.map(({ event }) => event.failureMessage ?? null),
        batch.map(({ event }) => event.trigger),
        batch.map(({ event }) => toJson(event.details)),
        batch.map(({ limit }) => limit),
      ],
    );
    const statuses: (TaskStatus | undefined)[] = batch.map(() => undefined);
    const histories: StatusEvent[][] = batch.map(() => []);
    for (const row of rows) {
      const index = row.r_ord - 1;
      if (row.r_health === null) continue;
      statuses[index] = { health: row.r_health, events: histories[index] ?? [] };
      if (row.r_event_id !== null) histories[index]?.push(appendedEvent(row));
    }
    return statuses;
  }

  async taskStatus(taskId: string): Promise<TaskStatus | undefined> {
    const { tasks, events } = this.#db.names;
    // One statement, one snapshot: the health and the history agree.
    const { rows } = await this.#db.query<{ health: Health } & Partial<EventRow>>(
      `SELECT t.health, ${eventColumns('e')}
      FROM ${tasks} t LEFT JOIN ${events} e ON e.task_id = t.id
      WHERE t.id = $1 ORDER BY e.seq DESC`,
      [taskId],
    );
    const first = rows[0];
    if (first === undefined) return undefined;
    const history = rows
      .filter((row) => row.event_id != null)
      .map((row) => eventFromRow(row as EventRow));
    return { health: first.health, events: history };
  }

  async summary(): Promise<StatusSummary> {
    const { rows } = await this.#db.query<SummaryRow>(
      `SELECT successful, errored, critical, unknown, enabled, disabled FROM ${this.#db.names.summary}`,
    );
    const row = rows[0];
    const count = (value: string | undefined) => toNumber(value ?? 0);
    return {
      health: {
        successful: count(row?.successful),
        errored: count(row?.errored),
        critical: count(row?.critical),
        unknown: count(row?.unknown),
      },
      enabled: { true: count(row?.enabled), false: count(row?.disabled) },
    };
  }

  async getRecord<T>(collection: string, key: string): Promise<T | undefined> {
    const { rows } = await this.#db.query<{ value: string | null }>(
      `SELECT value::text AS value FROM ${this.#db.names.records} WHERE collection = $1 AND key = $2`,
      [collection, key],
    );
    return rows[0] === undefined ? undefined : fromJson<T>(rows[0].value);
  }

  async putRecord<T>(collection: string, key: string, value: T, scope?: string): Promise<void> {
    // ON CONFLICT DO UPDATE leaves `position`: a replaced record keeps its place.
    await this.#db.query(
      `INSERT INTO ${this.#db.names.records} (collection, key, scope, value)
      VALUES ($1, $2, $3, $4::json)
      ON CONFLICT (collection, key) DO UPDATE SET scope = excluded.scope, value = excluded.value`,
      [collection, key, scope ?? null, toJson(value)],
    );
  }

  async deleteRecord(collection: string, key: string): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      `DELETE FROM ${this.#db.names.records} WHERE collection = $1 AND key = $2`,
      [collection, key],
    );
    return rowCount === 1;
  }

  async listRecords<T>(collection: string, scope?: string): Promise<T[]> {
    const { records } = this.#db.names;
    const { rows } =
      scope === undefined
        ? await this.#db.query<{ value: string | null }>(
            `SELECT value::text AS value FROM ${records} WHERE collection = $1 ORDER BY position`,
            [collection],
          )
        : await this.#db.query<{ value: string | null }>(
            `SELECT value::text AS value FROM ${records}
            WHERE collection = $1 AND scope = $2 ORDER BY position`,
            [collection, scope],
          );
    return rows.map((row) => fromJson<T>(row.value) as T);
  }

  async clearRecords(collection: string, scope?: string): Promise<number> {
    const { records } = this.#db.names;
    const { rowCount } =
      scope === undefined
        ? await this.#db.query(`DELETE FROM ${records} WHERE collection = $1`, [collection])
        : await this.#db.query(`DELETE FROM ${records} WHERE collection = $1 AND scope = $2`, [
            collection,
            scope,
          ]);
    return rowCount ?? 0;
  }

  /**
   * Stops answering; ends the pool only when it was opened from a connection
   * string. Events appended before close() are sent first.
   */
  async close(): Promise<void> {
    await this.#events.settled();
    await this.#db.close();
  }
}
