/**
 * `tfcApi`: the HCP Terraform run tasks API (and the reads its clients need)
 * as a Hono app, on a {@link TfcState}.
 */

import { Hono } from 'hono';
import type { Clock } from '../../engine/clock.ts';
import { createRealClock } from '../../engine/clock.ts';
import {
  ping,
  serviceDiscovery,
  showEntitlementSet,
  showOrganization,
  showWorkspace,
  showWorkspaceByName,
} from './bootstrap.ts';
import { taskResultCallback } from './callback.ts';
import type { TfcContext, TfcEnv } from './context.ts';
import { notFound, TfcError } from './errors.ts';
import { errorResponse } from './json-api.ts';
import {
  listTaskResultOutcomes,
  showTaskResultOutcome,
  showTaskResultOutcomeBody,
} from './outcomes.ts';
import type { TfcState } from './state.ts';
import {
  listRunTaskStages,
  overrideTaskStage,
  showRun,
  showTaskResult,
  showTaskStage,
} from './task-stages.ts';
import {
  createTask,
  deleteTask,
  listTaskAssociations,
  listTasks,
  showTask,
  updateTask,
} from './tasks.ts';
import {
  createWorkspaceTask,
  deleteWorkspaceTask,
  listWorkspaceTasks,
  showWorkspaceTask,
  updateWorkspaceTask,
} from './workspace-tasks.ts';

/** Options of {@link tfcApi}. */
export interface TfcApiOptions {
  /** The world the API serves: organizations, tokens, tasks, runs, switches. */
  readonly state: TfcState;
  /**
   * Timestamps and the run-task request time limit.
   * @default the wall clock
   */
  readonly clock?: Clock;
  /**
   * How requests to run tasks are sent (verification on create/update).
   * @default globalThis.fetch
   */
  readonly fetch?: typeof fetch;
}

const CALLBACK_PATH = /^\/api\/v2\/task-results\/[^/]+\/callback$/;

/**
 * Creates the run tasks API. Mount it at the root: it serves `/api/v2/…` and
 * `/.well-known/terraform.json`; unknown paths under `/api/v2` get a JSON:API 404.
 *
 * @example
 * import { TfcState, tfcApi } from 'taskport/tfc';
 *
 * const state = new TfcState({ now: Date.now });
 * state.createOrganization({ name: 'acme' });
 * const { token } = state.createToken();
 * export default { fetch: tfcApi({ state }).fetch };
 * @see https://developer.hashicorp.com/terraform/cloud-docs/api-docs/run-tasks/run-tasks
 */
export function tfcApi(options: TfcApiOptions): Hono<TfcEnv> {
  const context: TfcContext = {
    state: options.state,
    clock: options.clock ?? createRealClock(),
    // Looked up per call so a fetch mock installed later still applies.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  };
  const { state } = context;
  const app = new Hono<TfcEnv>();

  app.get('/.well-known/terraform.json', (c) => serviceDiscovery(c));

  // A durable state answers once its records are loaded, and only after what
  // the request changed is stored: what a client was told survives a restart.
  if (state.durable) {
    app.use('/api/v2/*', async (_c, next) => {
      await state.load();
      await next();
      await state.persisted();
    });
  }

  app.use('/api/v2/*', async (c, next) => {
    state.learnBaseUrl(c.req.url);
    if (state.rateLimitedRequests > 0) {
      state.rateLimitedRequests--;
      throw new TfcError('rate-limited');
    }
    // The path from the first `/api/v2/` on (the app may be mounted under a
    // prefix): only ping and a result's callback itself go without a token.
    const path = c.req.path.slice(c.req.path.indexOf('/api/v2/'));
    if (path === '/api/v2/ping' || CALLBACK_PATH.test(path)) {
      await next();
      return;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    const token = match?.[1] === undefined ? undefined : state.tokens.get(match[1]);
    if (token === undefined) throw new TfcError('unauthorized');
    c.set('token', token);
    await next();
  });

  app.get('/api/v2/ping', () => ping(context));

  app.get('/api/v2/organizations/:organization_name', (c) => showOrganization(context, c));
  app.get('/api/v2/organizations/:organization_name/entitlement-set', (c) =>
    showEntitlementSet(context, c),
  );
  app.get('/api/v2/organizations/:organization_name/workspaces/:name', (c) =>
    showWorkspaceByName(context, c),
  );
  app.get('/api/v2/workspaces/:workspace_id', (c) => showWorkspace(context, c));

  app.post('/api/v2/organizations/:organization_name/tasks', (c) => createTask(context, c));
  app.get('/api/v2/organizations/:organization_name/tasks', (c) => listTasks(context, c));
  app.get('/api/v2/tasks/:id', (c) => showTask(context, c));
  app.patch('/api/v2/tasks/:id', (c) => updateTask(context, c));
  app.delete('/api/v2/tasks/:id', (c) => deleteTask(context, c));
  app.get('/api/v2/tasks/:id/relationships/workspace-tasks', (c) =>
    listTaskAssociations(context, c),
  );

  app.post('/api/v2/workspaces/:workspace_id/tasks', (c) => createWorkspaceTask(context, c));
  app.get('/api/v2/workspaces/:workspace_id/tasks', (c) => listWorkspaceTasks(context, c));
  app.get('/api/v2/workspaces/:workspace_id/tasks/:id', (c) => showWorkspaceTask(context, c));
  app.patch('/api/v2/workspaces/:workspace_id/tasks/:id', (c) => updateWorkspaceTask(context, c));
  app.delete('/api/v2/workspaces/:workspace_id/tasks/:id', (c) => deleteWorkspaceTask(context, c));

  app.get('/api/v2/runs/:id', (c) => showRun(context, c));
  app.get('/api/v2/runs/:run_id/task-stages', (c) => listRunTaskStages(context, c));
  app.get('/api/v2/task-stages/:id', (c) => showTaskStage(context, c));
  app.post('/api/v2/task-stages/:id/actions/override', (c) => overrideTaskStage(context, c));
  app.get('/api/v2/task-results/:id', (c) => showTaskResult(context, c));
  app.get('/api/v2/task-results/:id/outcomes', (c) => listTaskResultOutcomes(context, c));
  app.get('/api/v2/task-result-outcomes/:id', (c) => showTaskResultOutcome(context, c));
  app.get('/api/v2/task-result-outcomes/:id/body', (c) => showTaskResultOutcomeBody(context, c));
  app.patch('/api/v2/task-results/:guid/callback', (c) => taskResultCallback(context, c));

  // A sub-app's notFound is ignored once mounted, so the catch-all is a route;
  // it stays under /api/v2 so other APIs mounted beside this one still answer.
  app.all('/api/v2/*', () => {
    throw notFound();
  });
  app.onError((error) => errorResponse(TfcError.from(error)));
  return app;
}
