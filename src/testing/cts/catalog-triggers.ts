/**
 * Connects the simulated Consul to the engine: when the catalog changes, each
 * CTS task whose watched data changed gets a change trigger, as CTS's
 * watcher notifies the templates whose dependencies changed.
 */

import type { TaskConfig } from '../../api/cts/types.ts';
import type { Engine } from '../../engine/engine.ts';
import { isEngineError } from '../../engine/errors.ts';
import type { ConsulCatalog } from './consul-catalog.ts';
import { renderTask } from './module-input.ts';

/** What the catalog triggers need of an engine. */
export type CatalogTriggerPort = Pick<Engine, 'events' | 'listTasks' | 'notifyChange'>;

/** Starts forwarding catalog changes to the engine's tasks of `scope`; returns the function that stops it. */
export function connectCatalogTriggers(
  catalog: ConsulCatalog,
  engine: CatalogTriggerPort,
  scope: string,
): () => void {
  const lastSeen = new Map<string, string | undefined>();
  const keyOf = (config: TaskConfig): string | undefined => renderTask(config, catalog).triggerKey;

  const created = (task: { id: string; scope: string; spec: unknown }): void => {
    // A new task has already rendered the current data (CTS renders until
    // complete on create), so only later changes trigger it.
    if (task.scope === scope) lastSeen.set(task.id, keyOf(task.spec as TaskConfig));
  };
  const deleted = (task: { id: string }): void => {
    lastSeen.delete(task.id);
  };
  const triggerChanged = async (): Promise<void> => {
    for (const task of await engine.listTasks<TaskConfig>(scope)) {
      const key = keyOf(task.spec);
      if (key === undefined || key === lastSeen.get(task.id)) continue;
      lastSeen.set(task.id, key);
      try {
        await engine.notifyChange(task.id);
      } catch (error) {
        // Deleted between the listing and the change: nothing to trigger.
        if (!isEngineError(error, 'not_found')) throw error;
      }
    }
  };
  const changed = (): void => {
    triggerChanged().catch((error: unknown) => engine.events.emit('engine:error', error));
  };
  engine.events.on('task:created', created);
  engine.events.on('task:deleted', deleted);
  catalog.on('changed', changed);
  return () => {
    engine.events.off('task:created', created);
    engine.events.off('task:deleted', deleted);
    catalog.off('changed', changed);
  };
}
