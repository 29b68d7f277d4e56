/**
 * `buf.validate` rules checked the way protovalidate does: every violation is
 * collected with its field path (proto names, `[i]` for items), and the
 * message reads like `connectrpc/validate-go`'s `invalid_argument` errors.
 */

import {
  MESSAGE_DEFINED_ONLY,
  MESSAGE_UUID,
  MESSAGE_UUID_EMPTY,
  maxItemsMessage,
  minLenMessage,
  patternMessage,
  rangeMessage,
} from './messages.ts';
import type { FieldDescriptor, FieldRules, MessageDescriptor, ProtoObject } from './proto-json.ts';

/** One broken rule. */
export interface Violation {
  /** e.g. `metadata.reference`, `depends_on[1]`. */
  readonly path: string;
  readonly message: string;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Whether `value` is a UUID as protovalidate's `string.uuid` reads it. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

function scalarViolations(rules: FieldRules, value: unknown, path: string, out: Violation[]): void {
  if (typeof value === 'string') {
    if (rules.ignoreEmpty === true && value === '') return;
    if (rules.uuid === true) {
      if (value === '') out.push({ path, message: MESSAGE_UUID_EMPTY });
      else if (!isUuid(value)) out.push({ path, message: MESSAGE_UUID });
    }
    const length = [...value].length;
    if (rules.minLen !== undefined && length < rules.minLen)
      out.push({ path, message: minLenMessage(rules.minLen) });
    if (rules.maxLen !== undefined && length > rules.maxLen)
      out.push({ path, message: `value length must be at most ${rules.maxLen} characters` });
    if (rules.pattern !== undefined && !new RegExp(rules.pattern, 'u').test(value))
      out.push({ path, message: patternMessage(rules.pattern) });
    return;
  }
  if (typeof value === 'number' && (rules.gte !== undefined || rules.lte !== undefined)) {
    if (
      (rules.gte !== undefined && value < rules.gte) ||
      (rules.lte !== undefined && value > rules.lte)
    )
      out.push({ path, message: rangeMessage(rules.gte, rules.lte) });
  }
}

function defaultOf(field: FieldDescriptor): unknown {
  const { type } = field;
  if (type === 'string') return '';
  if (type === 'int32') return 0;
  return undefined;
}

function fieldViolations(
  field: FieldDescriptor,
  value: unknown,
  path: string,
  out: Violation[],
): void {
  const rules = field.rules;
  const { type } = field;
  if (field.repeated === true) {
    const items = (value as unknown[] | undefined) ?? [];
    if (rules?.maxItems !== undefined && items.length > rules.maxItems)
      out.push({ path, message: maxItemsMessage(rules.maxItems) });
    items.forEach((item, index) => {
      const itemPath = `${path}[${index}]`;
      if (rules?.items !== undefined) scalarViolations(rules.items, item, itemPath, out);
      if (typeof type === 'function') messageViolations(type(), item as ProtoObject, itemPath, out);
    });
    return;
  }
  if (field.map === true) return;
  if (typeof type === 'function') {
    if (value !== undefined) messageViolations(type(), value as ProtoObject, path, out);
    return;
  }
  // Rules of fields with presence apply only when set; the others see their zero value.
  const present = value !== undefined;
  if (!present && (field.optional === true || field.oneof !== undefined)) return;
  const effective = present ? value : defaultOf(field);
  if (rules === undefined) return;
  if (typeof type === 'object' && rules.definedOnly === true && typeof effective === 'number')
    out.push({ path, message: MESSAGE_DEFINED_ONLY });
  scalarViolations(rules, effective, path, out);
}

/** Every violation in `value`, a decoded `descriptor` message, in field order. */
export function messageViolations(
  descriptor: MessageDescriptor,
  value: ProtoObject,
  prefix = '',
  out: Violation[] = [],
): Violation[] {
  for (const field of descriptor.fields) {
    const path = prefix === '' ? field.proto : `${prefix}.${field.proto}`;
    fieldViolations(field, value[field.json], path, out);
  }
  return out;
}

/** protovalidate's error text: one violation on one line, several as a list. */
export function formatViolations(violations: readonly Violation[]): string {
  if (violations.length === 1) {
    const [only] = violations as [Violation];
    return `validation error: ${only.path}: ${only.message}`;
  }
  return `validation errors:${violations.map((v) => `\n - ${v.path}: ${v.message}`).join('')}`;
}
