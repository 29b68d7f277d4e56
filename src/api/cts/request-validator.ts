/**
 * Request body validation for the CTS dialect, answering with the exact
 * message CTS 0.9 sends.
 *
 * POST /v1/tasks goes through kin-openapi v0.131.0 behind
 * oapi-codegen/nethttp-middleware v1.0.2 (`api/middleware.go`
 * `withSwaggerValidate`). That validator reports one error: the first one of
 * a depth-first walk where an object's keys are visited in sorted order
 * (unsupported keys and bad values), then its `required` list in declared
 * order. We validate with ajv against `openapi.json` (compiled once, on first
 * use); when ajv rejects a body, we rank all of ajv's errors in kin-openapi's
 * visiting order and word the first one as kin-openapi does.
 *
 * PATCH /v1/tasks/{name} is not validated by OpenAPI upstream: `api/task.go`
 * `decodeBody` uses `json.Unmarshal` and a weakly typed mapstructure decode.
 *
 * @module
 */

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { decodeGoJson } from './go/json.ts';
import {
  goCompareStrings,
  goFormatValue,
  goQuote,
  goSprintfNoArgs,
  goTrimSpace,
} from './go/text.ts';
import {
  bodyContentTypeMessage,
  bodyDecodeMessage,
  bodySchemaMessage,
  MESSAGE_BODY_REQUIRED,
  MESSAGE_BODY_TOO_LARGE,
  MESSAGE_PATCH_MISSING_ENABLED,
  SchemaReason,
  unsupportedKeysMessage,
} from './messages.ts';
import openapi from './openapi.json' with { type: 'json' };
import type { TaskRequest, TaskUpdateRequest } from './types.ts';

/** Outcome of a body validation: the decoded body, or CTS's error message. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Options of {@link validateTaskRequest}. */
export interface RequestValidatorOptions {
  /**
   * Largest accepted body, in UTF-8 bytes. CTS itself sets no limit; a larger
   * body is refused with Go's `http.MaxBytesReader` wording.
   * @default 1048576 (1 MiB)
   */
  maxBodyBytes?: number;
}

/** Default of {@link RequestValidatorOptions.maxBodyBytes}. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const DOC_ID = 'https://taskport.invalid/cts/openapi.json';

interface Compiled {
  readonly fast: ValidateFunction;
  readonly diagnose: ValidateFunction;
}

let compiled: Compiled | undefined;

function compile(allErrors: boolean): ValidateFunction {
  const ajv = new Ajv({ allErrors, verbose: allErrors, strict: true, validateFormats: false });
  // OpenAPI document and annotation keywords ajv does not know.
  ajv.addVocabulary(['openapi', 'info', 'servers', 'tags', 'paths', 'components', 'example']);
  ajv.addFormat('uuid', true);
  ajv.addFormat('date-time', true);
  ajv.addSchema({ ...openapi, $id: DOC_ID });
  return ajv.compile({ $ref: `${DOC_ID}#/components/schemas/TaskRequest` });
}

/** Compiles the request schema once per process, on first use. */
function validators(): Compiled {
  compiled ??= { fast: compile(false), diagnose: compile(true) };
  return compiled;
}

type Schema = Record<string, unknown>;
const SCHEMAS = openapi.components.schemas as unknown as Record<string, Schema>;

