/**
 * The Tasks API: create, list, read, delete (the generated stack) and PATCH
 * (the legacy handler that also answers every method the generated routes
 * leave to chi's `/v1/*` fall-through). research/cts.md §1.2–§3.
 */

import type { Context } from 'hono';
import { isEngineError } from '../../engine/errors.ts';
import type { Task } from '../../engine/types.ts';
import { readBodyText } from '../shared/read-body.ts';
import type { CtsAppContext } from './context.ts';

export type { CtsDriverModel } from './context.ts';

import { eventConfigOf, toEngineTask } from './cts-engine.ts';
import { legacyError, sendError, validatorError } from './errors.ts';
import {
  inspectUpdateFailedMessage,
  MESSAGE_BODY_TOO_LARGE,
  MESSAGE_INSPECT_DISABLED_PLAN,
  MESSAGE_PATCH_NO_TASK_NAME,
  MESSAGE_RUN_EMPTY,
  MESSAGE_RUN_MULTIPLE,
  MESSAGE_RUN_NOT_ALLOWED,
  runMultipleMessage,
  runUnsupportedMessage,
  taskActiveUpdateMessage,
  taskExistsMessage,
  taskMethodNotAllowedMessage,
  taskNotFoundMessage,
  unsupportedPathMessage,
} from './messages.ts';
import { inspectResponseJson, taskListJson, taskResponseJson } from './representation.ts';
import { validateTaskRequest, validateTaskUpdateRequest } from './request-validator.ts';
import { jsonResponse, jsonTextResponse } from './responses.ts';
import { ctsRunOutputOf } from './run-output.ts';
import { finalizeTask, validateTask } from './task-config.ts';
import type { TaskConfig } from './types.ts';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The error of the task's driver initialisation, if it fails (`driverFactory.Make`). */
async function initDriverError(
  app: CtsAppContext,
  config: TaskConfig,
): Promise<string | undefined> {
  const model = app.drivers;
  if (typeof model.initTask !== 'function') return undefined;
  try {
    await model.initTask(config);
    return undefined;
  } catch (error) {
    return messageOf(error);
  }
}

function hasDriver(app: CtsAppContext, task: Task): boolean {
  const model = app.drivers;
  return typeof model.hasDriver !== 'function' || model.hasDriver(task.id);
}

/** `TaskUpdate` on a task that is stored but has no driver (`controller/tasks_manager.go`). */
export function taskNoDriverMessage(name: string): string {
  return `task ${name} does not exist to run`;
}

/** GET /v1/tasks */
export function listTasks(app: CtsAppContext, requestId: string): Promise<Response> {
  return app.lock.shared(async () => {
    const tasks = await app.engine.listTasks<TaskConfig>(app.scope);
    return jsonTextResponse(
      200,
      taskListJson(requestId, app.taskList.of(tasks.map((task) => task.spec))),
    );
  });
}

/** GET /v1/tasks/{name} */
export function getTask(app: CtsAppContext, requestId: string, name: string): Promise<Response> {
  return app.lock.shared(async () => {
    const task = await app.findTask(name);
    if (task === undefined) return sendError(404, taskNotFoundMessage(name), requestId);
    return jsonTextResponse(200, taskResponseJson(requestId, task.spec as TaskConfig));
  });
}

/** DELETE /v1/tasks/{name}: 202 at once; the task goes when its run ends. */
export function deleteTask(app: CtsAppContext, requestId: string, name: string): Promise<Response> {
  return app.lock.exclusive(async () => {
    const task = await app.findTask(name);
    if (task === undefined) return sendError(404, taskNotFoundMessage(name), requestId);
    // `deleteTask` returns early for a task without a driver: it stays (code reading).
    if (!hasDriver(app, task)) return jsonResponse(202, { request_id: requestId });
    void app.engine
      .deleteTask(task.id)
      .catch((error: unknown) => app.engine.events.emit('engine:error', error));
    return jsonResponse(202, { request_id: requestId });
  });
}

/**
 * The `run` parameter of POST, as the OpenAPI validator and then the
 * generated binder check it (case-sensitive enum; a repeated value passes
 * the validator, which reads the first, and fails in the binder after the
 * body was validated).
 */
