/**
 * Reading `tasks` request documents: types, defaults and the 422 rules of
 * research §2.3. The first rule broken is reported, with its `source.pointer`.
 */

import { invalidAttribute } from './errors.ts';
import { isObject } from './json-api.ts';
import {
  DETAIL_AGENT_POOL_MISSING,
  DETAIL_ATTRIBUTES_INVALID,
  DETAIL_CATEGORY_NOT_IN_LIST,
  DETAIL_DATA_REQUIRED,
  DETAIL_DESCRIPTION_INVALID,
  DETAIL_DESCRIPTION_TOO_LONG,
  DETAIL_ENABLED_INVALID,
  DETAIL_ENFORCEMENT_NOT_IN_LIST,
  DETAIL_GLOBAL_INVALID,
  DETAIL_HMAC_KEY_INVALID,
  DETAIL_NAME_BLANK,
  DETAIL_NAME_INVALID,
  DETAIL_STAGES_NOT_IN_LIST,
  DETAIL_TYPE_INVALID,
  DETAIL_URL_BLANK,
  DETAIL_URL_INVALID,
} from './messages.ts';
import type { EnforcementLevel, GlobalConfiguration, TaskStageName } from './types.ts';
import { TASK_STAGE_NAMES } from './types.ts';

/** Longest description (docs: "up to 300 characters"). */
export const MAX_DESCRIPTION_LENGTH = 300;

const NAME = /^[A-Za-z0-9_-]+$/;
const ATTRIBUTES = '/data/attributes';

/** The fields a create or update document set; absent fields are `undefined`. */
export interface TaskFields {
  name?: string;
  url?: string;
  description?: string | null;
  category?: 'task';
  /** `null` clears the key (`""` and `null` both mean "no key"). */
  hmacKey?: string | null;
  enabled?: boolean;
  global?: Partial<GlobalConfiguration>;
  /** `null` removes the pool. */
  agentPoolId?: string | null;
}

/** `data` of a request document, checked to be an object of `type`. */
export function requestData(
  document: Record<string, unknown>,
  type: string,
): Record<string, unknown> {
  const data = document.data;
  if (!isObject(data)) throw invalidAttribute(DETAIL_DATA_REQUIRED, '/data');
  // The callback accepts `task_results` too (spec enum); other resources only the dashed form.
  if (data.type !== type) throw invalidAttribute(DETAIL_TYPE_INVALID, '/data/type');
  return data;
}

/** `data.attributes` (absent is empty). */
export function attributesOf(data: Record<string, unknown>): Record<string, unknown> {
  const attributes = data.attributes;
  if (attributes === undefined) return {};
  if (!isObject(attributes)) throw invalidAttribute(DETAIL_ATTRIBUTES_INVALID, ATTRIBUTES);
  return attributes;
}

/** Whether `value` is an http(s) URL with a host. */
export function isHttpUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/** A stage name, or `undefined`. */
export function stageName(value: unknown): TaskStageName | undefined {
  return TASK_STAGE_NAMES.find((stage) => stage === value);
}

/** An enforcement level, or `undefined`. */
export function enforcementLevel(value: unknown): EnforcementLevel | undefined {
  return value === 'advisory' || value === 'mandatory' ? value : undefined;
}

function booleanAttribute(value: unknown, detail: string, pointer: string): boolean {
  // Rails coerces the strings the docs' samples send ("enabled": "true").
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw invalidAttribute(detail, pointer);
}

function readGlobal(value: unknown): Partial<GlobalConfiguration> {
  const pointer = `${ATTRIBUTES}/global-configuration`;
  if (!isObject(value)) throw invalidAttribute(DETAIL_GLOBAL_INVALID, pointer);
  const global: Partial<GlobalConfiguration> = {};
  if (value.enabled !== undefined) {
    global.enabled = booleanAttribute(value.enabled, DETAIL_GLOBAL_INVALID, pointer);
  }
  if (value.stages !== undefined) {
    if (!Array.isArray(value.stages)) throw invalidAttribute(DETAIL_STAGES_NOT_IN_LIST, pointer);
    const stages: TaskStageName[] = [];
    for (const item of value.stages) {
      const stage = stageName(item);
      if (stage === undefined) throw invalidAttribute(DETAIL_STAGES_NOT_IN_LIST, pointer);
      if (!stages.includes(stage)) stages.push(stage);
    }
    global.stages = stages;
  }
  const level = value['enforcement-level'];
  if (level !== undefined) {
    if (level === null) global.enforcementLevel = null;
    else {
      const parsed = enforcementLevel(level);
      if (parsed === undefined) throw invalidAttribute(DETAIL_ENFORCEMENT_NOT_IN_LIST, pointer);
      global.enforcementLevel = parsed;
    }
  }
  return global;
}

