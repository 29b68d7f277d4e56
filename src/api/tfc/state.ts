/**
 * Everything the `tfc` dialect knows, in memory: organizations, workspaces,
 * tokens, run tasks, associations, runs with their stages and results, the
 * requests sent to run tasks, and the behaviour switches. The API reads and
 * changes it; the fake's run simulation listens to its events.
 */

import { EventEmitter } from 'eventemitter3';
import type { RecordStore } from '../../engine/store.ts';
import { RecordWriter } from '../shared/record-writer.ts';
import { newId } from './ids.ts';
import { IndexedMap } from './indexed-map.ts';
import { DEFAULT_TFC_SETTINGS, mergeTfcSettings, type TfcSettings } from './settings.ts';
import {
  clearStoredRecords,
  encodeStored,
  loadStoredRecords,
  observeStoredRecords,
  type StoredKind,
  type StoredKinds,
  storedKeyOf,
} from './state-records.ts';
import type {
  AgentPoolRecord,
  OrganizationRecord,
  OutcomeRecord,
  RunRecord,
  RunTaskRecord,
  TaskResultRecord,
  TaskStageRecord,
  TfcEntitlements,
  TokenRecord,
  WebhookDelivery,
  WorkspaceRecord,
  WorkspaceTaskRecord,
  WorkspaceVcs,
} from './types.ts';

/** Events the state emits (`noun:past-verb`). */
export interface TfcStateEventMap {
  /** A callback changed a result (status, message, outcomes). */
  'task-result:updated': [result: TaskResultRecord];
  /** Someone overrode a stage that was awaiting override. */
  'task-stage:overridden': [stage: TaskStageRecord];
}

/** Input of {@link TfcState.createOrganization}. */
export interface OrganizationInput {
  readonly name: string;
  readonly email?: string;
  readonly entitlements?: Partial<TfcEntitlements>;
}

/** Input of {@link TfcState.createWorkspace}. */
export interface WorkspaceInput {
  readonly organization: string;
  readonly name: string;
  /** @default '' */
  readonly workingDirectory?: string;
  /** @default null (not VCS-driven) */
  readonly vcs?: WorkspaceVcs | null;
}

/** Input of {@link TfcState.createToken}. */
export interface TokenInput {
  /** A token string to use; random when absent. */
  readonly token?: string;
  /** Organizations the token can see. @default 'all' */
  readonly organizations?: 'all' | readonly string[];
}

/** Options of {@link TfcState}. */
export interface TfcStateOptions {
  /** The fake's clock time, epoch ms. */
  readonly now: () => number;
  /** Switches over {@link DEFAULT_TFC_SETTINGS}. */
  readonly settings?: Partial<TfcSettings>;
  /**
   * The public base URL (scheme and host) used in payloads and callback URLs.
   * When absent, the first request served sets it.
   */
  readonly baseUrl?: string;
  /**
   * A path the API is served under (a fake namespace's `/ns/<name>`): the
   * base URL, given, set or learned, ends with it.
   * @default ''
   */
  readonly basePath?: string;
  /**
   * Where the records live between processes (`taskport serve --store`):
   * organizations, workspaces, agent pools, tokens, run tasks, associations,
   * runs, stages and results, as collections `tfc.<kind>`. The Maps stay the
   * index every request reads; call {@link TfcState.load} before serving.
   * @default none: the Maps are the only copy
   */
  readonly records?: RecordStore;
}

/** Organization names are TFC's slug rule: letters, digits, `-`, `_`. */
const ORGANIZATION_NAME = /^[A-Za-z0-9_-]+$/;

