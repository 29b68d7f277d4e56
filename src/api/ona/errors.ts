/**
 * Connect unary errors: the codes, the one table from code to HTTP status,
 * the error type the Ona handlers throw, and its JSON envelope. Successful
 * answers are in `responses.ts`.
 */

import { isEngineError } from '../../engine/errors.ts';

/** The Connect error codes (= `@gitpod/sdk`'s `ErrorCode`). */
export type ConnectCode =
  | 'canceled'
  | 'unknown'
  | 'invalid_argument'
  | 'deadline_exceeded'
  | 'not_found'
  | 'already_exists'
  | 'permission_denied'
  | 'resource_exhausted'
  | 'failed_precondition'
  | 'aborted'
  | 'out_of_range'
  | 'unimplemented'
  | 'internal'
  | 'unavailable'
  | 'data_loss'
  | 'unauthenticated';

/**
 * Code → HTTP status of the current Connect spec (connect-go ≥ 1.16,
 * `connectCodeToHTTP`).
 * @see https://connectrpc.com/docs/protocol/#error-codes
 */
export const CONNECT_HTTP_STATUS: Readonly<Record<ConnectCode, number>> = Object.freeze({
  canceled: 499,
  unknown: 500,
  invalid_argument: 400,
  deadline_exceeded: 504,
  not_found: 404,
  already_exists: 409,
  permission_denied: 403,
  resource_exhausted: 429,
  failed_precondition: 400,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  data_loss: 500,
  unauthenticated: 401,
});

/** The table before connect-go 1.16 (connectrpc.com PR #130): 408, 412 and 404 differ. */
export const LEGACY_CONNECT_HTTP_STATUS: Readonly<Record<ConnectCode, number>> = Object.freeze({
  ...CONNECT_HTTP_STATUS,
  canceled: 408,
  deadline_exceeded: 408,
  failed_precondition: 412,
  unimplemented: 404,
});

/** Every Connect code, in the spec's order. */
export const CONNECT_CODES: readonly ConnectCode[] = Object.freeze(
  Object.keys(CONNECT_HTTP_STATUS) as ConnectCode[],
);

const ONA_ERROR_BRAND = Symbol.for('taskport.OnaError');

/** A Connect error the Ona API answers with. */
export class OnaError extends Error {
  override readonly name = 'OnaError';
  readonly code: ConnectCode;

  constructor(code: ConnectCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    Object.defineProperty(this, ONA_ERROR_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[ONA_ERROR_BRAND] === true
    );
  }

  /** Turns anything thrown into an OnaError (connect-es `ConnectError.from`). */
  static from(error: unknown): OnaError {
    if (error instanceof OnaError) return error;
    if (isEngineError(error)) {
      const code: ConnectCode =
        error.code === 'not_found'
          ? 'not_found'
          : error.code === 'already_exists'
            ? 'already_exists'
            : error.code === 'invalid'
              ? 'invalid_argument'
              : error.code === 'busy'
                ? 'failed_precondition'
                : 'unavailable';
      return new OnaError(code, error.message, { cause: error });
    }
    return new OnaError('internal', error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
}

/** The Connect unary error response: JSON `{code, message}` with the mapped status. */
export function connectErrorResponse(
  error: OnaError,
  statuses: Readonly<Record<ConnectCode, number>> = CONNECT_HTTP_STATUS,
  headers: Readonly<Record<string, string>> = {},
): Response {
  const body =
    error.message === '' ? { code: error.code } : { code: error.code, message: error.message };
  return new Response(JSON.stringify(body), {
    status: statuses[error.code],
    headers: { 'content-type': 'application/json', ...headers },
  });
}