function readAgentPool(data: Record<string, unknown>): string | null | undefined {
  const relationships = data.relationships;
  if (relationships === undefined || relationships === null) return undefined;
  const pointer = '/data/relationships/agent-pool';
  if (!isObject(relationships)) throw invalidAttribute(DETAIL_AGENT_POOL_MISSING, pointer);
  const pool = relationships['agent-pool'];
  if (pool === undefined) return undefined;
  if (!isObject(pool)) throw invalidAttribute(DETAIL_AGENT_POOL_MISSING, pointer);
  if (pool.data === null) return null;
  if (!isObject(pool.data) || typeof pool.data.id !== 'string' || pool.data.id === '') {
    throw invalidAttribute(DETAIL_AGENT_POOL_MISSING, pointer);
  }
  return pool.data.id;
}

/**
 * Reads the fields of a `tasks` document. `create` also requires `name`,
 * `url` and `category`.
 */
export function readTaskFields(document: Record<string, unknown>, create: boolean): TaskFields {
  const data = requestData(document, 'tasks');
  const attributes = attributesOf(data);
  const fields: TaskFields = {};

  const name = attributes.name;
  if (name !== undefined || create) {
    if (name === undefined || name === null || name === '') {
      throw invalidAttribute(DETAIL_NAME_BLANK, `${ATTRIBUTES}/name`);
    }
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw invalidAttribute(DETAIL_NAME_INVALID, `${ATTRIBUTES}/name`);
    }
    fields.name = name;
  }

  const url = attributes.url;
  if (url !== undefined || create) {
    if (url === undefined || url === null || url === '') {
      throw invalidAttribute(DETAIL_URL_BLANK, `${ATTRIBUTES}/url`);
    }
    if (typeof url !== 'string' || !isHttpUrl(url)) {
      throw invalidAttribute(DETAIL_URL_INVALID, `${ATTRIBUTES}/url`);
    }
    fields.url = url;
  }

  const description = attributes.description;
  if (description !== undefined) {
    if (description !== null && typeof description !== 'string') {
      throw invalidAttribute(DETAIL_DESCRIPTION_INVALID, `${ATTRIBUTES}/description`);
    }
    if (typeof description === 'string' && [...description].length > MAX_DESCRIPTION_LENGTH) {
      throw invalidAttribute(DETAIL_DESCRIPTION_TOO_LONG, `${ATTRIBUTES}/description`);
    }
    fields.description = description;
  }

  const category = attributes.category;
  if (category !== undefined || create) {
    if (category !== 'task') {
      throw invalidAttribute(DETAIL_CATEGORY_NOT_IN_LIST, `${ATTRIBUTES}/category`);
    }
    fields.category = category;
  }

  const hmacKey = attributes['hmac-key'];
  if (hmacKey !== undefined) {
    if (hmacKey !== null && typeof hmacKey !== 'string') {
      throw invalidAttribute(DETAIL_HMAC_KEY_INVALID, `${ATTRIBUTES}/hmac-key`);
    }
    // The provider sends "" when the user set no key (research §2.2).
    fields.hmacKey = hmacKey === '' ? null : hmacKey;
  }

  if (attributes.enabled !== undefined) {
    fields.enabled = booleanAttribute(
      attributes.enabled,
      DETAIL_ENABLED_INVALID,
      `${ATTRIBUTES}/enabled`,
    );
  }

  const global = attributes['global-configuration'];
  if (global !== undefined && global !== null) fields.global = readGlobal(global);

  const agentPoolId = readAgentPool(data);
  if (agentPoolId !== undefined) fields.agentPoolId = agentPoolId;
  return fields;
}
