/**
 * Go's `encoding/json` encoder where CTS's bodies need it and
 * `JSON.stringify` differs: a Go map's keys are written sorted by their
 * bytes (`encode.go` `mapEncoder` sorts them), while a JS object keeps
 * insertion order and puts integer-like keys ("9", "10") first. Struct
 * fields keep their declared order, which objects built in that order have.
 *
 * @internal
 * @module
 */

import { goCompareStrings } from './text.ts';

/**
 * Whether `JSON.stringify` already writes `map` as Go would: its keys, in
 * the order JS enumerates them, are sorted by bytes.
 */
export function isInGoMapOrder(map: Readonly<Record<string, unknown>>): boolean {
  let previous: string | undefined;
  for (const key of Object.keys(map)) {
    if (previous !== undefined && goCompareStrings(previous, key) > 0) return false;
    previous = key;
  }
  return true;
}

/**
 * `value` as JSON text, as `JSON.stringify` writes it (undefined fields
 * left out, no spaces), except that an object under a key `isMap` accepts
 * is a Go map: its keys are sorted by bytes. Values inside a map are not
 * checked for maps again (CTS's maps hold strings).
 */
export function goJsonText(value: unknown, isMap: (key: string) => boolean): string {
  return write(value, isMap, false) ?? 'null';
}

function write(
  value: unknown,
  isMap: (key: string) => boolean,
  asMap: boolean,
): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    return `[${value.map((item) => write(item, isMap, false) ?? 'null').join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (asMap) keys.sort(goCompareStrings);
  let text = '';
  for (const key of keys) {
    const field = write(record[key], isMap, !asMap && isMap(key));
    if (field === undefined) continue;
    text += `${text === '' ? '' : ','}${JSON.stringify(key)}:${field}`;
  }
  return `{${text}}`;
}
