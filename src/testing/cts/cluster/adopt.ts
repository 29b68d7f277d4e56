/**
 * How a newly elected member takes over the cluster's stored state
 * (research/cts-ha.md §4.3): its fresh engine works on the shared store, as
 * CTS Enterprise reads its tasks and events back from Consul KV.
 *
 * The store keeps each task's events, health and the summary counts, so
 * nothing of the status needs replaying. What the engine's scheduler holds
 * (which tasks it may trigger, cron timers) comes from the engine's own task
 * events: adoption announces each task as created without triggers, so that
 * no cron fires before the catch-up pass, and gives them back afterwards.
 */

import type { Engine } from '../../../engine/engine.ts';
import type { Store } from '../../../engine/store.ts';
import type { Task } from '../../../engine/types.ts';

/** The tasks an engine adopted, in store order. */
export interface AdoptedTasks {
  readonly ids: readonly string[];
  /**
   * Gives every adopted task that still exists, but those in `except`, its
   * triggers back (cron starts ticking).
   */
  resumeTriggers(except?: ReadonlySet<string>): Promise<void>;
}

/**
 * Makes `engine` (opened on `store`) own what `store` holds. A task whose
 * deletion was requested and never finished is removed: its DELETE was
 * answered 202 (research/cts-ha.md §4.3 leaves this open).
 */
export async function adoptStoredTasks(
  engine: Engine,
  store: Store,
  onDropped: (task: Task) => void = () => {},
): Promise<AdoptedTasks> {
  const ids: string[] = [];
  for (const task of await store.listTasks()) {
    if (task.deletionRequestedAtMs !== undefined) {
      await store.deleteTask(task.id);
      onDropped(task);
      continue;
    }
    engine.events.emit('task:created', { ...task, triggers: [] });
    ids.push(task.id);
  }
  return {
    ids,
    async resumeTriggers(except) {
      for (const id of ids) {
        if (except?.has(id) === true) continue;
        const task = await engine.findTask(id);
        if (task === undefined || task.deletionRequestedAtMs !== undefined) continue;
        // The scheduler takes the triggers back (and re-arms cron) when an update changes them.
        engine.events.emit('task:updated', task, { ...task, triggers: [] });
      }
    },
  };
}
