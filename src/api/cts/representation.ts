/**
 * CTS's JSON for events and task statuses (`state/event/event.go`,
 * `api/task_status.go`), keys in CTS's order.
 */

import type { Health, StatusEvent, Task } from '../../engine/types.ts';
import type { CtsEventConfig } from './cts-engine.ts';
import { formatGoTime } from './go-time.ts';
import type { TaskConfig } from './types.ts';

/** An event as CTS serialises it. */
export interface CtsEventJson {
  id: string;
  success: boolean;
  start_time: string;
  end_time: string;
  task_name: string;
  error: { message: string } | null;
  config: CtsEventConfig | null;
}

/** A task status as CTS serialises it. */
export interface CtsTaskStatusJson {
  task_name: string;
  status: Health;
  enabled: boolean;
  events_url: string;
  events?: CtsEventJson[];
  providers: string[];
  services: string[];
}

// Events never change once recorded, so their JSON is built once: formatting
// thousands of Go timestamps on every `include=events` request was most of its cost.
const eventJsonCache = new WeakMap<StatusEvent, CtsEventJson>();

/** The event JSON of a stored event (built once per event). */
export function eventJson(event: StatusEvent, taskName: string): CtsEventJson {
  let json = eventJsonCache.get(event);
  if (json === undefined || json.task_name !== taskName) {
    json = buildEventJson(event, taskName);
    eventJsonCache.set(event, json);
  }
  return json;
}

function buildEventJson(event: StatusEvent, taskName: string): CtsEventJson {
  return {
    id: event.id,
    success: event.success,
    start_time: formatGoTime(event.startedAtMs),
    end_time: formatGoTime(event.finishedAtMs),
    task_name: taskName,
    error: event.success ? null : { message: event.failureMessage ?? '' },
    config: (event.details as CtsEventConfig | undefined) ?? null,
  };
}

/** The union of the events' providers and services, first seen first (CTS: a Go map). */
function unionOf(events: readonly StatusEvent[], key: 'providers' | 'services'): string[] {
  const seen = new Set<string>();
  for (const event of events) {
    for (const value of (event.details as CtsEventConfig | undefined)?.[key] ?? []) seen.add(value);
  }
  return [...seen];
}

/** `makeTaskStatus` / `makeTaskStatusUnknown`. */
export function taskStatusJson(
  task: Task,
  events: readonly StatusEvent[],
  health: Health,
  includeEvents: boolean,
): CtsTaskStatusJson {
  const config = task.spec as TaskConfig;
  if (events.length === 0) {
    return {
      task_name: task.name,
      status: 'unknown',
      enabled: task.enabled,
      events_url: '',
      providers: [...config.providers],
      services: [],
    };
  }
  return {
    task_name: task.name,
    status: health,
    enabled: task.enabled,
    events_url: `/v1/status/tasks/${task.name}?include=events`,
    ...(includeEvents ? { events: events.map((event) => eventJson(event, task.name)) } : {}),
    providers: unionOf(events, 'providers'),
    services: unionOf(events, 'services'),
  };
}

// A task's configuration changes only by replacement (the engine's update
// builds a new spec), so its JSON text is written once per spec object and
// `GET /v1/tasks` joins stored texts instead of serialising every task again.
const taskConfigJsonCache = new WeakMap<TaskConfig, string>();

/** The JSON text of a stored task configuration (written once per spec object). */
export function taskConfigJson(config: TaskConfig): string {
  let json = taskConfigJsonCache.get(config);
  if (json === undefined) {
    json = JSON.stringify(config);
    taskConfigJsonCache.set(config, json);
  }
  return json;
}

/** `{"request_id":…,"task":…}`, the body of a task read or create. */
export function taskResponseJson(requestId: string, config: TaskConfig): string {
  return `{"request_id":${JSON.stringify(requestId)},"task":${taskConfigJson(config)}}`;
}

/** `{"request_id":…,"tasks":[…]}`, the body of `GET /v1/tasks`. */
export function taskListJson(requestId: string, configs: readonly TaskConfig[]): string {
  let json = `{"request_id":${JSON.stringify(requestId)},"tasks":[`;
  for (let index = 0; index < configs.length; index++) {
    if (index > 0) json += ',';
    json += taskConfigJson(configs[index] as TaskConfig);
  }
  return `${json}]}`;
}
