/**
 * JSON:API plumbing: the media type, responses, request documents, the
 * `include` parameter and the content-type rule for mutating requests
 * (research §1.1, §1.6).
 */

import type { Context } from 'hono';
import { readBodyText } from '../shared/read-body.ts';
import { TfcError } from './errors.ts';
import { DETAIL_INVALID_INCLUDE, DETAIL_INVALID_JSON } from './messages.ts';

/** The JSON:API media type, used for every JSON response. */
export const JSON_API_MEDIA_TYPE = 'application/vnd.api+json';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A JSON:API response with `status`. */
export function jsonApi(status: number, document: unknown): Response {
  return new Response(JSON.stringify(document), {
    status,
    headers: { 'content-type': JSON_API_MEDIA_TYPE },
  });
}

/** A JSON:API response whose document is already serialised. */
export function jsonApiText(status: number, json: string): Response {
  return new Response(json, {
    status,
    headers: { 'content-type': JSON_API_MEDIA_TYPE },
  });
}

/** 204 No Content. */
export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/** The error document for `error`. */
export function errorResponse(error: TfcError): Response {
  const response = jsonApi(error.status, error.toDocument());
  if (error.code === 'rate-limited') response.headers.set('x-ratelimit-reset', '0.1');
  return response;
}

/** Whether a Content-Type header names the JSON:API media type (parameters allowed). */
export function isJsonApiContentType(header: string | null | undefined): boolean {
  if (header == null) return false;
  const mediaType = header.split(';')[0]?.trim().toLowerCase();
  return mediaType === JSON_API_MEDIA_TYPE;
}

/** Whether a Content-Type header names `application/json`. */
export function isPlainJsonContentType(header: string | null | undefined): boolean {
  if (header == null) return false;
  return header.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * Throws 415 when a mutating request lacks the JSON:API media type, even with
 * an empty body (go-tfe `d107af1c`). `alsoJson` admits `application/json`.
 */
export function requireJsonApiContentType(c: Context, strict: boolean, alsoJson = false): void {
  if (!strict) return;
  const header = c.req.header('content-type');
  if (isJsonApiContentType(header)) return;
  if (alsoJson && isPlainJsonContentType(header)) return;
  throw new TfcError('unsupported-media-type');
}

/** A parsed JSON object, or 400/422 for anything else. */
export async function readDocument(c: Context): Promise<Record<string, unknown>> {
  const body = await readBodyText(c.req.raw, MAX_BODY_BYTES);
  if (body.tooLarge) throw new TfcError('bad-request', { detail: 'Request body is too large' });
  let value: unknown;
  try {
    value = JSON.parse(body.text);
  } catch {
    throw new TfcError('bad-request', { detail: DETAIL_INVALID_JSON });
  }
  if (!isObject(value)) throw new TfcError('bad-request', { detail: DETAIL_INVALID_JSON });
  return value;
}

/** Reads a body that may be empty (override's optional `{"comment":…}`). */
export async function readOptionalBody(c: Context): Promise<unknown> {
  const body = await readBodyText(c.req.raw, MAX_BODY_BYTES);
  if (body.tooLarge) throw new TfcError('bad-request', { detail: 'Request body is too large' });
  if (body.text.trim() === '') return undefined;
  try {
    return JSON.parse(body.text) as unknown;
  } catch {
    throw new TfcError('bad-request', { detail: DETAIL_INVALID_JSON });
  }
}

/** A plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The query parameters, brackets decoded (`page%5Bsize%5D` and `page[size]` alike). */
export function queryOf(c: Context): URLSearchParams {
  return new URL(c.req.url).searchParams;
}

/**
 * The `include` values: every `include` parameter, split on commas, checked
 * against `allowed`. An unknown value is 400 `Invalid include parameter`.
 */
export function parseInclude(query: URLSearchParams, allowed: readonly string[]): Set<string> {
  const values = new Set<string>();
  for (const raw of query.getAll('include')) {
    for (const part of raw.split(',')) {
      const value = part.trim();
      if (value === '') continue;
      if (!allowed.includes(value)) {
        throw new TfcError('bad-request', { detail: DETAIL_INVALID_INCLUDE });
      }
      values.add(value);
    }
  }
  return values;
}

/** A resource identifier object. */
export interface ResourceIdentifier {
  readonly id: string;
  readonly type: string;
}

/** A resource object. */
export interface ResourceObject extends ResourceIdentifier {
  readonly attributes: Record<string, unknown>;
  readonly relationships?: Record<string, unknown>;
  readonly links?: Record<string, unknown>;
}

/** Collects `included` resources, once each by (type, id), in first-seen order. */
export class IncludedSet {
  readonly #byKey = new Map<string, ResourceObject>();

  add(resource: ResourceObject): void {
    const key = `${resource.type}\u0000${resource.id}`;
    if (!this.#byKey.has(key)) this.#byKey.set(key, resource);
  }

  get size(): number {
    return this.#byKey.size;
  }

  toArray(): ResourceObject[] {
    return [...this.#byKey.values()];
  }
}

/** {@link IncludedSet} for resources already serialised (see `representation.ts`). */
export class IncludedJson {
  /** Ids seen, by type (no `type\0id` key string built per resource). */
  readonly #seen = new Map<string, Set<string>>();
  readonly #texts: string[] = [];

  /** Adds `json()` (the resource `type`/`id`) unless that resource is in already. */
  add(type: string, id: string, json: () => string): void {
    let ids = this.#seen.get(type);
    if (ids === undefined) {
      ids = new Set();
      this.#seen.set(type, ids);
    }
    if (ids.has(id)) return;
    ids.add(id);
    this.#texts.push(json());
  }

  get size(): number {
    return this.#texts.length;
  }

  /** The `included` array as JSON text. */
  toJson(): string {
    return `[${this.#texts.join(',')}]`;
  }
}

/**
 * `{"data":…,"included":…,…}` from texts already serialised: the same bytes
 * as `JSON.stringify` of the document with those members, in that order.
 */
export function documentJson(
  data: string,
  included: IncludedJson | undefined,
  rest: object,
): string {
  const tail = JSON.stringify(rest);
  return `{"data":${data}${included === undefined ? '' : `,"included":${included.toJson()}`}${tail === '{}' ? '' : `,${tail.slice(1, -1)}`}}`;
}
