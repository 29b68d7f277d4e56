/**
 * The Status API (`api/overall_status.go`, `api/task_status.go`), served by
 * the legacy stack: no request_id, legacy error bodies.
 */

import type { Context } from 'hono';
import type { Health } from '../../engine/types.ts';
import type { CtsAppContext } from './context.ts';
import { legacyError } from './errors.ts';
import { goCompareStrings } from './go/text.ts';
import {
  includeMultipleMessage,
  includeUnsupportedMessage,
  overallStatusMethodNotAllowedMessage,
  statusMultipleMessage,
  statusUnsupportedMessage,
  taskNotFoundMessage,
  taskStatusMethodNotAllowedMessage,
  unsupportedPathMessage,
} from './messages.ts';
import { taskStatusJsonText } from './representation.ts';
import { jsonResponse, jsonTextResponse } from './responses.ts';

const HEALTH_VALUES: readonly Health[] = ['successful', 'errored', 'critical', 'unknown'];

/** GET /v1/status (and any `/v1/status/<x>` chi falls through to it). */
export async function overallStatus(app: CtsAppContext, c: Context): Promise<Response> {
  if (c.req.method !== 'GET')
    return legacyError(405, overallStatusMethodNotAllowedMessage(c.req.method));
  const { health, enabled } = await app.engine.summary();
  return jsonResponse(200, {
    task_summary: {
      status: {
        successful: health.successful,
        errored: health.errored,
        critical: health.critical,
        unknown: health.unknown,
      },
      enabled: { true: enabled.true, false: enabled.false },
    },
  });
}

function statusFilter(url: URL): { value?: Health; error?: string } {
  const values = url.searchParams.getAll('status');
  if (values.length === 0) return {};
  if (values.length > 1) return { error: statusMultipleMessage(values) };
  const value = (values[0] as string).toLowerCase();
  if (!HEALTH_VALUES.includes(value as Health)) return { error: statusUnsupportedMessage(value) };
  return { value: value as Health };
}

function includeEvents(url: URL): { value: boolean; error?: string } {
  const values = url.searchParams.getAll('include');
  if (values.length === 0) return { value: false };
  if (values.length > 1) return { value: false, error: includeMultipleMessage(values) };
  if (values[0] !== 'events')
    return { value: false, error: includeUnsupportedMessage(values[0] as string) };
  return { value: true };
}

/**
 * GET /v1/status/tasks[/{name}]. Check order: path, status, include, lookup.
 * `rest` is what follows `/v1/status/tasks` in the path.
 */
export async function taskStatus(
  app: CtsAppContext,
  c: Context,
  fullPath: string,
  rest: string,
): Promise<Response> {
  if (c.req.method !== 'GET')
    return legacyError(405, taskStatusMethodNotAllowedMessage(c.req.method));
  const name = rest.startsWith('/') ? rest.slice(1) : '';
  if (name.includes('/')) return legacyError(400, unsupportedPathMessage(fullPath));
  const url = new URL(c.req.url);
  const filter = statusFilter(url);
  if (filter.error !== undefined) return legacyError(400, filter.error);
  const include = includeEvents(url);
  if (include.error !== undefined) return legacyError(400, include.error);

  const statuses: { readonly name: string; readonly text: string }[] = [];
  const tasks = name === '' ? await app.engine.listTasks(app.scope) : [await app.findTask(name)];
  for (const task of tasks) {
    if (task === undefined) return legacyError(404, taskNotFoundMessage(name));
    const status = await app.engine.taskStatus(task.id);
    const events = status?.events ?? [];
    const health = status?.health ?? 'unknown';
    if (events.length > 0) {
      if (filter.value !== undefined && health !== filter.value) continue;
    } else if (name === '' && filter.value !== undefined && filter.value !== 'unknown') {
      // Tasks without events join the listing only unfiltered or for `unknown`;
      // a single task without events is answered whatever the filter (code reading).
      continue;
    }
    statuses.push({
      name: task.name,
      text: taskStatusJsonText(task, events, health, include.value),
    });
  }
  // Go encodes map keys sorted by bytes.
  statuses.sort((a, b) => goCompareStrings(a.name, b.name));
  let json = '{';
  for (let index = 0; index < statuses.length; index++) {
    const status = statuses[index] as { readonly name: string; readonly text: string };
    json += `${index > 0 ? ',' : ''}${JSON.stringify(status.name)}:${status.text}`;
  }
  return jsonTextResponse(200, `${json}}`);
}
