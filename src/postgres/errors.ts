/**
 * The typed errors of `taskport/postgres`. Callers branch on `code`, never on
 * message text. Bad options are a `TypeError`, as elsewhere in taskport.
 * Errors of the database itself (a lost connection, a refused login) are
 * passed through as node-postgres raises them.
 */

const POSTGRES_STORAGE_ERROR_BRAND = Symbol.for('taskport.PostgresStorageError');

/** The closed set of failures this module reports itself. */
export type PostgresStorageErrorCode =
  /** The database's schema was migrated by a newer taskport than this one. */
  | 'schema_too_new'
  /** The tables are missing and automatic migration was switched off. */
  | 'not_migrated'
  /** The store or coordination was closed. */
  | 'closed';

/**
 * The one error type `taskport/postgres` throws for expected failures.
 * `instanceof` holds across duplicate installs thanks to a `Symbol.for` brand.
 */
export class PostgresStorageError extends Error {
  override readonly name = 'PostgresStorageError';
  readonly code: PostgresStorageErrorCode;

  constructor(code: PostgresStorageErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    Object.defineProperty(this, POSTGRES_STORAGE_ERROR_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[POSTGRES_STORAGE_ERROR_BRAND] === true
    );
  }
}
