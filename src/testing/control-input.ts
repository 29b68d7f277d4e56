/**
 * Reading the JSON bodies of control requests, shared by every dialect's
 * control routes: a bad body is the caller's mistake (400), not the fake's.
 */

import type { Context } from 'hono';

/** A control request that cannot be carried out as sent. */
export class ControlInputError extends Error {
  override readonly name = 'ControlInputError';
}

/** The body as a JSON object; `{}` when empty. Throws {@link ControlInputError}. */
export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
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
