/**
 * What a test file of the `postgres` project uses: a fresh database of its
 * own on the run's server (test/support/postgres-global-setup.ts), pools on
 * it that are ended for it, and the database dropped at the end.
 *
 * ```ts
 * const db = useTestDatabase();            // at the top of a file or describe
 * it('…', async () => {
 *   const a = db().pool();                 // one "process"
 *   const b = db().pool();                 // another, on the same database
 * });
 * ```
 */

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';

/** A database that exists for one test file or suite. */
export interface TestDatabase {
  readonly name: string;
  /** Connection string of this database (as the superuser). */
  readonly url: string;
  /** A new pool on this database, ended by {@link TestDatabase.drop}. */
  pool(config?: Omit<pg.PoolConfig, 'connectionString'>): pg.Pool;
  /** Ends every pool it made, then drops the database, closing any connection still open. */
  drop(): Promise<void>;
}

/** The superuser URL, pointed at another database of the same server. */
function urlOf(database: string): string {
  const url = new URL(inject('postgresAdminUrl'));
  url.pathname = `/${database}`;
  return url.toString();
}

async function asAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('postgresAdminUrl') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates a database with a random name on the run's server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `taskport_test_${randomBytes(6).toString('hex')}`;
  await asAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = urlOf(name);
  const pools = new Set<pg.Pool>();
  return {
    name,
    url,
    pool(config = {}) {
      const pool = new pg.Pool({ max: 4, ...config, connectionString: url });
      // A terminated backend makes an idle client emit 'error': the test that
      // did it checks what it wanted; the pool just drops that client.
      pool.on('error', () => {});
      pools.add(pool);
      return pool;
    },
    async drop() {
      await Promise.all([...pools].filter((pool) => !pool.ended).map((pool) => pool.end()));
      pools.clear();
      await asAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/**
 * A fresh database for the enclosing file or `describe`: created before its
 * tests, dropped after them. Call the returned function inside a test or hook.
 */
export function useTestDatabase(): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
    database = undefined;
  });
  return () => {
    if (database === undefined) throw new Error('useTestDatabase(): no database outside a test');
    return database;
  };
}
