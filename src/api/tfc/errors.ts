/**
 * The `tfc` dialect's one error type and its mapping table to HTTP status and
 * JSON:API error document (research §1.4).
 */

import {
  DETAIL_RATE_LIMIT,
  TITLE_BAD_REQUEST,
  TITLE_CONFLICT,
  TITLE_INVALID_ATTRIBUTE,
  TITLE_NOT_FOUND,
  TITLE_TOO_MANY_REQUESTS,
  TITLE_UNAUTHORIZED,
  TITLE_UNSUPPORTED_MEDIA_TYPE,
} from './messages.ts';

/** What went wrong, closed. */
export type TfcErrorCode =
  | 'bad-request'
  | 'unauthorized'
  | 'not-found'
  | 'conflict'
  | 'unsupported-media-type'
  | 'invalid-attribute'
  | 'rate-limited'
  | 'internal';

/** Status and title per code: the one mapping table of this dialect. */
export const TFC_ERROR_STATUS: Readonly<Record<TfcErrorCode, { status: number; title: string }>> =
  Object.freeze({
    'bad-request': { status: 400, title: TITLE_BAD_REQUEST },
    unauthorized: { status: 401, title: TITLE_UNAUTHORIZED },
    'not-found': { status: 404, title: TITLE_NOT_FOUND },
    conflict: { status: 409, title: TITLE_CONFLICT },
    'unsupported-media-type': { status: 415, title: TITLE_UNSUPPORTED_MEDIA_TYPE },
    'invalid-attribute': { status: 422, title: TITLE_INVALID_ATTRIBUTE },
    'rate-limited': { status: 429, title: TITLE_TOO_MANY_REQUESTS },
    internal: { status: 500, title: 'internal server error' },
  });

const BRAND = Symbol.for('taskport.TfcError');

/** Options of {@link TfcError}. */
export interface TfcErrorOptions {
  readonly detail?: string;
  /** JSON pointer into the request document, e.g. `/data/attributes/name`. */
  readonly pointer?: string;
  readonly cause?: unknown;
}

/** An error the `tfc` API answers with a JSON:API error document. */
export class TfcError extends Error {
  override readonly name = 'TfcError';
  readonly code: TfcErrorCode;
  readonly detail: string | undefined;
  readonly pointer: string | undefined;
  readonly [BRAND] = true;

  constructor(code: TfcErrorCode, options: TfcErrorOptions = {}) {
    super(options.detail ?? TFC_ERROR_STATUS[code].title, { cause: options.cause });
    this.code = code;
    this.detail = options.detail;
    this.pointer = options.pointer;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && BRAND in value;
  }

  /** Any thrown value as a TfcError (anything unknown is `internal`). */
  static from(error: unknown): TfcError {
    if (error instanceof TfcError) return error;
    return new TfcError('internal', {
      detail: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }

  /** HTTP status of this error. */
  get status(): number {
    return TFC_ERROR_STATUS[this.code].status;
  }

  /** The JSON:API error document. */
  toDocument(): { errors: Record<string, unknown>[] } {
    const { status, title } = TFC_ERROR_STATUS[this.code];
    const error: Record<string, unknown> = { status: String(status), title };
    // The docs' 429 sample carries a detail; the 401/404 bodies carry none.
    const detail = this.detail ?? (this.code === 'rate-limited' ? DETAIL_RATE_LIMIT : undefined);
    if (detail !== undefined) error.detail = detail;
    if (this.pointer !== undefined) error.source = { pointer: this.pointer };
    return { errors: [error] };
  }
}

/** 422 `invalid attribute` at `pointer`. */
export function invalidAttribute(detail: string, pointer: string): TfcError {
  return new TfcError('invalid-attribute', { detail, pointer });
}

/** 404 `not found`. */
export function notFound(): TfcError {
  return new TfcError('not-found');
}
