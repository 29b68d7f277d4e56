import { describe, expect, it } from 'vitest';
import { TaskListText, taskListJson } from '../../../src/api/cts/representation.ts';
import type { TaskConfig } from '../../../src/api/cts/types.ts';

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
