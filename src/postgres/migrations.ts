/**
 * taskport's tables, created and migrated by the package itself.
 *
 * Each migration has a version; `taskport_schema_version` lists those that
 * were applied. {@link migrate} applies the missing ones in order, all in one
 * transaction that first takes a transaction-scoped advisory lock on the
 * schema: processes that start at once queue on the lock, and each one after
 * the first finds nothing left to do. A failed migration rolls back whole.
 *
 * Migrations are only ever appended: an applied one is never edited.
 */

import type pg from 'pg';
import { PostgresStorageError } from './errors.ts';
import { DEFAULT_SCHEMA, type SchemaNames, schemaNames } from './names.ts';

/** One step of the schema's history. */
interface Migration {
  readonly version: number;
  readonly description: string;
  readonly statements: (names: SchemaNames) => readonly string[];
}

/**
 * Version 1. Times are epoch milliseconds in `double precision`: the
 * JavaScript number as it is (exact for whole ms; a virtual clock's fractions
 * kept). Documents are `json`,
 * which keeps the text JSON.stringify wrote (key order included), where
 * `jsonb` would reorder keys; SQL NULL stands for `undefined`.
 */
const V1_STORE = (n: SchemaNames): readonly string[] => [
  `CREATE TABLE ${n.tasks} (
    position bigserial NOT NULL UNIQUE,
    id text PRIMARY KEY,
    name text NOT NULL,
    scope text NOT NULL,
    enabled boolean NOT NULL,
    spec json,
    triggers json NOT NULL,
    depends_on json NOT NULL,
    buffer_min_ms double precision,
    buffer_max_ms double precision,
    created_at_ms double precision NOT NULL,
    updated_at_ms double precision NOT NULL,
    deletion_requested_at_ms double precision,
    health text NOT NULL DEFAULT 'unknown'
      CHECK (health IN ('successful', 'errored', 'critical', 'unknown')),
    CHECK ((buffer_min_ms IS NULL) = (buffer_max_ms IS NULL))
  )`,
  `CREATE INDEX ON ${n.tasks} (scope, position)`,
  `CREATE TABLE ${n.events} (
    seq bigserial PRIMARY KEY,
    task_id text NOT NULL REFERENCES ${n.tasks} (id) ON DELETE CASCADE,
    id text NOT NULL,
    execution_id text NOT NULL,
    success boolean NOT NULL,
    started_at_ms double precision NOT NULL,
    finished_at_ms double precision NOT NULL,
    failure_message text,
    trigger text NOT NULL,
    details json
  )`,
  `CREATE INDEX ON ${n.events} (task_id, seq DESC)`,
  // One row of counts, changed in the transaction that changes a task's
  // health or enabled flag, so that summary() reads one row at any size.
  `CREATE TABLE ${n.summary} (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    successful bigint NOT NULL DEFAULT 0,
    errored bigint NOT NULL DEFAULT 0,
    critical bigint NOT NULL DEFAULT 0,
    unknown bigint NOT NULL DEFAULT 0,
    enabled bigint NOT NULL DEFAULT 0,
    disabled bigint NOT NULL DEFAULT 0
  )`,
  `INSERT INTO ${n.summary} DEFAULT VALUES`,
  `CREATE TABLE ${n.records} (
    position bigserial NOT NULL,
    collection text NOT NULL,
    key text NOT NULL,
    scope text,
    value json,
    PRIMARY KEY (collection, key)
  )`,
  `CREATE INDEX ON ${n.records} (collection, position)`,
  `CREATE INDEX ON ${n.records} (collection, scope, position)`,
];

const V1_COORDINATION = (n: SchemaNames): readonly string[] => [
  `CREATE TABLE ${n.windows} (
    task_id text PRIMARY KEY,
    fire_at_ms double precision NOT NULL,
    deadline_ms double precision NOT NULL,
    change_count integer NOT NULL,
    data json
  )`,
  `CREATE INDEX ON ${n.windows} (fire_at_ms)`,
  // Fencing tokens: every lease granted takes the next number, so a token
  // is unique and later grants have larger ones.
  `CREATE SEQUENCE ${n.fence} AS bigint`,
  `CREATE TABLE ${n.leases} (
    task_id text PRIMARY KEY,
    fence bigint NOT NULL UNIQUE,
    owner text NOT NULL,
    expires_at_ms double precision NOT NULL,
    execution_id text NOT NULL,
    trigger text NOT NULL,
    data json,
    change_count integer NOT NULL,
    started_at_ms double precision NOT NULL,
    attempt integer NOT NULL
  )`,
  `CREATE INDEX ON ${n.leases} (expires_at_ms)`,
  // Expired leases that a new claim replaced before anyone recovered them:
  // kept here until claimExpiredLeases hands each to one caller.
  `CREATE TABLE ${n.lapsedRuns} (
    fence bigint PRIMARY KEY,
    task_id text NOT NULL,
    owner text NOT NULL,
    expires_at_ms double precision NOT NULL,
    execution_id text NOT NULL,
    trigger text NOT NULL,
    data json,
    change_count integer NOT NULL,
    started_at_ms double precision NOT NULL,
    attempt integer NOT NULL
  )`,
  `CREATE TABLE ${n.cronSlots} (
    task_id text NOT NULL,
    slot integer NOT NULL,
    expression text NOT NULL,
    timezone text NOT NULL,
    next_at_ms double precision,
    PRIMARY KEY (task_id, slot)
  )`,
  `CREATE INDEX ON ${n.cronSlots} (next_at_ms) WHERE next_at_ms IS NOT NULL`,
];

