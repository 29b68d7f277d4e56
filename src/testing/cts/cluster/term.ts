/**
 * A leadership term: the leader's own engine on the shared store, its
 * catch-up pass (research/cts-ha.md §4.2), and its end. Only the member
 * with a term runs tasks.
 */

import { ctsApi } from '../../../api/cts/app.ts';
import { createCtsEngine } from '../../../api/cts/cts-engine.ts';
import type { CtsDriverModel } from '../../../api/cts/tasks.ts';
import type { TaskConfig } from '../../../api/cts/types.ts';
import { isEngineError } from '../../../engine/errors.ts';
import type { Executor } from '../../../engine/executor.ts';
import { connectCatalogTriggers } from '../catalog-triggers.ts';
import { type AdoptedTasks, adoptStoredTasks } from './adopt.ts';
import { recordTransition } from './snapshot.ts';
import { type ClusterState, type Member, messageOf, type Term } from './state.ts';

/** Makes `member` the leader: a new engine adopts the stored tasks, then catches up. */
export function startTerm(state: ClusterState, member: Member): void {
  const world = state.world;
  const noDriver = new Set<string>();
  // The shared model, plus this leader's drivers: a task whose driver
  // failed to initialise has none, so PATCH answers 500 (research/cts-ha.md §4.2).
  const executor: Executor & CtsDriverModel = {
    runStep: (context) => world.model.runStep(context),
    initTask: (config) => world.model.initTask(config),
    hasDriver: (taskId) => !noDriver.has(taskId),
  };
  const engine = createCtsEngine({
    clock: state.clock,
    executor,
    store: world.store,
    closeMode: 'abort',
    // adopt.ts replays the store itself, holding triggers until the catch-up pass.
    adoptStoredTasks: false,
  });
  engine.events.on('task:deleted', (task) => world.model.forget(task.id));

  // Catalog changes during the catch-up pass are held, then forwarded.
  const held = new Set<string>();
  let open = false;
  const disconnect = connectCatalogTriggers(
    world.catalog,
    {
      events: engine.events,
      listTasks: (scope) => engine.listTasks(scope),
      notifyChange: async (taskId) => {
        if (noDriver.has(taskId)) return;
        if (open) await engine.notifyChange(taskId);
        else held.add(taskId);
      },
    },
    'cts',
  );

  const term: Term = {
    engine,
    app: ctsApi({
      engine,
      drivers: executor,
      enterprise: true,
      globalBufferPeriod: state.globalBufferPeriod,
      leadership: member.leadership,
    }),
    initTask: (config) => world.model.initTask(config),
    noDriver,
    ended: false,
    async open() {
      open = true;
      for (const taskId of held) {
        try {
          await engine.notifyChange(taskId);
        } catch (error) {
          if (!isEngineError(error, 'not_found')) throw error;
        }
      }
      held.clear();
    },
    disconnect,
  };
  member.term = term;

  const pass = adoptStoredTasks(engine, world.store, (task) => world.model.forget(task.id))
    .then((adopted) => catchUp(state, member, term, adopted))
    .catch((error: unknown) => {
      engine.events.emit('engine:error', error);
    });
  state.pending.add(pass);
  void pass.finally(() => state.pending.delete(pass));
}

/**
 * Once mode with allow-fail (research/cts-ha.md §4.2): every task's driver
 * is created again, then every enabled task runs once, in order.
 */
async function catchUp(
  state: ClusterState,
  member: Member,
  term: Term,
  adopted: AdoptedTasks,
): Promise<void> {
  const { engine } = term;
  recordTransition(state, { kind: 'catch-up-started', member: member.id });
  for (const id of adopted.ids) {
    if (term.ended) return;
    const task = await engine.findTask(id);
    if (task === undefined || task.deletionRequestedAtMs !== undefined) continue;
    try {
      // `createTask` (disabled tasks included): a failure is logged, no event is
      // stored, and the task is not added to the drivers (checklist item 25c).
      term.initTask(task.spec as TaskConfig);
    } catch (error) {
      term.noDriver.add(task.id);
      recordTransition(state, {
        kind: 'catch-up-task',
        member: member.id,
        task: task.name,
        outcome: 'init-failed',
        detail: messageOf(error),
      });
      continue;
    }
    if (!task.enabled) {
      recordTransition(state, {
        kind: 'catch-up-task',
        member: member.id,
        task: task.name,
        outcome: 'skipped-disabled',
      });
      continue;
    }
    try {
      // CTS_RETRY_POLICY retries trigger runs only: a manual run is tried once.
      const execution = await engine.runNow(task.id);
      const finished = await engine.whenFinished(execution.id);
      if (term.ended) return;
      recordTransition(state, {
        kind: 'catch-up-task',
        member: member.id,
        task: task.name,
        outcome: finished.phase === 'succeeded' ? 'succeeded' : 'failed',
        detail: finished.failureMessage,
      });
    } catch (error) {
      recordTransition(state, {
        kind: 'catch-up-task',
        member: member.id,
        task: task.name,
        outcome: 'not-run',
        detail: messageOf(error),
      });
    }
  }
  if (term.ended) return;
  recordTransition(state, { kind: 'catch-up-finished', member: member.id });
  await adopted.resumeTriggers(term.noDriver);
  await term.open();
  recordTransition(state, { kind: 'triggers-resumed', member: member.id });
}

/** Ends the member's term, if it has one: its triggers stop and its engine closes. */
export async function endTerm(member: Member): Promise<void> {
  const term = member.term;
  if (term === undefined) return;
  member.term = undefined;
  term.ended = true;
  term.disconnect();
  await term.engine.close();
}
