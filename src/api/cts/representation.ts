/**
 * CTS's JSON for events and task statuses (`state/event/event.go`,
 * `api/task_status.go`), keys in CTS's order.
 */

import type { Health, StatusEvent, Task } from '../../engine/types.ts';
import type { CtsEventConfig } from './cts-engine.ts';
import { goJsonText, isInGoMapOrder } from './go/json-encode.ts';
import { formatGoTime } from './go/time.ts';
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

// Events never change once recorded, so their JSON text is written once:
// formatting thousands of Go timestamps and serialising every event again on
// each `include=events` request was most of its cost. The task's name is part
// of the text, so a renamed task's events are written again.
const eventJsonCache = new WeakMap<
  StatusEvent,
  { readonly taskName: string; readonly text: string }
>();

/** The JSON text of a stored event (written once per event). */
export function eventJsonText(event: StatusEvent, taskName: string): string {
  let cached = eventJsonCache.get(event);
  if (cached === undefined || cached.taskName !== taskName) {
    cached = { taskName, text: JSON.stringify(buildEventJson(event, taskName)) };
    eventJsonCache.set(event, cached);
  }
  return cached.text;
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

/** A task's status text, and what it was written from. */
interface StatusText {
  readonly newest: StatusEvent | undefined;
  readonly count: number;
  readonly health: Health;
  readonly text: string;
}

// A status is a function of the task (replaced, never changed in place, on
// every update), its events (newest first: a new event changes the first one)
// and its health. Kept per task, one text with events and one without, so
// that listing unchanged tasks costs a lookup each.
const statusTextCache = new WeakMap<
  Task,
  { withEvents?: StatusText; withoutEvents?: StatusText }
>();

/** `makeTaskStatus` / `makeTaskStatusUnknown`, as JSON text in CTS's key order. */
export function taskStatusJsonText(
  task: Task,
  events: readonly StatusEvent[],
  health: Health,
  includeEvents: boolean,
): string {
  let kept = statusTextCache.get(task);
  if (kept === undefined) {
    kept = {};
    statusTextCache.set(task, kept);
  }
  const slot = includeEvents ? 'withEvents' : 'withoutEvents';
  const cached = kept[slot];
  const newest = events[0];
  if (
    cached !== undefined &&
    cached.newest === newest &&
    cached.count === events.length &&
    cached.health === health
  ) {
    return cached.text;
  }
  const text = writeTaskStatus(task, events, health, includeEvents);
  kept[slot] = { newest, count: events.length, health, text };
  return text;
}

function writeTaskStatus(
  task: Task,
  events: readonly StatusEvent[],
  health: Health,
  includeEvents: boolean,
): string {
  const config = task.spec as TaskConfig;
  if (events.length === 0) {
    const unknown: CtsTaskStatusJson = {
      task_name: task.name,
      status: 'unknown',
      enabled: task.enabled,
      events_url: '',
      providers: [...config.providers],
      services: [],
    };
    return JSON.stringify(unknown);
  }
  // The head, then the events from their stored texts, then the unions.
  const head = JSON.stringify({
    task_name: task.name,
    status: health,
    enabled: task.enabled,
    events_url: `/v1/status/tasks/${task.name}?include=events`,
  });
  let text = head.slice(0, -1);
  if (includeEvents) {
    text += ',"events":[';
    for (let index = 0; index < events.length; index++) {
      if (index > 0) text += ',';
      text += eventJsonText(events[index] as StatusEvent, task.name);
    }
    text += ']';
  }
  const providers = JSON.stringify(unionOf(events, 'providers'));
  const services = JSON.stringify(unionOf(events, 'services'));
  return `${text},"providers":${providers},"services":${services}}`;
}

/**
 * The `map[string]…` fields of CTS's generated task types
 * (`api/oapigen/types.go`): `VariableMap`, `CatalogServicesCondition.NodeMeta`
 * and both `CtsUserDefinedMeta`s. Go's encoder sorts a map's keys by bytes.
 */
const MAP_FIELDS: ReadonlySet<string> = new Set([
  'variables',
  'node_meta',
  'cts_user_defined_meta',
]);
const isMapField = (key: string): boolean => MAP_FIELDS.has(key);

/** Whether every map field of `config` already enumerates its keys in Go's order. */
function mapsInGoOrder(config: TaskConfig): boolean {
  const { variables, condition, module_input: moduleInput } = config;
  return (
    (variables === undefined || isInGoMapOrder(variables)) &&
    (condition?.services === undefined ||
      isInGoMapOrder(condition.services.cts_user_defined_meta)) &&
    (condition?.catalog_services === undefined ||
      isInGoMapOrder(condition.catalog_services.node_meta)) &&
    (moduleInput?.services === undefined ||
      isInGoMapOrder(moduleInput.services.cts_user_defined_meta))
  );
}

/**
 * A task configuration as CTS's encoder writes it. The common case (maps
 * with at most one key, or already sorted) is `JSON.stringify` itself.
 */
export function taskConfigText(config: TaskConfig): string {
  return mapsInGoOrder(config) ? JSON.stringify(config) : goJsonText(config, isMapField);
}

// A task's configuration changes only by replacement (the engine's update
// builds a new spec), so its JSON text is written once per spec object and
// `GET /v1/tasks` joins stored texts instead of serialising every task again.
const taskConfigJsonCache = new WeakMap<TaskConfig, string>();

/** The JSON text of a stored task configuration (written once per spec object). */
export function taskConfigJson(config: TaskConfig): string {
  let json = taskConfigJsonCache.get(config);
  if (json === undefined) {
    json = taskConfigText(config);
    taskConfigJsonCache.set(config, json);
  }
  return json;
}

/** `{"request_id":…,"run":…,"task":…}`, the body of a `run=inspect` create (the task is not stored). */
export function inspectResponseJson(
  requestId: string,
  run: { readonly changes_present: boolean; readonly plan: string },
  config: TaskConfig,
): string {
  return `{"request_id":${JSON.stringify(requestId)},"run":${JSON.stringify(run)},"task":${taskConfigText(config)}}`;
}

/** `{"request_id":…,"task":…}`, the body of a task read or create. */
export function taskResponseJson(requestId: string, config: TaskConfig): string {
  return `{"request_id":${JSON.stringify(requestId)},"task":${taskConfigJson(config)}}`;
}

/**
 * The `tasks` array of `GET /v1/tasks` as text, written again only when the
 * list of specs changed (a task added, removed or replaced): a listing of
 * unchanged tasks costs one identity check per task, not a join of their texts.
 */
export class TaskListText {
  #specs: readonly TaskConfig[] = [];
  #text = '[]';

  of(specs: readonly TaskConfig[]): string {
    if (!sameItems(specs, this.#specs)) {
      let text = '[';
      for (let index = 0; index < specs.length; index++) {
        if (index > 0) text += ',';
        text += taskConfigJson(specs[index] as TaskConfig);
      }
      this.#specs = specs;
      this.#text = `${text}]`;
    }
    return this.#text;
  }
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

/** `{"request_id":…,"tasks":[…]}`, the body of `GET /v1/tasks`. */
export function taskListJson(requestId: string, tasksText: string): string {
  return `{"request_id":${JSON.stringify(requestId)},"tasks":${tasksText}}`;
}
