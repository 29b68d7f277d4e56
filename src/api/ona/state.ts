/**
 * Where the Ona dialect keeps what the engine does not: the creation
 * sequence (the list order and what page tokens point at) and the execution
 * records. Kept per engine, so several apps on one engine (mounted at `''`
 * and at `/api`) share one world.
 */

import type { Engine } from '../../engine/engine.ts';
import type { Execution, Task } from '../../engine/types.ts';
import type { ExecutionGroup, OnaSubject, OnaTask } from './types.ts';

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
}

const states = new WeakMap<Engine, OnaState>();

/** @internal The Ona state of `engine`, created on first use. */
export function onaStateOf(engine: Engine): OnaState {
  let state = states.get(engine);
  if (state === undefined) {
    state = { nextSeq: 1, executions: new Map(), writes: Promise.resolve() };
    states.set(engine, state);
  }
  return state;
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
