/**
 * The one-line way in: a store and a coordination on one pool.
 *
 * ```ts
 * const { store, coordination } = createPostgresStorage({ connectionString: process.env.DATABASE_URL });
 * ```
 *
 * Nothing connects until the first query, which creates or migrates the
 * tables (unless `autoMigrate: false`). A pool opened from the connection
 * string is ended once both the store and the coordination are closed,
 * whoever closes them (the engine, or {@link PostgresStorage.close}).
 */

import type pg from 'pg';
import {
  checkConnection,
  openPool,
  type PostgresConnectionOptions,
  SHARES_OPENED_POOL,
  type SharedPoolOptions,
} from './database.ts';
import { type MigrationResult, migrate } from './migrations.ts';
import { DEFAULT_SCHEMA, schemaNames } from './names.ts';
import { PostgresCoordination, type PostgresCoordinationOptions } from './postgres-coordination.ts';
import { PostgresStore } from './postgres-store.ts';

/** Options of {@link createPostgresStorage}: a connection, and the coordination's clock and ids. */
export interface PostgresStorageOptions
  extends PostgresConnectionOptions,
    Pick<PostgresCoordinationOptions, 'now' | 'createId'> {}

/** A store and a coordination on one database, schema and pool. */
export interface PostgresStorage {
  readonly store: PostgresStore;
  readonly coordination: PostgresCoordination;
  /** The pool both use (the caller's, or the one opened from the connection string). */
  readonly pool: pg.Pool;
  /** Creates or migrates the tables now, instead of on the first query. */
  migrate(): Promise<MigrationResult>;
  /** Closes the store and the coordination (and so a pool opened for them). */
  close(): Promise<void>;
}

/** Builds a {@link PostgresStorage}; connects lazily. */
export function createPostgresStorage(options: PostgresStorageOptions): PostgresStorage {
  checkConnection(options);
  const schema = schemaNames(options.schema ?? DEFAULT_SCHEMA).schema;
  const opened = options.pool === undefined;
  const pool = options.pool ?? openPool(options.connectionString ?? '', options.maxConnections, 2);
  const shared: SharedPoolOptions = {
    pool,
    schema,
    autoMigrate: options.autoMigrate ?? true,
    ...(opened ? { [SHARES_OPENED_POOL]: true as const } : {}),
  };
  const store = new PostgresStore(shared);
  const coordination = new PostgresCoordination({
    ...shared,
    now: options.now,
    createId: options.createId,
    // The store is on the same pool and schema: claims bring their tasks.
    storeInSchema: true,
  });
  return {
    store,
    coordination,
    pool,
    migrate: () => migrate(pool, { schema }),
    async close() {
      await Promise.all([coordination.close(), store.close()]);
    },
  };
}
