/**
 * Where the Ona dialect keeps what is not an engine task: the creation
 * sequence (the list order and what page tokens point at) and the execution
 * records. The records live in the engine's own store, as the collection
 * `ona.executions` (scoped by environment), so with a durable store they
 * survive the process; the Map here is this process's index of them, the one
 * every read uses, written through to the store on each change. The state
 * belongs to the engine (createOnaEngine attaches it), so several apps on one
 * engine (mounted at `''` and at `/api`) share one world.
 */

import type { Engine } from '../../engine/engine.ts';
import type { RecordStore } from '../../engine/store.ts';
import type { Execution, Task } from '../../engine/types.ts';
import { RecordWriter } from '../shared/record-writer.ts';
import { executionRestartedMessage } from './messages.ts';
import type { ExecutionGroup, OnaSubject, OnaTask } from './types.ts';

/** @internal The record collection of executions. */
export const EXECUTIONS_COLLECTION = 'ona.executions';

/** @internal The engine task spec of an Ona task. */
export interface OnaTaskRecord {
  readonly kind: 'ona.task';
  /** Creation order, shared with executions. */
  readonly seq: number;
  readonly task: OnaTask;
}

/** @internal An execution as the Ona API knows it; `run` is the engine's live execution. */
export interface ExecutionRecord {
  readonly id: string;
  readonly seq: number;
  readonly taskId: string;
  readonly environmentId: string;
  /** The main task's reference at start (for the `taskReferences` filter). */
  readonly reference: string;
  readonly createdAtMs: number;
  readonly creator: OnaSubject;
  readonly startedBy: string;
  readonly plan: readonly ExecutionGroup[];
  readonly desiredRunning: boolean;
  stopRequested: boolean;
  run: Execution | undefined;
}

/** @internal */
export interface OnaState {
  nextSeq: number;
  readonly executions: Map<string, ExecutionRecord>;
  /** Settles once every write queued so far is done (see {@link serializeWrite}). */
  writes: Promise<void>;
  /** The engine's store, where the execution records live. */
  readonly store: RecordStore;
  /** Writes changed execution records to {@link store}, in order. */
  readonly writer: RecordWriter;
  /** Set by the first {@link loadOnaState}. */
  loaded: Promise<void> | undefined;
}

/** @internal The property of an Ona engine that holds its state. */
export const ONA_STATE: unique symbol = Symbol('taskport.onaState');

/** @internal What createOnaEngine attaches to its engine. */
export interface HasOnaState {
  readonly [ONA_STATE]: OnaState;
}

/** @internal A new state over `store` (createOnaEngine). */
export function createOnaState(store: RecordStore): OnaState {
  return {
    nextSeq: 1,
    executions: new Map(),
    writes: Promise.resolve(),
    store,
    writer: new RecordWriter(store),
    loaded: undefined,
  };
}

/** @internal The Ona state of an engine from createOnaEngine; throws for another engine. */
export function onaStateOf(engine: Engine): OnaState {
  const state = (engine as Partial<HasOnaState>)[ONA_STATE];
  if (state === undefined) {
    throw new TypeError('Expected an engine created by createOnaEngine(), got another engine');
  }
  return state;
}

/** @internal Writes the record's current content (the run as it is now) to the store. */
export function storeExecution(state: OnaState, record: ExecutionRecord): void {
  state.writer.put(EXECUTIONS_COLLECTION, record.id, record, record.environmentId);
}

/**
 * @internal Reads the stored execution records into the index, once, and
 * sets the creation sequence past every stored task and execution. A run
 * that was not finished when its process ended cannot go on (its steps ran
 * in that process): it is recorded as failed.
 */
export function loadOnaState(
  state: OnaState,
  engine: Pick<Engine, 'listTasks' | 'clock'>,
): Promise<void> {
  state.loaded ??= (async () => {
    const [stored, tasks] = await Promise.all([
      state.store.listRecords<ExecutionRecord>(EXECUTIONS_COLLECTION),
      onaRecords(engine),
    ]);
    let last = 0;
    for (const task of tasks) last = Math.max(last, task.seq);
    for (const record of stored) {
      if (state.executions.has(record.id)) continue;
      last = Math.max(last, record.seq);
      const run = record.run;
      if (run !== undefined && run.finishedAtMs === undefined) {
        const nowMs = engine.clock.now();
        const message = executionRestartedMessage();
        record.run = {
          ...run,
          // A step that was running failed with its execution; those not started stay so.
          steps: run.steps.map((step) =>
            step.phase === 'running'
              ? { ...step, phase: 'failed', finishedAtMs: nowMs, failureMessage: message }
              : step,
          ),
          phase: 'failed',
          finishedAtMs: nowMs,
          failureMessage: message,
          statusVersion: run.statusVersion + 1,
        };
        storeExecution(state, record);
      }
      state.executions.set(record.id, record);
    }
    state.nextSeq = Math.max(state.nextSeq, last + 1);
  })();
  return state.loaded;
}

/** @internal Forgets every execution record, here and in the store (a reset). */
export async function clearOnaExecutions(state: OnaState): Promise<void> {
  state.executions.clear();
  await state.writer.settled().catch(() => undefined);
  await state.store.clearRecords(EXECUTIONS_COLLECTION);
}

/** @internal The Ona record of an engine task, unless it is not one or is being deleted. */
export function onaRecordOf(task: Task | undefined): OnaTaskRecord | undefined {
  if (task === undefined || task.deletionRequestedAtMs !== undefined) return undefined;
  const spec = task.spec as Partial<OnaTaskRecord> | undefined;
  return spec?.kind === 'ona.task' ? (spec as OnaTaskRecord) : undefined;
}

/**
 * @internal Runs `work` once every write queued before it on this engine is
 * done. The store is async, so a check and the write it guards (a unique
 * reference, then the create; a read of the task, then its update) would
 * otherwise interleave with another request's; in one process they stay
 * together, as when the store was synchronous.
 */
export function serializeWrite<T>(state: OnaState, work: () => Promise<T>): Promise<T> {
  const done = state.writes.then(work);
  state.writes = done.then(
    () => undefined,
    () => undefined,
  );
  return done;
}

/** @internal Every live Ona task record, in creation order. */
export async function onaRecords(
  engine: Pick<Engine, 'listTasks'>,
  environmentId?: string,
): Promise<OnaTaskRecord[]> {
  const records: OnaTaskRecord[] = [];
  for (const task of await engine.listTasks(environmentId)) {
    const record = onaRecordOf(task);
    if (record !== undefined) records.push(record);
  }
  return records;
}
