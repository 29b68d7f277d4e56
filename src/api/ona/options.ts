/**
 * Options of the Ona API, and the switches for every behaviour the public
 * references leave open (research/ona-automation-tasks.md Appendix B). The
 * defaults are the research's recommendations.
 */

import type { OnaEngine } from './ona-engine.ts';
import type { OnaSubject } from './types.ts';

/** The behaviours Appendix B lists as unknown, each switchable. */
export interface OnaPolicies {
  /**
   * B1: the code of a CreateTask whose reference exists in the environment.
   * @default 'already_exists'
   */
  readonly duplicateReference?: 'already_exists' | 'invalid_argument' | 'failed_precondition';
  /**
   * B2: DeleteTask of an unknown id answers `not_found`, or `{}` (idempotent).
   * @default 'not_found'
   */
  readonly deleteUnknownTask?: 'not_found' | 'succeed';
  /**
   * B3: StopTaskExecution of a finished execution answers `{}` and changes
   * nothing but the desired phase, or `failed_precondition`.
   * @default 'succeed'
   */
  readonly stopFinishedExecution?: 'succeed' | 'failed_precondition';
  /**
   * B4: UpdateTask's `dependsOn` and `spec.env` have no presence; an empty
   * list leaves the stored one (`keep`) or clears it (`replace`).
   * @default 'keep'
   */
  readonly emptyListInUpdate?: 'keep' | 'replace';
  /**
   * B5: when unknown, foreign or cyclic dependencies are refused: at
   * StartTask, or already at CreateTask/UpdateTask.
   * @default 'start'
   */
  readonly dependencyCheck?: 'start' | 'create';
  /**
   * B5: the code of that refusal.
   * @default 'failed_precondition' (at start), 'invalid_argument' (at create)
   */
  readonly dependencyErrorCode?: 'failed_precondition' | 'invalid_argument' | 'not_found';
  /**
   * B6: the order of ListTasks and ListTaskExecutions.
   * @default 'oldest-first'
   */
  readonly listOrder?: 'oldest-first' | 'newest-first';
  /**
   * B7: a page token that does not decode: `invalid_argument`, or the first page.
   * @default 'invalid_argument'
   */
  readonly invalidPageToken?: 'invalid_argument' | 'first-page';
  /**
   * B8: where `token` and `pageSize` are read first when both the query and
   * the body's `pagination` carry them.
   * @default 'query'
   */
  readonly paginationPrecedence?: 'query' | 'body';
  /**
   * B9: `spec.desiredPhase` of a new execution.
   * @default 'running'
   */
  readonly initialDesiredPhase?: 'running' | 'unset';
  /**
   * B10: `metadata.startedBy` of an execution started through StartTask.
   * (Trigger-fired starts use the trigger's key.)
   * @default 'manual'
   */
  readonly startedBy?: string;
  /**
   * B11: a plan step's `label`.
   * @default 'name'
   */
  readonly stepLabel?: 'name' | 'reference';
  /**
   * B13: CreateTask in an environment the directory does not know.
   * @default 'not_found'
   */
  readonly unknownEnvironment?: 'not_found' | 'permission_denied';
  /**
   * B14: the Connect code → HTTP status table.
   * @default 'current' (connect-go ≥ 1.16)
   */
  readonly statusMapping?: 'current' | 'legacy';
  /**
   * B15: send `x-should-retry: false` with 409 answers, so `@gitpod/sdk`
   * does not resend them twice (not what the real service does).
   * @default false
   */
  readonly noRetryOnConflict?: boolean;
}

/** {@link OnaPolicies} with every default filled in. */
export type ResolvedOnaPolicies = {
  readonly [K in keyof OnaPolicies]-?: Exclude<OnaPolicies[K], undefined>;
};

/** The recommended defaults of Appendix B. */
export const DEFAULT_ONA_POLICIES: ResolvedOnaPolicies = Object.freeze({
  duplicateReference: 'already_exists',
  deleteUnknownTask: 'not_found',
  stopFinishedExecution: 'succeed',
  emptyListInUpdate: 'keep',
  dependencyCheck: 'start',
  dependencyErrorCode: 'failed_precondition',
  listOrder: 'oldest-first',
  invalidPageToken: 'invalid_argument',
  paginationPrecedence: 'query',
  initialDesiredPhase: 'running',
  startedBy: 'manual',
  stepLabel: 'name',
  unknownEnvironment: 'not_found',
  statusMapping: 'current',
  noRetryOnConflict: false,
});