function postRunOption(url: URL): {
  value?: 'now' | 'inspect';
  error?: string;
  repeated?: boolean;
} {
  const values = url.searchParams.getAll('run');
  if (values.length === 0) return {};
  const first = values[0] as string;
  if (first === '') return { error: MESSAGE_RUN_EMPTY };
  if (first !== 'now' && first !== 'inspect') return { error: MESSAGE_RUN_NOT_ALLOWED };
  return { value: first, repeated: values.length > 1 };
}

/** POST /v1/tasks[?run=now|inspect] */
export async function createTask(
  app: CtsAppContext,
  c: Context,
  requestId: string,
): Promise<Response> {
  const url = new URL(c.req.url);
  const run = postRunOption(url);
  if (run.error !== undefined) return validatorError(run.error, requestId);
  const body = await readBodyText(c.req.raw, app.maxBodyBytes);
  if (body.tooLarge) return validatorError(MESSAGE_BODY_TOO_LARGE, requestId);
  const validated = validateTaskRequest(body.text, c.req.header('content-type'), {
    maxBodyBytes: app.maxBodyBytes,
  });
  if (!validated.ok) return validatorError(validated.message, requestId);
  if (run.repeated === true) return validatorError(MESSAGE_RUN_MULTIPLE, requestId);

  return app.lock.exclusive(async () => {
    const request = validated.value.task;
    if ((await app.findTask(request.name)) !== undefined) {
      return sendError(400, taskExistsMessage(request.name), requestId);
    }
    if (run.value === 'inspect') return inspectNewTask(app, requestId, request);
    const finalized = finalizeTask(request);
    if (!finalized.ok) return sendError(400, finalized.message, requestId);
    const config = finalized.config;
    const invalid = validateTask(config, {
      enterprise: app.enterprise,
      globalBufferPeriod: app.globalBufferPeriod,
    });
    if (invalid !== undefined) return sendError(500, invalid, requestId);
    // The driver is built (and `terraform init` run) for disabled tasks too.
    const initError = await initDriverError(app, config);
    if (initError !== undefined) return sendError(500, initError, requestId);
    const input = toEngineTask(config, {
      globalBufferPeriod: app.globalBufferPeriod,
      timezone: app.timezone,
    });
    if (run.value === 'now' && config.enabled) {
      // TaskCreateAndRun: apply once (no retry) before the task exists; on
      // failure the task is not added.
      const started = await app.engine.startOnce(app.engine.draftTask(input));
      const finished = await app.engine.whenFinished(started.id);
      // `runTask` returns the driver's error unwrapped.
      if (finished.phase !== 'succeeded')
        return sendError(500, finished.failureMessage ?? '', requestId);
      const task = await app.engine.createTask(input);
      await app.engine.recordEvent({
        taskId: task.id,
        executionId: finished.id,
        success: true,
        startedAtMs: finished.startedAtMs ?? finished.createdAtMs,
        finishedAtMs: finished.finishedAtMs ?? app.engine.clock.now(),
        failureMessage: undefined,
        trigger: 'manual',
        details: eventConfigOf(config),
      });
      return jsonTextResponse(201, taskResponseJson(requestId, config));
    }
    await app.engine.createTask(input);
    return jsonTextResponse(201, taskResponseJson(requestId, config));
  });
}

/** POST ?run=inspect: plan a task that is never stored; every error is a 400. */
async function inspectNewTask(
  app: CtsAppContext,
  requestId: string,
  request: Parameters<typeof finalizeTask>[0],
): Promise<Response> {
  const finalized = finalizeTask(request);
  if (!finalized.ok) return sendError(400, finalized.message, requestId);
  const invalid = validateTask(finalized.config, {
    enterprise: app.enterprise,
    globalBufferPeriod: app.globalBufferPeriod,
  });
  if (invalid !== undefined) return sendError(400, invalid, requestId);
  const initError = await initDriverError(app, finalized.config);
  if (initError !== undefined) return sendError(400, initError, requestId);
  // The echoed task is the converted request, not the finalized copy (§2.3).
  const shown = finalizeTask(request, { inspect: true });
  const task = shown.ok ? shown.config : finalized.config;
  if (!finalized.config.enabled) {
    return jsonTextResponse(
      200,
      inspectResponseJson(
        requestId,
        { changes_present: false, plan: MESSAGE_INSPECT_DISABLED_PLAN },
        task,
      ),
    );
  }
  const input = toEngineTask(finalized.config, {
    globalBufferPeriod: app.globalBufferPeriod,
    timezone: app.timezone,
  });
  const execution = await app.engine.inspect(input);
  if (execution.phase !== 'succeeded')
    return sendError(400, execution.failureMessage ?? '', requestId);
  const output = ctsRunOutputOf(execution.output);
  return jsonTextResponse(
    200,
    inspectResponseJson(
      requestId,
      { changes_present: output.changesPresent, plan: output.plan },
      task,
    ),
  );
}

