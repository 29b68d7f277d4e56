/**
 * `ctsApi`: Consul-Terraform-Sync 0.9's Tasks, Status and Health API as a
 * Hono app, on a taskport engine.
 */

import { type Context, Hono } from 'hono';
import type { Engine } from '../../engine/engine.ts';
import { DEFAULT_BUFFER_PERIOD } from './buffer-period.ts';
import type { CtsAppContext } from './context.ts';
import { CTS_SCOPE } from './cts-engine.ts';
import { notFoundText, sendError } from './errors.ts';
import { type CtsLeadership, clusterStatusResponse, leadershipGuard } from './ha/leadership.ts';
import { MESSAGE_HA_NOT_AVAILABLE } from './messages.ts';
import { TaskListText } from './representation.ts';
import { newRequestId } from './request-id.ts';
import { DEFAULT_MAX_BODY_BYTES } from './request-validator.ts';
import { jsonResponse, preflightResponse } from './responses.ts';
import { overallStatus, taskStatus } from './status.ts';
import { TaskLock } from './task-lock.ts';
import {
  type CtsDriverModel,
  createTask,
  deleteTask,
  getTask,
  legacyTaskHandler,
  listTasks,
} from './tasks.ts';
import type { EffectiveBufferPeriod } from './types.ts';

/** Options of {@link ctsApi}. */
export interface CtsApiOptions {
  /** The engine the tasks live in; `createCtsEngine()` gives it CTS's policies. */
  readonly engine: Engine;
  /**
   * The engine scope of this API's tasks.
   * @default 'cts'
   */
  readonly scope?: string;
  /**
   * Serve as CTS Enterprise: accept `terraform_version` and
   * `terraform_cloud_workspace` instead of rejecting them.
   * @default false
   */
  readonly enterprise?: boolean;
  /**
   * The daemon's global `buffer_period`, which task blocks inherit from.
   * @default enabled, min 5 s, max 20 s
   */
  readonly globalBufferPeriod?: EffectiveBufferPeriod;
  /**
   * The zone of schedule conditions' cron fields (CTS uses the daemon's local zone).
   * @default 'UTC'
   */
  readonly timezone?: string;
  /**
   * Bodies larger than this are refused (CTS itself has no limit).
   * @default 1 MiB
   */
  readonly maxBodyBytes?: number;
  /**
   * Serve as a member of a CTS Enterprise HA cluster: as a follower, answer
   * the task and status routes with the redirect 400, and answer
   * `GET /v1/status/cluster` with the cluster instead of 405.
   * @default undefined (no cluster)
   */
  readonly leadership?: CtsLeadership;
  /**
   * What the executor tells of Terraform drivers: a failing `initTask` fails
   * a create as CTS's driver factory does, and `hasDriver` false leaves a
   * stored task that cannot be updated or run (an HA follower's catch-up).
   * @default every driver initialises
   */
  readonly drivers?: CtsDriverModel;
}

/** The path below the mount point: the matched route pattern tells how long the prefix is. */
function pathBelowMount(c: Context, pattern: string): string {
  return c.req.path.slice(c.req.routePath.length - pattern.length);
}

/**
 * Creates the CTS API. Mount it at the root, or under any prefix with
 * `app.route(prefix, ctsApi(...))`; unknown paths get chi's plain-text 404.
 *
 * @example
 * import { createCtsEngine, ctsApi } from 'taskport/cts';
 *
 * const engine = createCtsEngine();
 * export default { fetch: ctsApi({ engine }).fetch }; // Bun, Deno, Workers
 * @see https://developer.hashicorp.com/consul/docs/nia/api/tasks
 */
export function ctsApi(options: CtsApiOptions): Hono {
  const scope = options.scope ?? CTS_SCOPE;
  const { engine } = options;
  const context: CtsAppContext = {
    engine,
    lock: new TaskLock(),
    taskList: new TaskListText(),
    scope,
    enterprise: options.enterprise ?? false,
    globalBufferPeriod: options.globalBufferPeriod ?? DEFAULT_BUFFER_PERIOD,
    timezone: options.timezone ?? 'UTC',
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    async findTask(name) {
      const task = await engine.findTask(name);
      return task?.scope === scope ? task : undefined;
    },
    drivers: options.drivers ?? {},
  };
  const app = new Hono();

  // `withCORS` answers every OPTIONS before routing, ahead of the enterprise
  // interceptor, and labels every response: responses.ts builds each one with
  // the CORS headers, so no middleware (and no async hop) sits in front of the routes.
  app.options('*', () => preflightResponse());
  const { leadership } = options;
  // The enterprise interceptor, after CORS and ahead of every /v1 route.
  if (leadership !== undefined)
    app.use('/v1/*', leadershipGuard(leadership, { maxBodyBytes: context.maxBodyBytes }));

  app.get('/v1/health', () => jsonResponse(200, {}));
  app.get('/v1/status/cluster', () =>
    leadership === undefined
      ? sendError(405, MESSAGE_HA_NOT_AVAILABLE, newRequestId())
      : clusterStatusResponse(leadership.cluster(), newRequestId()),
  );

  app.get('/v1/tasks', () => listTasks(context, newRequestId()));
  app.post('/v1/tasks', (c) => createTask(context, c, newRequestId()));
  app.all('/v1/tasks', (c) =>
    legacyTaskHandler(context, c, newRequestId(), pathBelowMount(c, '/v1/tasks'), ''),
  );
  app.get('/v1/tasks/:name', (c) => getTask(context, newRequestId(), c.req.param('name')));
  app.delete('/v1/tasks/:name', (c) => deleteTask(context, newRequestId(), c.req.param('name')));
  app.all('/v1/tasks/*', (c) => {
    const path = pathBelowMount(c, '/v1/tasks/*');
    return legacyTaskHandler(context, c, newRequestId(), path, path.slice('/v1/tasks'.length));
  });

  app.all('/v1/status', (c) => overallStatus(context, c));
  app.all('/v1/status/tasks', (c) =>
    taskStatus(context, c, pathBelowMount(c, '/v1/status/tasks'), ''),
  );
  app.all('/v1/status/tasks/*', (c) => {
    const path = pathBelowMount(c, '/v1/status/tasks/*');
    return taskStatus(context, c, path, path.slice('/v1/status/tasks'.length));
  });
  // chi sends any other /v1/status/<x> to the overall status handler, which ignores the sub-path.
  app.all('/v1/status/*', (c) => overallStatus(context, c));

  // A sub-app's notFound is ignored once mounted, so the catch-all is a route;
  // it stays under /v1 so that other APIs mounted beside this one still answer.
  app.all('/v1/*', () => notFoundText());
  // Served alone, paths outside /v1 get chi's 404 too (mounted, the parent's notFound answers).
  app.notFound(() => notFoundText());
  app.onError((error) =>
    sendError(500, error instanceof Error ? error.message : String(error), newRequestId()),
  );
  return app;
}
