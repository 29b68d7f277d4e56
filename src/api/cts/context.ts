/**
 * What every CTS handler shares: the engine, the lifecycle lock, and the
 * resolved options of the app.
 */

import type { Engine } from '../../engine/engine.ts';
import type { Task } from '../../engine/types.ts';
import type { TaskListText } from './representation.ts';
import type { TaskLock } from './task-lock.ts';
import type { CtsDriverModel } from './tasks.ts';
import type { EffectiveBufferPeriod } from './types.ts';

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
