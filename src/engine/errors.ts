/**
 * The engine's typed errors. Callers branch on `code`, never on message text.
 */

const ENGINE_ERROR_BRAND = Symbol.for('taskport.EngineError');

/** The closed set of failure kinds the engine reports. */
export type EngineErrorCode =
  /** No task (or execution) with that id. */
  | 'not_found'
  /** A task with that id exists, possibly still pending deletion. */
  | 'already_exists'
  /** The input breaks a rule of the engine (a negative buffer period, a bad cron expression…). */
  | 'invalid'
  /** The task has an active execution and the operation cannot wait for it. */
  | 'busy'
  /** The engine was closed. */
  | 'closed';

/** Options of {@link EngineError}. */
export interface EngineErrorOptions {
  /** The underlying error, if any. */
  readonly cause?: unknown;
  /** Free-form details for the adapters (a field name, the offending value…). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The one error type the engine throws for expected failures.
 *
 * `instanceof EngineError` holds across duplicate installs of taskport thanks to
 * a `Symbol.for` brand (the technique of undici's errors).
 */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: EngineErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: EngineErrorCode, message: string, options: EngineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    Object.defineProperty(this, ENGINE_ERROR_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[ENGINE_ERROR_BRAND] === true
    );
  }
}

/** True when `error` is an {@link EngineError} with the given code. */
export function isEngineError(error: unknown, code?: EngineErrorCode): error is EngineError {
  return error instanceof EngineError && (code === undefined || error.code === code);
}

/** An execution that went past its time limit; the reason its AbortSignal carries. */
export class ExecutionTimeoutError extends Error {
  override readonly name = 'ExecutionTimeoutError';
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`execution timed out after ${timeoutMs}ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** An execution that was stopped on request; the reason its AbortSignal carries. */
export class ExecutionStoppedError extends Error {
  override readonly name = 'ExecutionStoppedError';

  constructor(reason = 'execution stopped') {
    super(reason);
  }
}
