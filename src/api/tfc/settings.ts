/**
 * The behaviour switches of the `tfc` dialect (research §11.1). They live in
 * the state so the fake's control API can flip them between requests.
 */

import type { TfcEntitlements } from './types.ts';

/** What to do with `DELETE /tasks/:id` while workspaces still use the task (research §2.7). */
export type TaskDeletePolicy = 'reject' | 'cascade';

/** The switches; every field has a default in {@link DEFAULT_TFC_SETTINGS}. */
export interface TfcSettings {
  /** POST a verification request to the URL on create; non-200 refuses the create. */
  verifyOnCreate: boolean;
  /** The same on update, when `url`, `hmac-key` or the agent pool change. */
  verifyOnUpdate: boolean;
  /** The `stage` of the verification payload. */
  verificationStageValue: string;
  /** 415 for POST/PATCH/DELETE without `Content-Type: application/vnd.api+json`. */
  strictContentType: boolean;
  /** `reject` answers 422 while associations exist; `cascade` deletes them. */
  taskDeletePolicy: TaskDeletePolicy;
  /** A mandatory failure waits for an override instead of failing the stage. */
  mandatoryFailureOverridable: boolean;
  /** No callback for this long after the request or the last callback: the result errors. Ms. */
  callbackIdleTimeoutMs: number;
  /** A result still open this long after its request errors. Ms. */
  callbackMaxDurationMs: number;
  /** How long one run-task request may take before it counts as failed. Ms. */
  dispatchTimeoutMs: number;
  /** Further attempts after a request that was not answered with 200. */
  dispatchRetries: number;
  /** Wait between attempts. Ms. */
  dispatchRetryDelayMs: number;
  /** Headers `GET /api/v2/ping` answers with (research §7.5). */
  pingHeaders: Record<string, string>;
  /** Entitlements of organizations created without explicit ones. */
  defaultEntitlements: TfcEntitlements;
}

/** A paid organization: every run-task feature, no limits. */
export const DEFAULT_ENTITLEMENTS: Readonly<TfcEntitlements> = Object.freeze({
  runTasks: true,
  globalRunTasks: true,
  privateRunTasks: true,
  runTaskLimit: null,
  runTaskWorkspaceLimit: null,
  runTaskMandatoryEnforcementLimit: null,
});

/** HCP Terraform's ping headers: go-tfe's `IsCloud()` reads `TFP-AppName`. */
export const HCP_TERRAFORM_PING_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'TFP-API-Version': '2.6',
  'TFP-AppName': 'HCP Terraform',
});

/** The defaults of {@link TfcSettings}. */
export const DEFAULT_TFC_SETTINGS: Readonly<TfcSettings> = Object.freeze({
  verifyOnCreate: true,
  verifyOnUpdate: true,
  verificationStageValue: 'test',
  strictContentType: true,
  taskDeletePolicy: 'reject',
  mandatoryFailureOverridable: false,
  callbackIdleTimeoutMs: 10 * 60_000,
  callbackMaxDurationMs: 60 * 60_000,
  dispatchTimeoutMs: 10_000,
  dispatchRetries: 3,
  dispatchRetryDelayMs: 1_000,
  pingHeaders: HCP_TERRAFORM_PING_HEADERS,
  defaultEntitlements: DEFAULT_ENTITLEMENTS,
});

const MS_KEYS = [
  'callbackIdleTimeoutMs',
  'callbackMaxDurationMs',
  'dispatchTimeoutMs',
  'dispatchRetries',
  'dispatchRetryDelayMs',
] as const;

/**
 * Merges `patch` over `base` into a new object, checking each field.
 * Throws a `TypeError` naming the field on a bad value.
 */
export function mergeTfcSettings(base: TfcSettings, patch: Partial<TfcSettings>): TfcSettings {
  const next: TfcSettings = {
    ...base,
    ...patch,
    pingHeaders: { ...(patch.pingHeaders ?? base.pingHeaders) },
    defaultEntitlements: { ...base.defaultEntitlements, ...patch.defaultEntitlements },
  };
  for (const key of MS_KEYS) {
    const value = next[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new TypeError(
        `Expected \`${key}\` to be a non-negative finite number, got ${String(value)} (${typeof value})`,
      );
    }
  }
  for (const key of [
    'verifyOnCreate',
    'verifyOnUpdate',
    'strictContentType',
    'mandatoryFailureOverridable',
  ] as const) {
    if (typeof next[key] !== 'boolean') {
      throw new TypeError(
        `Expected \`${key}\` to be a boolean, got ${String(next[key])} (${typeof next[key]})`,
      );
    }
  }
  if (next.taskDeletePolicy !== 'reject' && next.taskDeletePolicy !== 'cascade') {
    throw new TypeError(
      `Expected \`taskDeletePolicy\` to be 'reject' or 'cascade', got ${String(next.taskDeletePolicy)}`,
    );
  }
  if (typeof next.verificationStageValue !== 'string') {
    throw new TypeError('Expected `verificationStageValue` to be a string');
  }
  return next;
}
