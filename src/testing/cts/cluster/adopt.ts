/**
 * How a newly elected member takes over the cluster's stored state
 * (research/cts-ha.md §4.3): its fresh engine works on the shared store, as
 * CTS Enterprise reads its tasks and events back from Consul KV.
 *
 * An engine's StatusTracker and Scheduler keep derived state (health counts,
 * cron timers) that they build from the engine's own events, not from the
 * store, so an engine opened on a store that already holds tasks would see
 * them as unknown. Adoption replays what the store holds through the new
 * engine's public surface: each task is announced as created (without
 * triggers, so that no cron fires before the catch-up pass), and its events
 * are recorded again oldest first, with their ids and times, so that health
 * and the summary counts come out as they were.
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
  resumeTriggers(except?: ReadonlySet<string>): void;
}

/**
 * Makes `engine` (opened on `store`) own what `store` holds. A task whose
 * deletion was requested and never finished is removed: its DELETE was
 * answered 202 (research/cts-ha.md §4.3 leaves this open).
 */
export function adoptStoredTasks(
  engine: Engine,
  store: Store,
  onDropped: (task: Task) => void = () => {},
): AdoptedTasks {
  const ids: string[] = [];
  for (const task of store.listTasks()) {
    if (task.deletionRequestedAtMs !== undefined) {
      store.deleteEvents(task.id);
      store.deleteTask(task.id);
      onDropped(task);
      continue;
    }
    engine.events.emit('task:created', { ...task, triggers: [] });
    const history = [...store.listEvents(task.id)].reverse();
    store.deleteEvents(task.id);
    for (const event of history) engine.status.record(event);
    ids.push(task.id);
  }
  return {
    ids,
    resumeTriggers(except) {
      for (const id of ids) {
        if (except?.has(id) === true) continue;
        const task = engine.tasks.find(id);
        if (task === undefined || task.deletionRequestedAtMs !== undefined) continue;
        if (!task.triggers.some((trigger) => trigger.kind === 'cron')) continue;
        // The scheduler re-arms cron when an update changes the triggers.
        engine.events.emit('task:updated', task, { ...task, triggers: [] });
      }
    },
  };
}