function resolve(schema: Schema | undefined): Schema | undefined {
  const ref = schema?.$ref;
  if (typeof ref === 'string') return SCHEMAS[ref.slice(ref.lastIndexOf('/') + 1)];
  return schema;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * kin-openapi writes schema defaults into the body before the handler sees it,
 * for absent *and* `null` properties, but only inside objects that are
 * present (`openapi3/schema.go` `visitJSONObject`). Bounded by the schema's
 * depth, so recursion is safe.
 */
function injectDefaults(value: unknown, schemaIn: Schema | undefined): void {
  const schema = resolve(schemaIn);
  if (!isObject(value) || schema === undefined) return;
  const properties = schema.properties as Record<string, Schema> | undefined;
  if (properties === undefined) return;
  for (const [name, propSchemaIn] of Object.entries(properties)) {
    const propSchema = resolve(propSchemaIn);
    const has = Object.hasOwn(value, name);
    if (propSchema?.default !== undefined && (!has || value[name] === null)) {
      value[name] = propSchema.default;
    } else if (has) {
      injectDefaults(value[name], propSchema);
    }
  }
}

/** What nethttp-middleware and CTS's plaintext-to-JSON writer do to the validator's message. */
function asCtsMessage(kinError: string): string {
  const firstLine = kinError.split('\n', 1)[0] ?? '';
  return goTrimSpace(goSprintfNoArgs(firstLine));
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function bodyTooLarge(body: string, max: number): boolean {
  if (body.length * 3 <= max) return false;
  return body.length > max || utf8Length(body) > max;
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const SELF = -1;
const KEY = 0;
const REQUIRED = 1;
type Rank = readonly [group: number, key: string | number];

interface Candidate {
  readonly rank: readonly Rank[];
  readonly path: readonly string[];
  readonly reason: string;
}

function compareRanks(a: readonly Rank[], b: readonly Rank[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const [ga, ka] = a[i]!;
    const [gb, kb] = b[i]!;
    if (ga !== gb) return ga - gb;
    if (ka === kb) continue;
    if (typeof ka === 'number' && typeof kb === 'number') return ka - kb;
    return goCompareStrings(String(ka), String(kb));
  }
  return a.length - b.length;
}

function typeReason(type: unknown): string {
  const first = String(type).split(',')[0];
  switch (first) {
    case 'object':
    case 'array':
    case 'boolean':
    case 'string':
      return SchemaReason.type(first);
    default:
      return `value must be a ${first}`;
  }
}

/** Maps one ajv error to kin-openapi's path, wording and visiting rank. */
function candidate(
  error: ErrorObject,
  data: unknown,
  overflows: ReadonlyMap<string, string>,
): Candidate {
  const segments = decodePointer(error.instancePath);
  const rank: Rank[] = [];
  let node: unknown = data;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      const index = Number(segment);
      rank.push([KEY, index]);
      node = node[index];
    } else {
      rank.push([KEY, segment]);
      node = isObject(node) ? node[segment] : undefined;
    }
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const property = String((error.params as { additionalProperty: string }).additionalProperty);
      return {
        rank: [...rank, [KEY, property]],
        path: segments,
        reason: SchemaReason.unsupported(property),
      };
    }
    case 'required': {
      const property = String((error.params as { missingProperty: string }).missingProperty);
      const order = Array.isArray(error.schema) ? error.schema.indexOf(property) : 0;
      return {
        rank: [...rank, [REQUIRED, order]],
        path: [...segments, property],
        reason: SchemaReason.missing(property),
      };
    }
    default: {
      // A value that is out of range for float64, null, or of the wrong type:
      // kin-openapi reports it before looking inside it.
      const literal = overflows.get(JSON.stringify(segments));
      let reason: string;
      if (literal !== undefined) reason = SchemaReason.numberOutOfRange(literal);
      else if (node === null) reason = SchemaReason.notNullable;
      else if (error.keyword === 'type') reason = typeReason(error.params.type);
      else reason = `Doesn't match schema "${error.keyword}"`;
      return { rank: [...rank, [SELF, '']], path: segments, reason };
    }
  }
}

/**
 * Validates the raw body of `POST /v1/tasks` like CTS's OpenAPI middleware:
 * empty body, Content-Type, Go JSON decoding, then the `TaskRequest` schema.
 * On success the body comes back with kin-openapi's defaults injected
 * (`task.enabled`, `use_as_module_input`, `recurse`).
 *
 * @param body The request body as text.
 * @param contentType The first `Content-Type` header value, if any.
 * @example
 * const result = validateTaskRequest('{"task":{"name":"t","module":"m","condition":{}}}', 'application/json');
 * if (!result.ok) return c.json({ error: { message: result.message }, request_id }, 400);
 */
