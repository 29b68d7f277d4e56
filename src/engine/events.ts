/**
 * The engine's events, for adapters, logging and the fake server's journal.
 * Names are `noun:past-verb`.
 */

import { EventEmitter } from 'eventemitter3';
import type { Execution, StatusEvent, StepState, Task, TriggerKind } from './types.ts';

/** Why a trigger did not start a run. */
export type SkipReason = 'active' | 'disabled' | 'deleting' | 'closed';

/** Every event the engine emits, with its payload. */
export interface EngineEventMap {
  'task:created': [task: Task];
  'task:updated': [task: Task, previous: Task];
  'task:deletion-requested': [task: Task];
  'task:deleted': [task: Task];
  'execution:queued': [execution: Execution];
  'execution:started': [execution: Execution];
  'execution:step': [execution: Execution, step: StepState];
  'execution:finished': [execution: Execution];
  'event:recorded': [event: StatusEvent];
  /** A change entered (or extended) the task's buffer period. */
  'trigger:buffered': [taskId: string, fireAtMs: number];
  /** A trigger found the task running and was folded into its one follow-up run. */
  'trigger:coalesced': [taskId: string, kind: TriggerKind];
  'trigger:skipped': [taskId: string, kind: TriggerKind, reason: SkipReason];
  /** A failure the engine survived (an executor that threw while stopping, a listener that threw). */
  'engine:error': [error: unknown];
}

/** The engine's typed event emitter. */
export class EngineEvents extends EventEmitter<EngineEventMap> {}
