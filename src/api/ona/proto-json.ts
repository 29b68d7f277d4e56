/**
 * A small proto3-JSON codec driven by message descriptors: decoding follows
 * Go `protojson.UnmarshalOptions{DiscardUnknown: true}` (connect-go's JSON
 * codec), encoding follows `protojson.MarshalOptions{}` (zero values omitted,
 * oneof members and set messages always emitted, uint64 as strings, enum names,
 * RFC 3339 `Z` timestamps). One place for both directions, so the adapter and
 * the fake produce identical objects.
 */

/** Scalar kinds used by this API. */
export type ScalarKind = 'string' | 'bool' | 'int32' | 'uint64' | 'timestamp';

/** A proto enum: `values[n]` is the name of number `n` (dense from 0 in this API). */
export interface EnumType {
  readonly fullName: string;
  readonly values: readonly string[];
}

/** `buf.validate` rules of a field, as far as this API uses them. */
export interface FieldRules {
  readonly uuid?: boolean;
  /** `ignore = IGNORE_IF_UNPOPULATED`: the rules apply only to a non-empty value. */
  readonly ignoreEmpty?: boolean;
  readonly pattern?: string;
  readonly minLen?: number;
  readonly maxLen?: number;
  readonly maxItems?: number;
  readonly gte?: number;
  readonly lte?: number;
  readonly definedOnly?: boolean;
  /** Rules of each item of a repeated field. */
  readonly items?: FieldRules;
}

/** One field of a message. */
export interface FieldDescriptor {
  /** The lowerCamelCase JSON name. */
  readonly json: string;
  /** The proto (snake_case) name, also accepted on input and used in violation paths. */
  readonly proto: string;
  readonly type: ScalarKind | EnumType | (() => MessageDescriptor);
  readonly repeated?: boolean;
  /** `map<string, string>`. */
  readonly map?: boolean;
  /** The oneof this field belongs to: set members are emitted even when zero. */
  readonly oneof?: string;
  /** proto3 `optional`: explicit presence, emitted whenever set. */
  readonly optional?: boolean;
  readonly rules?: FieldRules;
}

/** A message type. */
export interface MessageDescriptor {
  /** e.g. `gitpod.v1.CreateTaskRequest`. */
  readonly fullName: string;
  readonly fields: readonly FieldDescriptor[];
}

/** A plain decoded message: JSON names as keys, only fields that were present. */
export type ProtoObject = Record<string, unknown>;

/** A JSON value that does not fit the message (protojson's unmarshal error). */
export class ProtoJsonError extends Error {
  override readonly name = 'ProtoJsonError';
}

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

// RFC 3339 as protojson accepts it: a 'T', seconds, optional fraction up to 9 digits, Z or an offset.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Too deep for JSON.stringify's stack: protojson names only the first token anyway.
    return Array.isArray(value) ? '[' : '{';
  }
}

function kindName(type: FieldDescriptor['type']): string {
  if (typeof type === 'string') return type === 'timestamp' ? 'google.protobuf.Timestamp' : type;
  if (typeof type === 'function') return 'message';
  return 'enum';
}

// A function of its own, not a closure per call: decoding runs on every request.
function invalidScalar(field: FieldDescriptor, kind: ScalarKind, value: unknown): never {
  throw new ProtoJsonError(
    `invalid value for ${kindName(kind)} field ${field.json}: ${show(value)}`,
  );
}

function decodeScalar(field: FieldDescriptor, kind: ScalarKind, value: unknown): unknown {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value : invalidScalar(field, kind, value);
    case 'bool':
      return typeof value === 'boolean' ? value : invalidScalar(field, kind, value);
    case 'int32': {
      const number =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && /^-?\d+(\.0*)?$/.test(value.trim())
            ? Number(value)
            : Number.NaN;
      if (!Number.isInteger(number) || number < INT32_MIN || number > INT32_MAX)
        return invalidScalar(field, kind, value);
      return number;
    }
    case 'uint64': {
      const text =
        typeof value === 'number' && Number.isInteger(value) && value >= 0
          ? String(value)
          : typeof value === 'string' && /^\d{1,20}$/.test(value)
            ? value
            : undefined;
      if (text === undefined || BigInt(text) > 18_446_744_073_709_551_615n)
        return invalidScalar(field, kind, value);
      return BigInt(text).toString();
    }
    case 'timestamp': {
      if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value)))
        return invalidScalar(field, kind, value);
      return value;
    }
  }
}

/** Decodes one value; `undefined` means "drop it" (an unknown enum name). */
function decodeValue(field: FieldDescriptor, value: unknown): unknown {
  const { type } = field;
  if (typeof type === 'string') return decodeScalar(field, type, value);
  if (typeof type === 'function') {
    if (!isPlainObject(value)) {
      throw new ProtoJsonError(
        `invalid value for message field ${field.json}: expected an object, got ${show(value)}`,
      );
    }
    return decodeMessage(type(), value);
  }
  if (typeof value === 'string') {
    // DiscardUnknown also discards unknown enum names.
    return type.values.includes(value) ? value : undefined;
  }
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= INT32_MIN &&
    value <= INT32_MAX
  )
    return type.values[value] ?? value;
  throw new ProtoJsonError(`invalid value for enum field ${field.json}: ${show(value)}`);
}