/**
 * The legacy task handler (`api/task.go`): PATCH updates `enabled`; any other
 * method that chi's fall-through brings here is a 405. `rest` is what follows
 * `/v1/tasks` in the path.
 */
export async function legacyTaskHandler(
  app: CtsAppContext,
  c: Context,
  requestId: string,
  fullPath: string,
  rest: string,
): Promise<Response> {
  const method = c.req.method;
  if (method !== 'PATCH') return legacyError(405, taskMethodNotAllowedMessage(method));
  if (rest === '' || rest === '/') return legacyError(400, MESSAGE_PATCH_NO_TASK_NAME);
  const name = rest.slice(1);
  if (name.includes('/')) return legacyError(400, unsupportedPathMessage(fullPath));

  const runValues = new URL(c.req.url).searchParams
    .getAll('run')
    .map((value) => value.toLowerCase());
  if (runValues.length > 1) return legacyError(400, runMultipleMessage(runValues));
  const run = runValues[0];
  if (run !== undefined && run !== 'now' && run !== 'inspect')
    return legacyError(400, runUnsupportedMessage(run));

  const body = await readBodyText(c.req.raw, app.maxBodyBytes);
  if (body.tooLarge) return legacyError(400, 'http: request body too large');
  const decoded = validateTaskUpdateRequest(body.text);
  if (!decoded.ok) return legacyError(400, decoded.message);
  const { enabled } = decoded.value;

  const task = await app.findTask(name);
  if (task === undefined) return sendError(404, taskNotFoundMessage(name), requestId);
  if (await app.engine.isActive(task.id))
    return sendError(500, taskActiveUpdateMessage(name), requestId);
  if (!hasDriver(app, task)) return sendError(500, taskNoDriverMessage(name), requestId);

  if (run === 'inspect') return inspectUpdate(app, requestId, task, enabled);
  try {
    // `TaskUpdate` stores the config with the new `enabled`, so GET /v1/tasks shows it.
    const spec: TaskConfig = { ...(task.spec as TaskConfig), enabled };
    await app.engine.updateTask(task.id, { enabled, spec }, { rejectIfActive: true });
  } catch (error) {
    if (isEngineError(error, 'busy'))
      return sendError(500, taskActiveUpdateMessage(name), requestId);
    throw error;
  }
  if (run !== 'now') return jsonResponse(200, {});
  if (!enabled) {
    // Disabling with run=now applies nothing but still stores a successful event (code reading).
    const nowMs = app.engine.clock.now();
    await app.engine.recordEvent({
      taskId: task.id,
      executionId: '',
      success: true,
      startedAtMs: nowMs,
      finishedAtMs: nowMs,
      failureMessage: undefined,
      trigger: 'manual',
      details: eventConfigOf(task.spec as TaskConfig),
    });
    return jsonResponse(200, {});
  }
  const execution = await app.engine.runNow(task.id);
  const finished = await app.engine.whenFinished(execution.id);
  // `TaskUpdate` returns the driver's `UpdateTask` error unwrapped.
  if (finished.phase !== 'succeeded')
    return sendError(500, finished.failureMessage ?? '', requestId);
  return jsonResponse(200, {});
}

/** PATCH ?run=inspect: the plan of the proposed state; the task is left as it is. */
async function inspectUpdate(
  app: CtsAppContext,
  requestId: string,
  task: Task,
  enabled: boolean,
): Promise<Response> {
  if (!enabled) return jsonResponse(200, { inspect: { changes_present: false, plan: '' } });
  const execution = await app.engine.inspect(task.id);
  if (execution.phase !== 'succeeded') {
    return sendError(
      500,
      inspectUpdateFailedMessage(task.name, messageOf(execution.failureMessage)),
      requestId,
    );
  }
  const output = ctsRunOutputOf(execution.output);
  return jsonResponse(200, {
    inspect: { changes_present: output.changesPresent, plan: output.plan },
  });
}
