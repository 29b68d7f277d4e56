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

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'tasks, events, summary, records; windows, leases, lapsed runs, cron slots',
    statements: (names) => [...V1_STORE(names), ...V1_COORDINATION(names)],
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