/** Who may call the API. */
export interface OnaAuthOptions {
  /**
   * `any`: every non-empty bearer token is accepted (a token listed in
   * `tokens` acts as its subject, any other as {@link DEFAULT_ONA_SUBJECT}).
   * `strict`: only the tokens listed in `tokens`. Either way a request
   * without a bearer token is `unauthenticated`.
   * @default 'any'
   */
  readonly mode?: 'any' | 'strict';
  /** Token → the subject it authenticates. @default {} */
  readonly tokens?: Readonly<Record<string, OnaSubject>>;
}

/** The environments CreateTask accepts. */
export interface OnaEnvironmentDirectory {
  has(environmentId: string): boolean;
}

/** The subject of a token nobody configured. */
export const DEFAULT_ONA_SUBJECT: OnaSubject = Object.freeze({
  id: '0b9f3c6e-5c1d-4b8a-9a51-7f3e2d1c0a99',
  principal: 'PRINCIPAL_USER',
});

/** Options of `onaApi` / `createOnaService`. */
export interface OnaApiOptions {
  /** The engine, from `createOnaEngine()`. */
  readonly engine: OnaEngine;
  /** Switches for the behaviours the references leave open. */
  readonly policies?: OnaPolicies;
  /** Bearer-token checking. @default { mode: 'any' } */
  readonly auth?: OnaAuthOptions;
  /**
   * Known environments; CreateTask elsewhere fails (policy `unknownEnvironment`).
   * @default every UUID is an environment
   */
  readonly environments?: OnaEnvironmentDirectory;
  /**
   * An execution's `status.logUrl` once a step started.
   * @default `https://logs.taskport.invalid/executions/<id>`
   */
  readonly logUrl?: (executionId: string) => string;
  /**
   * Larger bodies are refused with `resource_exhausted`.
   * @default 4 MiB
   */
  readonly maxBodyBytes?: number;
}

/** @internal The resolved options. */
export interface ResolvedOnaApiOptions {
  readonly engine: OnaEngine;
  readonly policies: ResolvedOnaPolicies;
  readonly auth: Required<OnaAuthOptions>;
  readonly environments: OnaEnvironmentDirectory | undefined;
  readonly logUrl: (executionId: string) => string;
  readonly maxBodyBytes: number;
}

/** The default body limit, bytes. */
export const DEFAULT_ONA_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The default log URL of an execution. */
export function defaultLogUrl(executionId: string): string {
  return `https://logs.taskport.invalid/executions/${executionId}`;
}

function describe(value: unknown): string {
  return `${typeof value === 'string' ? JSON.stringify(value) : String(value)} (${typeof value})`;
}

/** Fills the defaults; throws a TypeError naming a bad option. */
export function resolveOnaApiOptions(options: OnaApiOptions): ResolvedOnaApiOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describe(options)}`);
  }
  const { engine } = options;
  // A JavaScript caller may pass anything; a front-door verb tells an Engine.
  if (typeof engine?.createTask !== 'function') {
    throw new TypeError(`Expected \`engine\` to be an Engine, got ${describe(engine)}`);
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_ONA_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new TypeError(
      `Expected \`maxBodyBytes\` to be a positive integer, got ${describe(maxBodyBytes)}`,
    );
  }
  const mode = options.auth?.mode ?? 'any';
  if (mode !== 'any' && mode !== 'strict') {
    throw new TypeError(`Expected \`auth.mode\` to be 'any' or 'strict', got ${describe(mode)}`);
  }
  const policies = { ...DEFAULT_ONA_POLICIES, ...stripUndefined(options.policies ?? {}) };
  if (options.policies?.dependencyErrorCode === undefined && policies.dependencyCheck === 'create')
    policies.dependencyErrorCode = 'invalid_argument';
  return {
    engine,
    policies,
    auth: { mode, tokens: { ...(options.auth?.tokens ?? {}) } },
    environments: options.environments,
    logUrl: options.logUrl ?? defaultLogUrl,
    maxBodyBytes,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, item]) => item !== undefined),
  ) as Partial<T>;
}
