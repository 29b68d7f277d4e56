/**
 * Reading the JSON bodies of control requests, shared by every dialect's
 * control routes: a bad body is the caller's mistake (400), not the fake's.
 */

import type { Context } from 'hono';
import { readBodyText } from '../api/shared/read-body.ts';

/** Control bodies (seeds, automations files) larger than this are refused. */
export const CONTROL_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A control request that cannot be carried out as sent. */
export class ControlInputError extends Error {
  override readonly name = 'ControlInputError';
  /** The HTTP status the control API answers it with. @default 400 */
  readonly status: 400 | 401 | 403 | 409 | 413 | 415 | 422;

  constructor(message: string, status: ControlInputError['status'] = 400) {
    super(message);
    this.status = status;
  }
}

/**
 * The body as text, read the way the dialects read theirs (once, remembered
 * for the journal). Throws {@link ControlInputError} past {@link CONTROL_MAX_BODY_BYTES}.
 */
export async function textBody(c: Context): Promise<string> {
  const body = await readBodyText(c.req.raw, CONTROL_MAX_BODY_BYTES);
  if (body.tooLarge) {
    throw new ControlInputError(`the body is larger than ${CONTROL_MAX_BODY_BYTES} bytes`);
  }
  return body.text;
}

/** The body as a JSON object; `{}` when empty. Throws {@link ControlInputError}. */
export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const text = await textBody(c);
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ControlInputError('the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ControlInputError('the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** An optional string field. Throws {@link ControlInputError} for another type. */
export function optionalString(value: unknown, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ControlInputError(`\`${key}\` must be a string`);
  return value;
}
