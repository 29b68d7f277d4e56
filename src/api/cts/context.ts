/**
 * What every CTS handler shares: the engine, the lifecycle lock, and the
 * resolved options of the app.
 */

import type { Engine } from '../../engine/engine.ts';
import type { Task } from '../../engine/types.ts';
import type { TaskListText } from './representation.ts';
import type { TaskLock } from './task-lock.ts';
import type { EffectiveBufferPeriod, TaskConfig } from './types.ts';

/**
 * What the engine's executor may add to model CTS's task drivers. Creating a
 * task builds its driver, whose initialisation (`terraform init`, validate)
 * can fail; a stored task whose driver could not be built (a CTS Enterprise
 * leader's catch-up pass, research/cts-ha.md §4.2) cannot be updated or run.
 * Executors without these methods initialise every driver successfully.
 */
export interface CtsDriverModel {
  /** Initialises the driver of a task being created; throws with CTS's error to fail. */
  initTask?(config: TaskConfig): void | Promise<void>;
  /** False for a stored task that has no driver. @default true */
  hasDriver?(taskId: string): boolean;
}

/** @internal The state of one CTS app. */
export interface CtsAppContext {
  readonly engine: Engine;
  readonly lock: TaskLock;
  /** `GET /v1/tasks`'s array, kept between requests. */
  readonly taskList: TaskListText;
  readonly scope: string;
  readonly enterprise: boolean;
  readonly globalBufferPeriod: EffectiveBufferPeriod;
  readonly timezone: string;
  readonly maxBodyBytes: number;
  /** The CTS task with that name, if the engine has it in this app's scope. */
  findTask(name: string): Promise<Task | undefined>;
  /** What the executor tells of drivers, passed in explicitly (see {@link CtsDriverModel}). */
  readonly drivers: CtsDriverModel;
}
