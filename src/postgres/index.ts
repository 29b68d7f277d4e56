/**
 * taskport on PostgreSQL: a durable `Store` that several engines share, and
 * the `Coordination` through which engines in several processes fire each
 * buffer window and cron tick once and run each task at most once at a
 * time. The package creates and migrates its own tables (see README.md).
 *
 * @example
 * import { createEngine } from 'taskport';
 * import { createPostgresStorage } from 'taskport/postgres';
 *
 * const { store, coordination } = createPostgresStorage({ connectionString: process.env.DATABASE_URL });
 * const engine = createEngine({ executor, store, coordination });
 * @module
 */

export type { PostgresConnectionOptions } from './database.ts';
export type { PostgresStorageErrorCode } from './errors.ts';
export { PostgresStorageError } from './errors.ts';
export type { MigrateOptions, MigrationResult } from './migrations.ts';
export { migrate, SCHEMA_VERSION } from './migrations.ts';
export { DEFAULT_SCHEMA } from './names.ts';
export type { PostgresCoordinationOptions } from './postgres-coordination.ts';
export { PostgresCoordination } from './postgres-coordination.ts';
export type { PostgresStoreOptions } from './postgres-store.ts';
export { PostgresStore } from './postgres-store.ts';
export type { PostgresStorage, PostgresStorageOptions } from './storage.ts';
export { createPostgresStorage } from './storage.ts';
export { LISTENER_APPLICATION_NAME } from './wake-listener.ts';