/**
 * Version 2: status events in one round trip, many at once. The function
 * does for each event in order what `appendEvent` did in a transaction of
 * four statements: add it under its task's row lock, trim the history to
 * the limit, set the health by the engine's rule (`healthOf`, the same
 * rule in SQL: no event → unknown, newest succeeded → successful, newest
 * failed with another failure kept → critical, else errored), and returns
 * the history kept after it. The tasks are locked first, in id order, so
 * that two batches over the same tasks cannot deadlock, and the summary row
 * is updated once per batch, last, with the summed moves of health.
 */
const V2_APPEND_EVENTS = (n: SchemaNames): readonly string[] => [
  `CREATE FUNCTION ${n.appendEvents}(
    p_ids text[], p_task_ids text[], p_execution_ids text[], p_successes boolean[],
    p_started float8[], p_finished float8[], p_failures text[], p_triggers text[],
    p_details text[], p_limits int[]
  ) RETURNS TABLE (
    r_ord int, r_health text, r_event_id text, r_task_id text, r_execution_id text,
    r_success boolean, r_started_at_ms float8, r_finished_at_ms float8,
    r_failure_message text, r_trigger text, r_details text
  ) LANGUAGE plpgsql AS $fn$
  DECLARE
    v_before text;
    v_health text;
    v_kept int;
    v_newest boolean;
    v_failures int;
    d_successful bigint := 0;
    d_errored bigint := 0;
    d_critical bigint := 0;
    d_unknown bigint := 0;
  BEGIN
    PERFORM 1 FROM ${n.tasks} t WHERE t.id = ANY (p_task_ids) ORDER BY t.id FOR UPDATE;
    FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
      SELECT t.health INTO v_before FROM ${n.tasks} t WHERE t.id = p_task_ids[i];
      IF NOT FOUND THEN
        r_ord := i; r_health := NULL; r_event_id := NULL;
        RETURN NEXT;
        CONTINUE;
      END IF;
      INSERT INTO ${n.events} (id, task_id, execution_id, success, started_at_ms,
        finished_at_ms, failure_message, trigger, details)
      VALUES (p_ids[i], p_task_ids[i], p_execution_ids[i], p_successes[i], p_started[i],
        p_finished[i], p_failures[i], p_triggers[i], p_details[i]::json);
      DELETE FROM ${n.events} e WHERE e.task_id = p_task_ids[i] AND e.seq NOT IN (
        SELECT k.seq FROM ${n.events} k WHERE k.task_id = p_task_ids[i]
        ORDER BY k.seq DESC LIMIT greatest(p_limits[i], 0)
      );
      SELECT count(*), (array_agg(k.success ORDER BY k.seq DESC))[1],
        count(*) FILTER (WHERE NOT k.success)
      INTO v_kept, v_newest, v_failures
      FROM ${n.events} k WHERE k.task_id = p_task_ids[i];
      v_health := CASE
        WHEN v_kept = 0 THEN 'unknown'
        WHEN v_newest THEN 'successful'
        WHEN v_failures > 1 THEN 'critical'
        ELSE 'errored' END;
      IF v_health <> v_before THEN
        UPDATE ${n.tasks} t SET health = v_health WHERE t.id = p_task_ids[i];
        d_successful := d_successful + (v_health = 'successful')::int - (v_before = 'successful')::int;
        d_errored := d_errored + (v_health = 'errored')::int - (v_before = 'errored')::int;
        d_critical := d_critical + (v_health = 'critical')::int - (v_before = 'critical')::int;
        d_unknown := d_unknown + (v_health = 'unknown')::int - (v_before = 'unknown')::int;
      END IF;
      IF v_kept = 0 THEN
        r_ord := i; r_health := v_health; r_event_id := NULL;
        RETURN NEXT;
      ELSE
        RETURN QUERY SELECT i, v_health, k.id, k.task_id, k.execution_id, k.success,
          k.started_at_ms, k.finished_at_ms, k.failure_message, k.trigger, k.details::text
        FROM ${n.events} k WHERE k.task_id = p_task_ids[i] ORDER BY k.seq DESC;
      END IF;
    END LOOP;
    IF d_successful <> 0 OR d_errored <> 0 OR d_critical <> 0 OR d_unknown <> 0 THEN
      UPDATE ${n.summary} SET successful = successful + d_successful,
        errored = errored + d_errored, critical = critical + d_critical,
        unknown = unknown + d_unknown;
    END IF;
  END
  $fn$`,
];

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'tasks, events, summary, records; windows, leases, lapsed runs, cron slots',
    statements: (names) => [...V1_STORE(names), ...V1_COORDINATION(names)],
  },
  {
    version: 2,
    description: 'append_events: a batch of status events in one statement',
    statements: V2_APPEND_EVENTS,
  },
];