/**
 * Decodes a JSON object into a message. Unknown keys are ignored, `null` is
 * "not set", and both the JSON and the proto name of a field are accepted.
 */
export function decodeMessage(descriptor: MessageDescriptor, json: unknown): ProtoObject {
  if (!isPlainObject(json)) {
    throw new ProtoJsonError(`unexpected token ${show(json)}`);
  }
  const out: ProtoObject = {};
  const oneofs = new Map<string, string>();
  for (const field of descriptor.fields) {
    const hasJson = Object.hasOwn(json, field.json);
    const hasProto = field.proto !== field.json && Object.hasOwn(json, field.proto);
    if (hasJson && hasProto) throw new ProtoJsonError(`duplicate field ${show(field.proto)}`);
    if (!hasJson && !hasProto) continue;
    const raw = hasJson ? json[field.json] : json[field.proto];
    if (raw === null || raw === undefined) continue;
    if (field.oneof !== undefined) {
      const previous = oneofs.get(field.oneof);
      if (previous !== undefined) {
        throw new ProtoJsonError(
          `error parsing ${show(field.json)}, oneof ${descriptor.fullName}.${field.oneof} is already set`,
        );
      }
      oneofs.set(field.oneof, field.json);
    }
    if (field.map === true) {
      if (!isPlainObject(raw)) {
        throw new ProtoJsonError(`invalid value for map field ${field.json}: ${show(raw)}`);
      }
      const entries: Record<string, string> = {};
      for (const [key, item] of Object.entries(raw)) {
        if (typeof item !== 'string') {
          throw new ProtoJsonError(`invalid value for string field value: ${show(item)}`);
        }
        entries[key] = item;
      }
      out[field.json] = entries;
    } else if (field.repeated === true) {
      if (!Array.isArray(raw)) {
        throw new ProtoJsonError(`invalid value for repeated field ${field.json}: ${show(raw)}`);
      }
      const items: unknown[] = [];
      for (const item of raw) {
        if (item === null) {
          throw new ProtoJsonError(
            `invalid value for ${kindName(field.type)} field ${field.json}: null`,
          );
        }
        const decoded = decodeValue(field, item);
        if (decoded !== undefined) items.push(decoded);
      }
      out[field.json] = items;
    } else {
      const decoded = decodeValue(field, raw);
      if (decoded !== undefined) out[field.json] = decoded;
    }
  }
  return out;
}

// The last time formatted: an execution's times are often the same instant
// (created, started and, for an instant outcome, completed in one tick).
let lastMs = Number.NaN;
let lastText = '';

/** RFC 3339 UTC with `Z` and 0, 3, 6 or 9 fraction digits, as protojson writes it. */
export function formatTimestamp(epochMs: number): string {
  if (epochMs === lastMs) return lastText;
  const iso = new Date(epochMs).toISOString();
  lastText = iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
  lastMs = epochMs;
  return lastText;
}

/** @internal Whether `encodeMessage` leaves `value` of `field` out (proto3 zero, unset). */
export function isZero(field: FieldDescriptor, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (field.repeated === true) return (value as unknown[]).length === 0;
  if (field.map === true) return Object.keys(value as object).length === 0;
  if (field.oneof !== undefined || field.optional === true) return false;
  const { type } = field;
  if (typeof type === 'function') return false;
  if (typeof type === 'string') {
    if (type === 'string' || type === 'timestamp') return value === '';
    if (type === 'bool') return value === false;
    return value === 0 || value === '0' || value === 0n;
  }
  return value === type.values[0] || value === 0;
}

function encodeValue(field: FieldDescriptor, value: unknown): unknown {
  const { type } = field;
  if (typeof type === 'function') return encodeMessage(type(), value as ProtoObject);
  if (type === 'uint64') return String(value);
  if (type === 'timestamp' && typeof value === 'number') return formatTimestamp(value);
  return value;
}

/**
 * Encodes a message as proto3 JSON: only descriptor fields, zero values
 * omitted except oneof members and `optional` fields that are set.
 */
export function encodeMessage(descriptor: MessageDescriptor, value: ProtoObject): ProtoObject {
  const out: ProtoObject = {};
  for (const field of descriptor.fields) {
    const item = value[field.json];
    if (isZero(field, item)) continue;
    if (field.map === true) {
      out[field.json] = { ...(item as Record<string, string>) };
    } else if (field.repeated === true) {
      out[field.json] = (item as unknown[]).map((entry) => encodeValue(field, entry));
    } else {
      out[field.json] = encodeValue(field, item);
    }
  }
  return out;
}
