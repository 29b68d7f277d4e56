/**
 * The `tfc` state as records of a {@link RecordStore}: one collection per
 * kind (`tfc.organizations`, `tfc.tasks`, …), keyed as the state's Maps are,
 * each record the JSON of the state's own record (a token's Set of
 * organizations as an array). Outcomes live inside their result, and the
 * callback index is rebuilt from the results, so neither is stored twice.
 * Webhook deliveries are a journal of this process's requests: not stored.
 */

import type { RecordStore } from '../../engine/store.ts';
import type { RecordWriter } from '../shared/record-writer.ts';
import type { IndexedMap } from './indexed-map.ts';
import type {
  AgentPoolRecord,
  OrganizationRecord,
  OutcomeRecord,
  RunRecord,
  RunTaskRecord,
  TaskResultRecord,
  TaskStageRecord,
  TokenRecord,
  WorkspaceRecord,
  WorkspaceTaskRecord,
} from './types.ts';

/** The stored kinds and their records. */
export interface StoredKinds {
  organizations: OrganizationRecord;
  workspaces: WorkspaceRecord;
  agentPools: AgentPoolRecord;
  tokens: TokenRecord;
  tasks: RunTaskRecord;
  workspaceTasks: WorkspaceTaskRecord;
  runs: RunRecord;
  stages: TaskStageRecord;
  results: TaskResultRecord;
}

export type StoredKind = keyof StoredKinds;

/** The Maps of the state these functions read and fill (TfcState has them). */
export type StoredMaps = { readonly [K in StoredKind]: Map<string, StoredKinds[K]> } & {
  readonly resultsByCallback: Map<string, TaskResultRecord>;
  readonly outcomes: Map<string, OutcomeRecord>;
};

/**
 * Loading order: a record's references come before it (an association's
 * task and workspace, a result's stage), though nothing checks them on load.
 */
const KINDS: readonly StoredKind[] = [
  'organizations',
  'workspaces',
  'agentPools',
  'tokens',
  'tasks',
  'workspaceTasks',
  'runs',
  'stages',
  'results',
];

interface StoredToken {
  readonly token: string;
  readonly organizations: 'all' | readonly string[];
}

function collectionOf(kind: StoredKind): string {
  return `tfc.${kind}`;
}

/** The Map key of a record: an organization's name, a token's string, else its id. */
export function storedKeyOf<K extends StoredKind>(kind: K, record: StoredKinds[K]): string {
  if (kind === 'organizations') return (record as OrganizationRecord).name;
  if (kind === 'tokens') return (record as TokenRecord).token;
  return (record as { readonly id: string }).id;
}

/** The JSON form of a record. */
export function encodeStored<K extends StoredKind>(kind: K, record: StoredKinds[K]): unknown {
  if (kind !== 'tokens') return record;
  const token = record as TokenRecord;
  const stored: StoredToken = {
    token: token.token,
    organizations: token.organizations === 'all' ? 'all' : [...token.organizations],
  };
  return stored;
}

function mapOf<K extends StoredKind>(
  state: StoredMaps,
  kind: K,
): IndexedMap<string, StoredKinds[K]> {
  // Every Map of the state is an IndexedMap (state.ts), typed as a Map outside.
  return state[kind] as unknown as IndexedMap<string, StoredKinds[K]>;
}

/** Fills the state's Maps from the store (before any observer is attached). */
export async function loadStoredRecords(state: StoredMaps, store: RecordStore): Promise<void> {
  const loaded = await Promise.all(
    KINDS.map((kind) => store.listRecords<unknown>(collectionOf(kind))),
  );
  KINDS.forEach((kind, index) => {
    for (const value of loaded[index] ?? []) {
      if (kind === 'tokens') {
        const stored = value as StoredToken;
        const token: TokenRecord = {
          token: stored.token,
          organizations: stored.organizations === 'all' ? 'all' : new Set(stored.organizations),
        };
        state.tokens.set(token.token, token);
        continue;
      }
      const record = value as StoredKinds[typeof kind];
      mapOf(state, kind).set(storedKeyOf(kind, record), record);
      if (kind === 'results') {
        const result = record as TaskResultRecord;
        state.resultsByCallback.set(result.callbackGuid, result);
        for (const outcome of result.outcomes) state.outcomes.set(outcome.id, outcome);
      }
    }
  });
}

/**
 * Writes every later set and delete of the state's Maps through `writer`
 * (`undefined` stops). Changes in place go through `state.touch`.
 */
export function observeStoredRecords(state: StoredMaps, writer: RecordWriter | undefined): void {
  for (const kind of KINDS) {
    const collection = collectionOf(kind);
    mapOf(state, kind).observe(
      writer === undefined
        ? undefined
        : (key, value) =>
            value === undefined
              ? writer.delete(collection, key)
              : writer.put(collection, key, encodeStored(kind, value)),
    );
  }
}

/** Deletes every stored `tfc` record. */
export async function clearStoredRecords(store: RecordStore): Promise<void> {
  for (const kind of KINDS) await store.clearRecords(collectionOf(kind));
}