export function validateTaskRequest(
  body: string,
  contentType: string | undefined,
  options: RequestValidatorOptions = {},
): ValidationResult<TaskRequest> {
  const fail = (message: string): ValidationResult<TaskRequest> => ({
    ok: false,
    message: asCtsMessage(message),
  });
  if (bodyTooLarge(body, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)) {
    return fail(MESSAGE_BODY_TOO_LARGE);
  }
  // kin-openapi checks emptiness before the Content-Type.
  if (body.length === 0) return fail(MESSAGE_BODY_REQUIRED);
  // openapi3.Content.Get: exact match, or exact match of the part before ';'.
  const mime = contentType ?? '';
  const semicolon = mime.indexOf(';');
  if (
    mime !== 'application/json' &&
    (semicolon < 0 || mime.slice(0, semicolon) !== 'application/json')
  ) {
    return fail(bodyContentTypeMessage(mime));
  }
  const decoded = decodeGoJson(body, 'decoder');
  if (!decoded.ok) return fail(bodyDecodeMessage(decoded.message));
  const value = decoded.value;
  injectDefaults(value, { $ref: '#/components/schemas/TaskRequest' });
  const { fast, diagnose } = validators();
  if (fast(value)) return { ok: true, value: value as TaskRequest };
  diagnose(value);
  const overflows = new Map(
    decoded.overflows.map((o) => [JSON.stringify(o.path.map(String)), o.literal] as const),
  );
  let first: Candidate | undefined;
  for (const error of diagnose.errors ?? []) {
    const next = candidate(error, value, overflows);
    if (first === undefined || compareRanks(next.rank, first.rank) < 0) first = next;
  }
  if (first === undefined) return fail(bodySchemaMessage([], 'Value is invalid'));
  return fail(bodySchemaMessage(first.path, first.reason));
}

/** Go's `strconv.ParseBool`. */
function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** mapstructure v1.5.0 `decodeBool` with `WeaklyTypedInput`. */
function decodeWeakBool(value: unknown): { value: boolean } | { error: string } {
  if (typeof value === 'boolean') return { value };
  if (typeof value === 'number') return { value: value !== 0 };
  if (typeof value === 'string') {
    const parsed = parseGoBool(value);
    if (parsed !== undefined) return { value: parsed };
    if (value === '') return { value: false };
    return {
      error: `cannot parse 'enabled' as bool: strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax`,
    };
  }
  const type = Array.isArray(value) ? '[]interface {}' : 'map[string]interface {}';
  return {
    error: `'enabled' expected type 'bool', got unconvertible type '${type}', value: '${goFormatValue(value)}'`,
  };
}

const GO_JSON_KIND: Readonly<Record<string, string>> = {
  string: 'string',
  number: 'number',
  boolean: 'bool',
};

/**
 * Decodes the body of `PATCH /v1/tasks/{name}` like CTS's `api/task.go`
 * `decodeBody`: `json.Unmarshal` into a map (so trailing data and non-objects
 * are rejected with Go's messages), `enabled` matched case-insensitively and
 * weakly typed (`"true"`, `"1"`, `1`, `""` accepted), every other key
 * rejected, sorted.
 *
 * `mapstructure` picks among several case variants of `enabled` in Go's
 * random map order; we pick the exact key, else the first variant in sorted
 * order.
 */
export function validateTaskUpdateRequest(body: string): ValidationResult<TaskUpdateRequest> {
  const decoded = decodeGoJson(body, 'unmarshal');
  if (!decoded.ok) return { ok: false, message: decoded.message };
  const raw = decoded.value;
  if (raw !== null && !isObject(raw)) {
    const kind = Array.isArray(raw) ? 'array' : (GO_JSON_KIND[typeof raw] ?? 'value');
    return {
      ok: false,
      message: `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`,
    };
  }
  const overflow = decoded.overflows[0];
  if (overflow !== undefined) {
    return {
      ok: false,
      message: `json: cannot unmarshal number ${overflow.literal} into Go value of type float64`,
    };
  }
  const keys = raw === null ? [] : Object.keys(raw).sort(goCompareStrings);
  const field = keys.includes('enabled') ? 'enabled' : keys.find((k) => /^enabled$/i.test(k));
  let enabled: boolean | undefined;
  const fieldValue = field === undefined || raw === null ? undefined : raw[field];
  if (fieldValue !== undefined && fieldValue !== null) {
    const result = decodeWeakBool(fieldValue);
    if ('error' in result) {
      return { ok: false, message: `1 error(s) decoding:\n\n* ${result.error}` };
    }
    enabled = result.value;
  }
  const unused = keys.filter((k) => k !== field);
  if (unused.length > 0) return { ok: false, message: unsupportedKeysMessage(unused) };
  if (enabled === undefined) return { ok: false, message: MESSAGE_PATCH_MISSING_ENABLED };
  return { ok: true, value: { enabled } };
}