/** The in-memory world of the `tfc` dialect. */
export class TfcState {
  readonly events = new EventEmitter<TfcStateEventMap>();
  // IndexedMaps, so that a record store sees every set and delete (see observeStoredRecords).
  readonly organizations: Map<string, OrganizationRecord> = new IndexedMap();
  readonly workspaces: Map<string, WorkspaceRecord> = new IndexedMap();
  readonly agentPools: Map<string, AgentPoolRecord> = new IndexedMap();
  readonly tokens: Map<string, TokenRecord> = new IndexedMap();
  // Indexed Maps: lists read one organization's tasks or one task's (one
  // workspace's) associations instead of filtering every record per request.
  readonly #tasks = new IndexedMap<string, RunTaskRecord>();
  readonly #workspaceTasks = new IndexedMap<string, WorkspaceTaskRecord>();
  readonly tasks: Map<string, RunTaskRecord> = this.#tasks;
  readonly workspaceTasks: Map<string, WorkspaceTaskRecord> = this.#workspaceTasks;
  readonly runs: Map<string, RunRecord> = new IndexedMap();
  readonly stages: Map<string, TaskStageRecord> = new IndexedMap();
  readonly results: Map<string, TaskResultRecord> = new IndexedMap();
  /** Results by the opaque part of their callback URL (an index over `results`: not stored). */
  readonly resultsByCallback = new Map<string, TaskResultRecord>();
  /** Outcomes callbacks sent, by their `task-result-outcomes` ID. */
  readonly outcomes = new Map<string, OutcomeRecord>();
  readonly webhooks: WebhookDelivery[] = [];
  readonly now: () => number;
  settings: TfcSettings;
  /** How many of the next API requests answer 429. */
  rateLimitedRequests = 0;
  #baseUrl: string | undefined;
  readonly #basePath: string;
  #webhookSeq = 0;
  readonly #tasksByOrganization = this.#tasks.groupBy((task) => task.organization);
  readonly #associationsByTask = this.#workspaceTasks.groupBy((item) => item.taskId);
  readonly #associationsByWorkspace = this.#workspaceTasks.groupBy((item) => item.workspaceId);
  readonly #records: RecordStore | undefined;
  readonly #writer: RecordWriter | undefined;
  #loading: Promise<void> | undefined;

  constructor(options: TfcStateOptions) {
    this.now = options.now;
    this.settings = mergeTfcSettings(DEFAULT_TFC_SETTINGS, options.settings ?? {});
    this.#basePath = trimSlash(options.basePath ?? '');
    this.#baseUrl =
      options.baseUrl === undefined ? undefined : `${trimSlash(options.baseUrl)}${this.#basePath}`;
    this.#records = options.records;
    this.#writer = options.records === undefined ? undefined : new RecordWriter(options.records);
  }

  /** Whether the records live in a record store (`records` was given). */
  get durable(): boolean {
    return this.#writer !== undefined;
  }

