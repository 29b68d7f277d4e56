/**
 * The control routes of one task's script, the same under every dialect
 * that scripts its runs (`/_taskport/cts/outcomes/tasks/…`,
 * `/_taskport/ona/outcomes/tasks/…`): replace or clear its queue, set or
 * clear its default. The task is a path segment, so that a task named
 * `default` is not taken for `PUT /outcomes/default`.
 */

import type { Hono } from 'hono';
import { ControlInputError, jsonBody } from './control-input.ts';
import type { TaskOutcomeControl } from './outcome-script.ts';

/** Adds the routes of one task's script to `routes`; `control()` is read per request. */
export function addTaskOutcomeRoutes<Outcome>(
  routes: Hono,
  control: () => TaskOutcomeControl<Outcome>,
): void {
  routes.put('/outcomes/tasks/:task/queue', async (c) => {
    const outcomes = (await jsonBody(c)).outcomes;
    if (!Array.isArray(outcomes)) throw new ControlInputError('`outcomes` must be an array');
    const task = c.req.param('task');
    control().replaceScript(task, ...(outcomes as Outcome[]));
    return c.json({ pending: control().pendingOutcomes()[task] ?? [] });
  });
  routes.delete('/outcomes/tasks/:task/queue', (c) =>
    c.json({ cleared: control().clearScript(c.req.param('task')) }),
  );
  routes.put('/outcomes/tasks/:task/default', async (c) => {
    const task = c.req.param('task');
    control().setTaskDefaultOutcome(task, (await jsonBody(c)) as Outcome);
    return c.json({ default: control().taskDefaultOutcomes()[task] });
  });
  routes.delete('/outcomes/tasks/:task/default', (c) =>
    c.json({ cleared: control().clearTaskDefaultOutcome(c.req.param('task')) }),
  );
}

/** The body of `GET /outcomes`: the queues (as before), and the defaults. */
export function outcomesView<Outcome>(control: TaskOutcomeControl<Outcome>): {
  readonly pending: Record<string, Outcome[]>;
  readonly taskDefaults: Record<string, Outcome>;
  readonly default: Outcome;
} {
  return {
    pending: control.pendingOutcomes(),
    taskDefaults: control.taskDefaultOutcomes(),
    default: control.defaultOutcome(),
  };
}
