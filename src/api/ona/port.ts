/**
 * The part of the engine the Ona dialect uses (STYLE.md: each adapter
 * declares the narrow engine interface it uses), and the capability that
 * tells an engine from `createOnaEngine()` apart from any other.
 */

import type { Engine } from '../../engine/engine.ts';

/**
 * What an engine from `createOnaEngine()` says about itself: its executor
 * runs the plans StartTask builds. Any other engine's executor would run its
 * own plan for an execution's throw-away task, so the Ona API refuses it.
 */
export interface RunsOnaPlans {
  readonly runsOnaPlans: true;
}

/** The engine verbs the Ona handlers call, on an engine that runs Ona plans. */
export type OnaEnginePort = Pick<
  Engine,
  | 'clock'
  | 'createTask'
  | 'findTask'
  | 'listTasks'
  | 'updateTask'
  | 'deleteTask'
  | 'startOnce'
  | 'whenFinished'
  | 'stopExecution'
  | 'forgetExecutions'
> &
  RunsOnaPlans;