  /**
   * Reads the stored records into the Maps (once; later calls share the
   * first), then writes every later change through. Resolves at once
   * without a record store.
   */
  load(): Promise<void> {
    const records = this.#records;
    const writer = this.#writer;
    if (records === undefined || writer === undefined) return Promise.resolve();
    this.#loading ??= loadStoredRecords(this, records).then(() =>
      observeStoredRecords(this, writer),
    );
    return this.#loading;
  }

  /**
   * A record changed in place (a status, a timestamp): write it again. The
   * Maps' own set and delete are written without being told.
   */
  touch<K extends StoredKind>(kind: K, record: StoredKinds[K]): void {
    this.#writer?.put(`tfc.${kind}`, storedKeyOf(kind, record), encodeStored(kind, record));
  }

  /** Resolves once every change so far is in the record store; rejects when a write failed. */
  persisted(): Promise<void> {
    return this.#writer === undefined ? Promise.resolve() : this.#writer.settled();
  }

  /** Empties the Maps and the stored collections (a reset of a durable world). */
  async clear(): Promise<void> {
    await this.load();
    await this.persisted().catch(() => undefined);
    // One statement per collection below instead of a delete per record.
    observeStoredRecords(this, undefined);
    for (const map of [
      this.outcomes,
      this.resultsByCallback,
      this.results,
      this.stages,
      this.runs,
      this.workspaceTasks,
      this.tasks,
      this.tokens,
      this.agentPools,
      this.workspaces,
      this.organizations,
    ]) {
      (map as Map<string, unknown>).clear();
    }
    this.webhooks.length = 0;
    if (this.#records !== undefined) await clearStoredRecords(this.#records);
    if (this.#writer !== undefined) observeStoredRecords(this, this.#writer);
  }

  /** The public base URL; `https://app.terraform.io` until one is known. */
  get baseUrl(): string {
    return this.#baseUrl ?? 'https://app.terraform.io';
  }

  /** Sets the public base URL (scheme, host, optional port). */
  setBaseUrl(url: string): void {
    this.#baseUrl = `${trimSlash(new URL(url).origin)}${this.#basePath}`;
  }

  /** Sets the base URL from a request's origin unless one is set already. */
  learnBaseUrl(requestUrl: string): void {
    if (this.#baseUrl === undefined)
      this.#baseUrl = `${new URL(requestUrl).origin}${this.#basePath}`;
  }

  /** Applies `patch` to the switches; returns them. */
  configure(patch: Partial<TfcSettings>): TfcSettings {
    this.settings = mergeTfcSettings(this.settings, patch);
    return this.settings;
  }

  createOrganization(input: OrganizationInput): OrganizationRecord {
    if (typeof input.name !== 'string' || !ORGANIZATION_NAME.test(input.name)) {
      throw new TypeError(
        `Expected \`name\` to be letters, digits, - or _, got ${String(input.name)}`,
      );
    }
    if (this.organizations.has(input.name)) {
      throw new TypeError(`taskport: organization ${input.name} exists already`);
    }
    const organization: OrganizationRecord = {
      name: input.name,
      email: input.email ?? `admin@${input.name}.example`,
      createdAtMs: this.now(),
      entitlements: { ...this.settings.defaultEntitlements, ...input.entitlements },
    };
    this.organizations.set(organization.name, organization);
    return organization;
  }

  setEntitlements(organization: string, patch: Partial<TfcEntitlements>): TfcEntitlements {
    const record = this.#organization(organization);
    record.entitlements = { ...record.entitlements, ...patch };
    this.touch('organizations', record);
    return record.entitlements;
  }

  createWorkspace(input: WorkspaceInput): WorkspaceRecord {
    this.#organization(input.organization);
    if (typeof input.name !== 'string' || !ORGANIZATION_NAME.test(input.name)) {
      throw new TypeError(
        `Expected \`name\` to be letters, digits, - or _, got ${String(input.name)}`,
      );
    }
    for (const workspace of this.workspaces.values()) {
      if (workspace.organization === input.organization && workspace.name === input.name) {
        throw new TypeError(
          `taskport: workspace ${input.organization}/${input.name} exists already`,
        );
      }
    }
    const workspace: WorkspaceRecord = {
      id: newId('ws-'),
      organization: input.organization,
      name: input.name,
      workingDirectory: input.workingDirectory ?? '',
      vcs: input.vcs ?? null,
      createdAtMs: this.now(),
    };
    this.workspaces.set(workspace.id, workspace);
    return workspace;
  }

  createAgentPool(organization: string, name = 'agent-pool'): AgentPoolRecord {
    this.#organization(organization);
    const pool: AgentPoolRecord = { id: newId('apool-'), organization, name };
    this.agentPools.set(pool.id, pool);
    return pool;
  }

  createToken(input: TokenInput = {}): TokenRecord {
    const organizations = input.organizations ?? 'all';
    const record: TokenRecord = {
      token: input.token ?? `${newId('')}.atlasv1.${newId('')}${newId('')}`,
      organizations: organizations === 'all' ? 'all' : new Set(organizations),
    };
    this.tokens.set(record.token, record);
    return record;
  }

  /** Whether `token` may see `organization`. */
  canSee(token: TokenRecord, organization: string): boolean {
    return token.organizations === 'all' || token.organizations.has(organization);
  }

  /** The run tasks of `organization`, oldest first; a shared array, do not change it. */
  tasksOf(organization: string): readonly RunTaskRecord[] {
    return this.#tasksByOrganization.list(organization);
  }

  /** How many run tasks `organization` has. */
  taskCountOf(organization: string): number {
    return this.#tasksByOrganization.count(organization);
  }

  /** The associations of `workspaceId`, oldest first. */
  workspaceTasksOf(workspaceId: string): WorkspaceTaskRecord[] {
    return [...this.#associationsByWorkspace.list(workspaceId)];
  }

  /** The associations using `taskId`, oldest first. */
  associationsOfTask(taskId: string): WorkspaceTaskRecord[] {
    return [...this.#associationsByTask.list(taskId)];
  }

  /** {@link associationsOfTask} without the copy: a shared array, do not change it. */
  associationsOfTaskView(taskId: string): readonly WorkspaceTaskRecord[] {
    return this.#associationsByTask.list(taskId);
  }

  /** Records a request sent to a run task; returns the live record to complete. */
  recordWebhook(
    delivery: Omit<WebhookDelivery, 'id' | 'response' | 'error' | 'accepted'>,
  ): WebhookDelivery {
    const record: WebhookDelivery = {
      ...delivery,
      id: ++this.#webhookSeq,
      response: null,
      error: null,
      accepted: false,
    };
    this.webhooks.push(record);
    return record;
  }

  #organization(name: string): OrganizationRecord {
    const record = this.organizations.get(name);
    if (record === undefined) throw new TypeError(`taskport: no organization ${name}`);
    return record;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
