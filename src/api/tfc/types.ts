/**
 * The records behind the `tfc` dialect: what the state holds, in the units
 * the code uses (epoch ms, arrays in the order clients sent them). The wire
 * shapes are built from these in `representation.ts`.
 */

/** A run stage at which run tasks can run, in underscore form (research §4.1). */
export type TaskStageName = 'pre_plan' | 'post_plan' | 'pre_apply' | 'post_apply';

/** Every stage, in the order a run reaches them. */
export const TASK_STAGE_NAMES: readonly TaskStageName[] = [
  'pre_plan',
  'post_plan',
  'pre_apply',
  'post_apply',
];

/** How a failing task affects its run (research §5.3). */
export type EnforcementLevel = 'advisory' | 'mandatory';

/** Task result statuses (research §5.1). */
export type TaskResultStatus =
  | 'pending'
  | 'running'
  | 'passed'
  | 'failed'
  | 'errored'
  | 'canceled'
  | 'unreachable';

/** Task stage statuses (research §5.1). */
export type TaskStageStatus =
  | 'pending'
  | 'running'
  | 'passed'
  | 'failed'
  | 'awaiting_override'
  | 'errored'
  | 'canceled'
  | 'unreachable';

/** An organization's entitlements that run tasks look at (research §2.8). */
export interface TfcEntitlements {
  /** Run task endpoints answer 404 without it. */
  runTasks: boolean;
  /** `global-configuration` is stored and shown only with it. */
  globalRunTasks: boolean;
  /** The `agent-pool` relationship is accepted only with it. */
  privateRunTasks: boolean;
  /** Most run tasks in the organization; `null` is unlimited. */
  runTaskLimit: number | null;
  /** Most run tasks on one workspace; `null` is unlimited. */
  runTaskWorkspaceLimit: number | null;
  /** Most mandatory associations in the organization; `null` is unlimited. */
  runTaskMandatoryEnforcementLimit: number | null;
}

/** An organization; its ID is its name. */
export interface OrganizationRecord {
  readonly name: string;
  readonly email: string;
  readonly createdAtMs: number;
  entitlements: TfcEntitlements;
}

/** Where a workspace's configuration comes from, when it is VCS-driven. */
export interface WorkspaceVcs {
  readonly repoUrl: string;
  readonly branch: string;
  readonly commitHash: string;
  readonly pullRequestUrl?: string | null;
}

/** A workspace. */
export interface WorkspaceRecord {
  readonly id: string;
  readonly organization: string;
  readonly name: string;
  readonly workingDirectory: string;
  readonly vcs: WorkspaceVcs | null;
  readonly createdAtMs: number;
}

/** An agent pool a private run task can use. */
export interface AgentPoolRecord {
  readonly id: string;
  readonly organization: string;
  readonly name: string;
}

/** An API token and what it can see. */
export interface TokenRecord {
  readonly token: string;
  /** Organization names this token can see; `'all'` sees every one. */
  readonly organizations: 'all' | ReadonlySet<string>;
}

/** `global-configuration` as stored. */
export interface GlobalConfiguration {
  enabled: boolean;
  stages: TaskStageName[];
  enforcementLevel: EnforcementLevel | null;
}

/** An organization run task (`tasks`). */
export interface RunTaskRecord {
  readonly id: string;
  readonly organization: string;
  name: string;
  url: string;
  description: string | null;
  category: 'task';
  /** Write-only: never shown. `null` means no key. */
  hmacKey: string | null;
  enabled: boolean;
  global: GlobalConfiguration;
  agentPoolId: string | null;
  readonly createdAtMs: number;
  updatedAtMs: number;
}

/** A workspace run task association (`workspace-tasks`). */
export interface WorkspaceTaskRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly taskId: string;
  enforcementLevel: EnforcementLevel;
  /** As sent, in order; `stage` is `stages[0]`. */
  stages: TaskStageName[];
  readonly createdAtMs: number;
  updatedAtMs: number;
}

/** A run of a workspace, as far as run tasks see it. */
export interface RunRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly organization: string;
  readonly message: string;
  readonly isSpeculative: boolean;
  readonly createdBy: string;
  readonly createdAtMs: number;
  readonly configurationVersionId: string;
  readonly planId: string;
  status: string;
  statusTimestamps: Record<string, number>;
  /** The run's task stages, in stage order. */
  readonly stageIds: string[];
}

/** One structured outcome sent with a callback (research §4.4). */
export interface OutcomeRecord {
  readonly id: string;
  /** The task result the callback that sent it belongs to. */
  readonly resultId: string;
  readonly outcomeId: string;
  readonly description: string | null;
  readonly body: string | null;
  readonly url: string | null;
  readonly tags: Record<string, { label: string; level: string }[]>;
  readonly createdAtMs: number;
}

/** A task stage of a run (`task-stages`). */
export interface TaskStageRecord {
  readonly id: string;
  readonly runId: string;
  readonly stage: TaskStageName;
  status: TaskStageStatus;
  statusTimestamps: Record<string, number>;
  readonly createdAtMs: number;
  updatedAtMs: number;
  readonly resultIds: string[];
}

/** One task's result within a task stage (`task-results`). */
export interface TaskResultRecord {
  readonly id: string;
  readonly stageId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly taskName: string;
  readonly taskUrl: string;
  readonly hmacKey: string | null;
  readonly agentPoolId: string | null;
  readonly workspaceTaskId: string | null;
  readonly enforcementLevel: EnforcementLevel;
  readonly stage: TaskStageName;
  readonly isSpeculative: boolean;
  status: TaskResultStatus;
  message: string | null;
  url: string | null;
  statusTimestamps: Record<string, number>;
  readonly createdAtMs: number;
  updatedAtMs: number;
  /** The opaque part of the callback URL (a UUID, as in the docs' sample). */
  readonly callbackGuid: string;
  /** The bearer token handed to the integration; `null` until the request is sent. */
  accessToken: string | null;
  /** When the access token stops working, epoch ms. */
  tokenExpiresAtMs: number;
  readonly outcomes: OutcomeRecord[];
}

/** Every request the fake sent to a run task, with what came back. */
export interface WebhookDelivery {
  readonly id: number;
  /** `verification` for the test request on create/update, `run-task` for a run's request. */
  readonly kind: 'verification' | 'run-task';
  readonly taskId: string | null;
  readonly resultId: string | null;
  readonly url: string;
  readonly attempt: number;
  readonly headers: Record<string, string>;
  /** The exact body sent (what the signature covers). */
  readonly body: string;
  readonly sentAtMs: number;
  /** The answer, or `null` when there was none (connection error, timeout) or none yet. */
  response: { readonly status: number; readonly body: string } | null;
  error: string | null;
  /** Whether the delivery counted as accepted (only HTTP 200 does). */
  accepted: boolean;
}
