import { describe, expect, it } from 'vitest';
import {
  TaskListText,
  taskListJson,
  taskStatusJsonText,
} from '../../../src/api/cts/representation.ts';
import type { TaskConfig } from '../../../src/api/cts/types.ts';
import type { StatusEvent, Task } from '../../../src/engine/types.ts';

function spec(name: string, enabled = true): TaskConfig {
  return {
    condition: {},
    description: '',
    enabled,
    module: 'org/mod/aws',
    module_input: {},
    name,
    providers: [],
    variables: {},
    version: '',
  } as TaskConfig;
}

const namesIn = (text: string): string[] =>
  (JSON.parse(text) as { name: string; enabled: boolean }[]).map(
    (task) => `${task.name}:${task.enabled}`,
  );

describe('TaskListText: the GET /v1/tasks array kept between requests', () => {
  it('writes the specs in order, and follows an added, a replaced and a removed task', () => {
    const list = new TaskListText();
    const a = spec('a');
    const b = spec('b');
    expect(namesIn(list.of([a, b]))).toEqual(['a:true', 'b:true']);
    const c = spec('c');
    expect(namesIn(list.of([a, b, c]))).toEqual(['a:true', 'b:true', 'c:true']);
    // PATCH replaces the spec object: the list must show the new one.
    const bDisabled = spec('b', false);
    expect(namesIn(list.of([a, bDisabled, c]))).toEqual(['a:true', 'b:false', 'c:true']);
    expect(namesIn(list.of([a, c]))).toEqual(['a:true', 'c:true']);
    expect(list.of([])).toBe('[]');
  });

  it('is the body of GET /v1/tasks with the request id in front', () => {
    const list = new TaskListText();
    const body = JSON.parse(taskListJson('id-1', list.of([spec('a')]))) as {
      request_id: string;
      tasks: { name: string }[];
    };
    expect(body.request_id).toBe('id-1');
    expect(body.tasks.map((task) => task.name)).toEqual(['a']);
  });
});

describe('taskStatusJsonText: a task status kept between requests', () => {
  const task = (name: string, enabled = true): Task => ({
    id: `id-${name}`,
    name,
    scope: 'cts',
    enabled,
    spec: spec(name, enabled),
    triggers: [],
    dependsOn: [],
    bufferPeriod: undefined,
    createdAtMs: 0,
    updatedAtMs: 0,
    deletionRequestedAtMs: undefined,
  });
  let seq = 0;
  const event = (success: boolean): StatusEvent => {
    seq++;
    return {
      id: `event-${seq}`,
      taskId: 'id-a',
      executionId: `execution-${seq}`,
      success,
      startedAtMs: seq * 1000,
      finishedAtMs: seq * 1000 + 1,
      failureMessage: success ? undefined : 'apply failed',
      trigger: 'change',
      details: { providers: [], services: ['api'] },
    };
  };
  const ids = (text: string): string[] =>
    ((JSON.parse(text) as { events?: { id: string }[] }).events ?? []).map((e) => e.id);

  it('follows a new event even when the bounded history keeps its length', () => {
    const a = task('a');
    const first = event(true);
    const second = event(true);
    expect(ids(taskStatusJsonText(a, [first], 'successful', true))).toEqual([first.id]);
    // A history of one: the new event replaces the old one, the length stays 1.
    expect(ids(taskStatusJsonText(a, [second], 'successful', true))).toEqual([second.id]);
  });

  it('follows health, the events flag and a replaced task', () => {
    const a = task('a');
    const events = [event(false)];
    const status = (text: string) => JSON.parse(text) as { status: string; enabled: boolean };
    expect(status(taskStatusJsonText(a, events, 'errored', false)).status).toBe('errored');
    expect(status(taskStatusJsonText(a, events, 'critical', false)).status).toBe('critical');
    expect(ids(taskStatusJsonText(a, events, 'critical', false))).toEqual([]);
    expect(ids(taskStatusJsonText(a, events, 'critical', true))).toEqual([events[0]?.id]);
    // PATCH enabled=false replaces the task object.
    expect(status(taskStatusJsonText(task('a', false), events, 'critical', false)).enabled).toBe(
      false,
    );
  });
});
