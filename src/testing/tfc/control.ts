/**
 * The `tfc` part of the fake's control surface: the world a test sets up
 * (organizations, workspaces, tokens, agent pools), runs it starts, what it
 * reads back (runs, stages, results, every request sent to run tasks), and
 * the behaviour switches of research §11.1.
 */

import type { TfcSettings } from '../../api/tfc/settings.ts';
import type { OrganizationInput, TfcState, WorkspaceInput } from '../../api/tfc/state.ts';
import type {
  AgentPoolRecord,
  OrganizationRecord,
  RunTaskRecord,
  TaskResultRecord,
  TaskStageRecord,
  TfcEntitlements,
  WebhookDelivery,
  WorkspaceRecord,
  WorkspaceTaskRecord,
} from '../../api/tfc/types.ts';
import type { RunSimulation, StartRunInput } from './run-simulation.ts';
import { grantToken, type TokenInput, type TokenView, tokenView } from './tokens.ts';

/** A task result as the control API shows it (the access token included, for tests). */
export type TaskResultView = Omit<TaskResultRecord, 'hmacKey'>;

/** A task stage with its results. */
export interface TaskStageView extends Omit<TaskStageRecord, 'resultIds'> {
  readonly results: TaskResultView[];
}

/** A run with its stages. */
export interface RunView {
  readonly id: string;
  readonly workspaceId: string;
  readonly organization: string;
  readonly message: string;
  readonly isSpeculative: boolean;
  readonly createdBy: string;
  readonly createdAtMs: number;
  readonly status: string;
  readonly statusTimestamps: Record<string, number>;
  readonly stages: TaskStageView[];
}

/** Input of {@link TfcControl.createToken}. */
export type CreateTokenInput = TokenInput;

/** Filter of {@link TfcControl.webhooks}. */
export interface WebhookFilter {
  readonly kind?: WebhookDelivery['kind'];
  readonly taskId?: string;
  readonly resultId?: string;
}

/** What a test can do to and read from the `tfc` world. */
export interface TfcControl {
  createOrganization(input: OrganizationInput): OrganizationRecord;
  setEntitlements(organization: string, entitlements: Partial<TfcEntitlements>): TfcEntitlements;
  createWorkspace(input: WorkspaceInput): WorkspaceRecord;
  /** Returns the bearer token string. A token string that exists already is replaced. */
  createToken(input?: CreateTokenInput): string;
  /** Every token, oldest first. */
  tokens(): TokenView[];
  /**
   * Lets an existing token see more organizations, keeping those it saw
   * (`'all'`: every one); undefined when there is no such token.
   */
  grantToken(token: string, organizations: 'all' | readonly string[]): TokenView | undefined;
  createAgentPool(organization: string, name?: string): AgentPoolRecord;
  /** Starts a run; its first stage's requests are on their way when this returns. */
  startRun(input: StartRunInput): RunView;
  run(id: string): RunView | undefined;
  /**
   * Cancels a run: the stage under way and its unfinished results become
   * `canceled`, later stages `unreachable`. `undefined` when there is no such
   * run; `canceled: false` (nothing changed) when it had already ended.
   */
  cancelRun(id: string): { readonly canceled: boolean; readonly run: RunView } | undefined;
  /** Runs, oldest first, optionally of one workspace. */
  runs(filter?: { readonly workspaceId?: string }): RunView[];
  stage(id: string): TaskStageView | undefined;
  result(id: string): TaskResultView | undefined;
  /** Run tasks as stored (the HMAC key included). */
  tasks(): RunTaskRecord[];
  workspaceTasks(): WorkspaceTaskRecord[];
  /** Every request sent to a run task, oldest first, with its answer. */
  webhooks(filter?: WebhookFilter): WebhookDelivery[];
  knobs(): TfcSettings;
  setKnobs(patch: Partial<TfcSettings>): TfcSettings;
  /** The public base URL put in payloads and callback URLs. */
  setBaseUrl(url: string): void;
  /** The next `count` API requests answer 429. */
  injectRateLimit(count: number): void;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function resultView(result: TaskResultRecord): TaskResultView {
  const { hmacKey: _key, ...rest } = result;
  return clone(rest);
}

/** Builds the control surface over `state` and `simulation`. */
export function createTfcControl(state: TfcState, simulation: RunSimulation): TfcControl {
  const stageView = (stage: TaskStageRecord): TaskStageView => {
    const { resultIds, ...rest } = stage;
    return {
      ...clone(rest),
      results: resultIds
        .map((id) => state.results.get(id))
        .filter((item) => item !== undefined)
        .map(resultView),
    };
  };
  const runView = (id: string): RunView | undefined => {
    const run = state.runs.get(id);
    if (run === undefined) return undefined;
    const { stageIds, configurationVersionId: _cv, planId: _plan, ...rest } = run;
    return {
      ...clone(rest),
      stages: stageIds
        .map((stageId) => state.stages.get(stageId))
        .filter((item) => item !== undefined)
        .map(stageView),
    };
  };
  return {
    createOrganization: (input) => clone(state.createOrganization(input)),
    setEntitlements: (organization, entitlements) =>
      clone(state.setEntitlements(organization, entitlements)),
    createWorkspace: (input) => clone(state.createWorkspace(input)),
    createToken: (input = {}) => state.createToken(input).token,
    tokens: () => [...state.tokens.values()].map(tokenView),
    grantToken: (token, organizations) => grantToken(state, token, organizations),
    createAgentPool: (organization, name) => clone(state.createAgentPool(organization, name)),
    startRun: (input) => runView(simulation.startRun(input).id)!,
    run: runView,
    cancelRun: (id) => {
      if (!state.runs.has(id)) return undefined;
      const canceled = simulation.cancelRun(id);
      return { canceled, run: runView(id)! };
    },
    runs: (filter = {}) =>
      [...state.runs.values()]
        .filter((run) => filter.workspaceId === undefined || run.workspaceId === filter.workspaceId)
        .map((run) => runView(run.id)!),
    stage: (id) => {
      const stage = state.stages.get(id);
      return stage === undefined ? undefined : stageView(stage);
    },
    result: (id) => {
      const result = state.results.get(id);
      return result === undefined ? undefined : resultView(result);
    },
    tasks: () => [...state.tasks.values()].map(clone),
    workspaceTasks: () => [...state.workspaceTasks.values()].map(clone),
    webhooks: (filter = {}) =>
      state.webhooks
        .filter(
          (delivery) =>
            (filter.kind === undefined || delivery.kind === filter.kind) &&
            (filter.taskId === undefined || delivery.taskId === filter.taskId) &&
            (filter.resultId === undefined || delivery.resultId === filter.resultId),
        )
        .map(clone),
    knobs: () => clone(state.settings),
    setKnobs: (patch) => clone(state.configure(patch)),
    setBaseUrl: (url) => state.setBaseUrl(url),
    injectRateLimit: (count) => {
      if (!Number.isSafeInteger(count) || count < 0) {
        throw new TypeError(
          `Expected \`count\` to be a non-negative integer, got ${String(count)}`,
        );
      }
      state.rateLimitedRequests = count;
    },
  };
}
