/**
 * A small HTTP client for the CTS suites: real `fetch` against a listening
 * server, and helpers that compare CTS bodies byte for byte once the random
 * `request_id` has been checked for its shape.
 */

import { expect } from 'vitest';

/** hashicorp/go-uuid's format: 8-4-4-4-12 lower-case hex, no version bits promised. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What one request answered. */
export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  /** The raw body, as sent (trailing newline included). */
  readonly text: string;
}

/** Options of {@link http}. */
export interface HttpOptions {
  /** A string body, or raw bytes (fetch then sets no Content-Type). */
  readonly body?: string | Uint8Array;
  /**
   * The Content-Type of a string body. `null` sends none at all.
   * @default 'application/json' for string bodies
   */
  readonly contentType?: string | null;
  /** Aborts the request (the server sees its client go away). */
  readonly signal?: AbortSignal;
  /** More request headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends one request to `base + path`. */
export async function http(
  base: string,
  method: string,
  path: string,
  options: HttpOptions = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    if (options.contentType === null || typeof options.body !== 'string') {
      // fetch labels a string body text/plain; bytes go out unlabelled.
      body =
        typeof options.body === 'string'
          ? new TextEncoder().encode(options.body)
          : new Uint8Array(options.body);
      if (typeof options.contentType === 'string') headers['content-type'] = options.contentType;
    } else {
      body = options.body;
      headers['content-type'] = options.contentType ?? 'application/json';
    }
  }
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body,
    signal: options.signal,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** A JSON request body. */
export function json(value: unknown): HttpOptions {
  return { body: JSON.stringify(value) };
}

/**
 * The body with every `"request_id":"…"` replaced by `"request_id":"<id>"`,
 * after asserting each one has go-uuid's shape.
 */
export function withoutRequestId(text: string): string {
  return text.replace(/"request_id":"([^"]*)"/g, (_match, id: string) => {
    expect(id).toMatch(UUID);
    return '"request_id":"<id>"';
  });
}

/** The parsed body (fails the test with the text if it is not JSON). */
export function parse<T = unknown>(result: HttpResult): T {
  try {
    return JSON.parse(result.text) as T;
  } catch {
    throw new Error(`expected a JSON body, got ${JSON.stringify(result.text)}`);
  }
}

/**
 * Asserts a handler-written JSON answer: the status, `application/json`,
 * and the exact body (request ids normalised), which ends with the newline
 * Go's `json.Encoder` writes.
 */
export function expectJson(result: HttpResult, status: number, body: string): void {
  expect({ status: result.status, body: withoutRequestId(result.text) }).toEqual({
    status,
    body: `${body}\n`,
  });
  expect(result.headers.get('content-type')).toBe('application/json');
}

/**
 * Asserts an OpenAPI-validator failure as `plaintextErrorToJsonResponseWriter`
 * rewrites it: 400, compact JSON with a request id, no trailing newline, and
 * the `text/plain` label `http.Error` set first.
 */
export function expectValidatorError(result: HttpResult, message: string): void {
  expect({ status: result.status, body: withoutRequestId(result.text) }).toEqual({
    status: 400,
    body: JSON.stringify({ error: { message }, request_id: '<id>' }),
  });
  expect(result.headers.get('content-type')).toBe('text/plain; charset=utf-8');
}

/** `sendError`'s body: error then request_id. */
export function sendErrorBody(message: string): string {
  return JSON.stringify({ error: { message }, request_id: '<id>' });
}

/** The legacy `jsonErrorResponse` body: no request_id. */
export function legacyErrorBody(message: string): string {
  return JSON.stringify({ error: { message } });
}
