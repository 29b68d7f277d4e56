/**
 * What the store and the coordination share: a pool, the schema's names,
 * the one-time migration, transactions, and who ends the pool.
 *
 * A pool taskport opened itself (from a connection string) is counted: each
 * store or coordination on it holds one reference, and the last `close()`
 * ends it. A pool the caller passed in is never ended by taskport.
 */

import pg from 'pg';
import { PostgresStorageError } from './errors.ts';
import { assertMigrated, migrate } from './migrations.ts';
import { DEFAULT_SCHEMA, type SchemaNames, schemaNames } from './names.ts';

/** How a store or coordination reaches its database. */
export interface PostgresConnectionOptions {
  /** A pool the caller owns: taskport uses it and never ends it. */
  readonly pool?: pg.Pool;
  /** Or where to connect: taskport opens a pool and ends it on `close()`. */
  readonly connectionString?: string;
  /** Connections of the pool opened from `connectionString`. @default 10 */
  readonly maxConnections?: number;
  /** The schema of taskport's tables (created if missing). @default 'public' */
  readonly schema?: string;
  /**
   * Create or migrate the tables before the first query. Off, the first
   * query checks the version and fails with `not_migrated` instead.
   * @default true
   */
  readonly autoMigrate?: boolean;
}

/**
 * Marks options whose pool was opened by taskport for several users (the
 * storage factory): each user's close() releases one reference. Not public:
 * a pool a caller passes in is never ended, even one taskport opened.
 */
export const SHARES_OPENED_POOL: unique symbol = Symbol('taskport.sharesOpenedPool');

/** {@link PostgresConnectionOptions} as the factory passes them. */
export interface SharedPoolOptions extends PostgresConnectionOptions {
  readonly [SHARES_OPENED_POOL]?: true;
}

/** References to pools that taskport opened, by pool. */
const openedPools = new WeakMap<pg.Pool, { references: number }>();

/** A pool taskport owns, held by `references` users; the last release ends it. */
export function openPool(
  connectionString: string,
  maxConnections: number | undefined,
  references: number,
): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: maxConnections ?? 10 });
  // An idle client whose connection dies emits 'error' on the pool; without
  // a listener Node would crash. The pool discards that client by itself.
  pool.on('error', () => {});
  openedPools.set(pool, { references });
  return pool;
}

/** Migrations in flight or done, per pool and schema: each runs once per process. */
const readiness = new WeakMap<pg.Pool, Map<string, Promise<void>>>();

function ensureReady(pool: pg.Pool, names: SchemaNames, autoMigrate: boolean): Promise<void> {
  let bySchema = readiness.get(pool);
  if (bySchema === undefined) {
    bySchema = new Map();
    readiness.set(pool, bySchema);
  }
  const key = `${autoMigrate ? 'migrate' : 'check'}:${names.schema}`;
  let ready = bySchema.get(key);
  if (ready === undefined) {
    ready = (
      autoMigrate ? migrate(pool, { schema: names.schema }) : assertMigrated(pool, names)
    ).then(() => undefined);
    // A failure is not remembered: the next query tries again.
    ready.catch(() => bySchema.delete(key));
    bySchema.set(key, ready);
  }
  return ready;
}

/** Throws a TypeError unless exactly one of `pool` and `connectionString` is given. */
export function checkConnection(options: PostgresConnectionOptions): void {
  const hasPool = options.pool !== undefined;
  const hasUrl = options.connectionString !== undefined;
  if (hasPool === hasUrl) {
    throw new TypeError(
      `Expected exactly one of \`pool\` and \`connectionString\`, got ${hasPool ? 'both' : 'neither'}`,
    );
  }
  if (hasUrl && typeof options.connectionString !== 'string') {
    throw new TypeError(
      `Expected \`connectionString\` to be a string, got ${typeof options.connectionString}`,
    );
  }
}

/** Statement names by text: each text is hashed once per process. */
const statementNames = new Map<string, string>();

/**
 * The name a statement is prepared under: its text's hash, so that each
 * connection parses and plans a text once and then only binds and runs it
 * (most of the coordination's statements are CTEs whose planning costs more
 * than their execution). Names are per connection, so a new connection
 * (after a restart) prepares again. Texts are fixed per schema, so the map
 * stays small.
 */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    // FNV-1a over the UTF-16 code units, twice with different seeds: 64 bits.
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ 0x5bd1e995;
    for (let i = 0; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x01000193 + 2);
    }
    name = `taskport_${(a >>> 0).toString(36)}_${(b >>> 0).toString(36)}`;
    statementNames.set(text, name);
  }
  return name;
}

/** One store's or coordination's view of the database. */
export class Database {
  readonly pool: pg.Pool;
  readonly names: SchemaNames;
  readonly #autoMigrate: boolean;
  /** Whether close() releases a reference to the pool (one taskport opened). */
  readonly #holdsPool: boolean;
  #closed = false;

  constructor(options: SharedPoolOptions) {
    checkConnection(options);
    this.names = schemaNames(options.schema ?? DEFAULT_SCHEMA);
    this.#autoMigrate = options.autoMigrate ?? true;
    this.#holdsPool = options.pool === undefined || options[SHARES_OPENED_POOL] === true;
    this.pool = options.pool ?? openPool(options.connectionString ?? '', options.maxConnections, 1);
  }

  /** Resolves once the tables are there; rejects once closed. */
  async ready(): Promise<void> {
    if (this.#closed) {
      throw new PostgresStorageError('closed', 'taskport/postgres: used after close()');
    }
    await ensureReady(this.pool, this.names, this.#autoMigrate);
  }

  async query<R extends pg.QueryResultRow>(
    text: string,
    values: readonly unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    await this.ready();
    return this.pool.query<R>({ name: statementName(text), text, values: values as unknown[] });
  }

  /**
   * Runs `work` in a transaction on one connection: committed when it
   * returns, rolled back when it throws. A connection whose rollback failed
   * is discarded rather than handed back to the pool.
   */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.ready();
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no pool listener: a connection the server drops
    // mid-transaction would otherwise be an unhandled 'error' that ends the process.
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken =
            rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      }
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops answering; ends the pool when taskport opened it and this was its last user. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const opened = this.#holdsPool ? openedPools.get(this.pool) : undefined;
    if (opened === undefined) return;
    opened.references--;
    if (opened.references === 0) {
      openedPools.delete(this.pool);
      await this.pool.end();
    }
  }
}