/** The schema version this taskport writes and reads. */
export const SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.version ?? 0;

/** The first key of taskport's two-key advisory locks: "task" in ASCII. */
const ADVISORY_LOCK_CLASS = 0x7461736b;

/** What {@link migrate} did. */
export interface MigrationResult {
  readonly schema: string;
  /** The version found (0: no taskport tables yet). */
  readonly fromVersion: number;
  readonly toVersion: number;
}

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** @default 'public' */
  readonly schema?: string;
}

/**
 * Creates or brings up to date taskport's tables in `schema` (created when
 * missing). Safe to call from any number of processes at once.
 * @throws {PostgresStorageError} `schema_too_new` when a newer taskport migrated the schema.
 */
export async function migrate(
  pool: pg.Pool,
  options: MigrateOptions = {},
): Promise<MigrationResult> {
  const names = schemaNames(options.schema ?? DEFAULT_SCHEMA);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const result = await migrateLocked(client, names);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

async function migrateLocked(client: pg.PoolClient, names: SchemaNames): Promise<MigrationResult> {
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
    ADVISORY_LOCK_CLASS,
    names.schema,
  ]);
  // CREATE SCHEMA IF NOT EXISTS still wants the CREATE privilege on the
  // database; a role that may only use an existing schema must not need it.
  const existing = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
    names.schema,
  ]);
  if (existing.rowCount === 0) await client.query(`CREATE SCHEMA ${names.quotedSchema}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${names.version} (
      version integer PRIMARY KEY,
      description text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`,
  );
  const fromVersion = await versionOf(client, names);
  if (fromVersion > SCHEMA_VERSION) throw tooNew(names, fromVersion);
  for (const migration of MIGRATIONS) {
    if (migration.version <= fromVersion) continue;
    for (const statement of migration.statements(names)) await client.query(statement);
    await client.query(`INSERT INTO ${names.version} (version, description) VALUES ($1, $2)`, [
      migration.version,
      migration.description,
    ]);
  }
  return { schema: names.schema, fromVersion, toVersion: SCHEMA_VERSION };
}

async function versionOf(client: pg.ClientBase | pg.Pool, names: SchemaNames): Promise<number> {
  const { rows } = await client.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${names.version}`,
  );
  return rows[0]?.version ?? 0;
}

function tooNew(names: SchemaNames, found: number): PostgresStorageError {
  return new PostgresStorageError(
    'schema_too_new',
    `taskport/postgres: schema "${names.schema}" is at version ${found}, newer than this taskport knows (${SCHEMA_VERSION}); upgrade taskport`,
  );
}

/**
 * Checks, without changing anything, that `schema` holds this version's
 * tables (for processes started with `autoMigrate: false`).
 * @throws {PostgresStorageError} `not_migrated` or `schema_too_new`.
 */
export async function assertMigrated(pool: pg.Pool, names: SchemaNames): Promise<void> {
  const { rows } = await pool.query<{ present: string | null }>(
    'SELECT to_regclass($1) AS present',
    [names.version],
  );
  const found = rows[0]?.present == null ? 0 : await versionOf(pool, names);
  if (found > SCHEMA_VERSION) throw tooNew(names, found);
  if (found < SCHEMA_VERSION) {
    throw new PostgresStorageError(
      'not_migrated',
      `taskport/postgres: schema "${names.schema}" is at version ${found}, this taskport needs ${SCHEMA_VERSION}; run migrate() or set autoMigrate`,
    );
  }
}
