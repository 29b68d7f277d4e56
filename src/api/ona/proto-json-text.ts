/**
 * Proto3 JSON straight to text: `jsonEncoder(descriptor)(value)` is
 * `JSON.stringify(encodeMessage(descriptor, value))`, byte for byte, without
 * building the encoded object first.
 *
 * Each message's fields are compiled once into writers (key text, zero test,
 * value writer by kind), so a request no longer walks the descriptors and
 * branches on field kinds per value. Messages whose values never change once
 * built (a stored Task) can also keep their text per value object.
 */

import {
  type FieldDescriptor,
  formatTimestamp,
  isZero,
  type MessageDescriptor,
  type ProtoObject,
} from './proto-json.ts';

/** A message value → its proto3 JSON text. */
export type JsonEncoder = (value: ProtoObject) => string;

/** Options of {@link jsonEncoder}. */
export interface JsonEncoderOptions {
  /**
   * Messages whose values are never changed once built: their text is kept
   * per value object (weakly) and reused.
   */
  readonly immutable?: ReadonlySet<MessageDescriptor>;
}

/**
 * `text`, flattened in place. Texts built with `+=` are ropes; a kept text
 * joined into every later answer would be walked piece by piece each time
 * (25 kept Task texts: ~26 µs per join as ropes, ~1.5 µs flat). Converting a
 * string to a number flattens it (the trick of the `flatstr` package).
 */
function flat(text: string): string {
  Number(text);
  return text;
}

/** One value of a field as JSON text; `undefined` where `JSON.stringify` drops it. */
type ValueWriter = (value: unknown) => string | undefined;

interface FieldWriter {
  readonly field: FieldDescriptor;
  /** `"jsonName":` */
  readonly key: string;
  readonly write: ValueWriter;
}

/**
 * A compiler of text encoders: `encoderOf(descriptor)` compiles a message
 * (and the messages it uses, on first use) once; encoders made by one
 * compiler share their compiled messages and kept texts.
 */
export function jsonEncoders(
  options: JsonEncoderOptions = {},
): (descriptor: MessageDescriptor) => JsonEncoder {
  const compiled = new Map<MessageDescriptor, JsonEncoder>();
  const immutable = options.immutable ?? new Set<MessageDescriptor>();

  const encoderOf = (message: MessageDescriptor): JsonEncoder => {
    let encoder = compiled.get(message);
    if (encoder === undefined) {
      // Registered before compiling its fields, so recursive messages find it.
      let body: JsonEncoder | undefined;
      encoder = (value) => {
        body ??= compileMessage(message);
        return body(value);
      };
      compiled.set(message, encoder);
    }
    return encoder;
  };

  const compileMessage = (message: MessageDescriptor): JsonEncoder => {
    const writers: FieldWriter[] = message.fields.map((field) => ({
      field,
      key: `${JSON.stringify(field.json)}:`,
      write: fieldWriter(field),
    }));
    const encode: JsonEncoder = (value) => {
      let out = '';
      for (const { field, key, write } of writers) {
        const item = value[field.json];
        if (isZero(field, item)) continue;
        const text = write(item);
        if (text === undefined) continue;
        out += out === '' ? key : `,${key}`;
        out += text;
      }
      return `{${out}}`;
    };
    if (!immutable.has(message)) return encode;
    const texts = new WeakMap<object, string>();
    return (value) => {
      if (typeof value !== 'object' || value === null) return encode(value);
      let text = texts.get(value);
      if (text === undefined) {
        text = flat(encode(value));
        texts.set(value, text);
      }
      return text;
    };
  };

  const fieldWriter = (field: FieldDescriptor): ValueWriter => {
    if (field.map === true) return (value) => JSON.stringify({ ...(value as object) });
    const item = itemWriter(field);
    if (field.repeated !== true) return item;
    // In an array JSON.stringify writes `null` where it would drop a member.
    return (value) => `[${(value as unknown[]).map((entry) => item(entry) ?? 'null').join(',')}]`;
  };

  const itemWriter = (field: FieldDescriptor): ValueWriter => {
    const { type } = field;
    if (typeof type === 'function') {
      let nested: JsonEncoder | undefined;
      return (value) => {
        nested ??= encoderOf(type());
        return nested(value as ProtoObject);
      };
    }
    if (type === 'uint64') return (value) => JSON.stringify(String(value));
    if (type === 'timestamp')
      return (value) => JSON.stringify(typeof value === 'number' ? formatTimestamp(value) : value);
    return (value) => JSON.stringify(value);
  };

  return encoderOf;
}

/** One message's text encoder, from a compiler of its own. */
export function jsonEncoder(
  descriptor: MessageDescriptor,
  options: JsonEncoderOptions = {},
): JsonEncoder {
  return jsonEncoders(options)(descriptor);
}
