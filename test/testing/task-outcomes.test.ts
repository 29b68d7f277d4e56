/**
 * One task's script, as an outside test suite drives it over HTTP: a task
 * default that holds from now on until changed, replacing or clearing a
 * task's queue, and outcomes for inspections apart from applies.
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import { type HttpResult, http, json, parse } from '../contract/http.ts';

const ctsTask = (name: string) => ({
  name,
  module: 'm',
  condition: { services: { names: ['api'] } },
  buffer_period: { enabled: false },
});

let fake: FakeServer;
const api = (method: string, path: string, body?: unknown): Promise<HttpResult> =>
  http(fake.url, method, path, body === undefined ? {} : json(body));
const control = async <T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<T> => {
  const result = await api(method, `/_taskport${path}`, body);
  expect(result.status, `${method} ${path}: ${result.text}`).toBeLessThan(300);
  return parse<T>(result);
};

beforeAll(async () => {
  fake = await startFakeServer({ clock: 'virtual', dialects: ['cts', 'ona'] });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(async () => {
  await control('POST', '/reset');
});

describe('cts: one task’s script', () => {
  /** Runs `name` now; its error message, or 'ok'. */
  const runNow = async (name: string): Promise<string> => {
    const result = await api('PATCH', `/v1/tasks/${name}?run=now`, { enabled: true });
    if (result.status === 200) return 'ok';
    return parse<{ error: { message: string } }>(result).error.message;
  };
  const inspect = (name: string) =>
    api('PATCH', `/v1/tasks/${name}?run=inspect`, { enabled: true });

  beforeEach(async () => {
    await control('POST', '/seed', { cts: { tasks: [ctsTask('web'), ctsTask('db')] } });
  });

  it('a task default holds for every later run of that task only, until cleared', async () => {
    expect(
      await control('PUT', '/cts/outcomes/tasks/web/default', { success: false, error: 'down' }),
    ).toEqual({ default: { success: false, error: 'down' } });
    expect(await runNow('web')).toBe("error tf-apply for 'web': down");
    expect(await runNow('web')).toBe("error tf-apply for 'web': down");
    expect(await runNow('db')).toBe('ok');
    expect(await control('GET', '/cts/outcomes')).toEqual({
      pending: {},
      taskDefaults: { web: { success: false, error: 'down' } },
      default: {},
    });

    expect(await control('DELETE', '/cts/outcomes/tasks/web/default')).toEqual({ cleared: true });
    expect(await runNow('web')).toBe('ok');
    expect(await control('DELETE', '/cts/outcomes/tasks/web/default')).toEqual({ cleared: false });
  });

  it('the queue comes before the task default, and the task default before the default', async () => {
    await control('PUT', '/cts/outcomes/default', { success: false, error: 'everyone' });
    await control('PUT', '/cts/outcomes/tasks/web/default', { success: false, error: 'web' });
    await control('POST', '/cts/outcomes', {
      task: 'web',
      outcomes: [{ success: false, error: 'once' }],
    });
    expect(await runNow('web')).toBe("error tf-apply for 'web': once");
    expect(await runNow('web')).toBe("error tf-apply for 'web': web");
    expect(await runNow('db')).toBe("error tf-apply for 'db': everyone");
  });

  it('PUT …/queue replaces a task’s queue, DELETE …/queue empties it', async () => {
    await control('POST', '/cts/outcomes', {
      task: 'web',
      outcomes: [
        { success: false, error: 'a' },
        { success: false, error: 'b' },
      ],
    });
    await control('POST', '/cts/outcomes', { task: 'db', outcomes: [{ success: false }] });
    expect(
      await control('PUT', '/cts/outcomes/tasks/web/queue', {
        outcomes: [{ success: false, error: 'c' }],
      }),
    ).toEqual({ pending: [{ success: false, error: 'c' }] });
    expect(await runNow('web')).toBe("error tf-apply for 'web': c");
    expect(await runNow('web')).toBe('ok');

    await control('POST', '/cts/outcomes', { task: 'web', outcomes: [{ success: false }] });
    expect(await control('DELETE', '/cts/outcomes/tasks/web/queue')).toEqual({ cleared: true });
    expect(await runNow('web')).toBe('ok');
    // The other task's queue is untouched.
    expect((await control<{ pending: object }>('GET', '/cts/outcomes')).pending).toEqual({
      db: [{ success: false }],
    });
  });

  it('an outcome for applies leaves inspections alone, and one for inspections applies', async () => {
    await control('PUT', '/cts/outcomes/tasks/web/default', {
      success: false,
      error: 'apply broke',
      mode: 'apply',
    });
    const inspected = await inspect('web');
    expect(inspected.status, inspected.text).toBe(200);
    expect(await runNow('web')).toBe("error tf-apply for 'web': apply broke");

    await control('PUT', '/cts/outcomes/tasks/web/queue', {
      outcomes: [{ mode: 'inspect', plan: 'the inspect plan', changesPresent: true }],
    });
    await control('DELETE', '/cts/outcomes/tasks/web/default');
    // An apply passes over the queued inspect outcome.
    expect(await runNow('web')).toBe('ok');
    expect(parse(await inspect('web'))).toEqual({
      inspect: { changes_present: true, plan: 'the inspect plan' },
    });
    expect((await control<{ pending: object }>('GET', '/cts/outcomes')).pending).toEqual({});
  });

  it('a failing inspect outcome fails the inspection with tf-plan, not the next apply', async () => {
    await control('POST', '/cts/outcomes', {
      task: 'web',
      outcomes: [{ mode: 'inspect', success: false, error: 'plan broke' }],
    });
    expect(await runNow('web')).toBe('ok');
    const failed = await inspect('web');
    expect(parse<{ error: { message: string } }>(failed).error.message).toBe(
      "Error updating task 'web'. Unable to inspect task: error tf-plan for 'web': plan broke",
    );
  });

  it('a bad outcome is refused with 400 and changes nothing', async () => {
    await control('PUT', '/cts/outcomes/tasks/web/default', { success: false, error: 'kept' });
    const refused = await api('PUT', '/_taskport/cts/outcomes/tasks/web/default', {
      mode: 'sometimes',
    });
    expect(refused.status).toBe(400);
    expect(parse<{ error: string }>(refused).error).toMatch(/`mode`/);
    const notArray = await api('PUT', '/_taskport/cts/outcomes/tasks/web/queue', {
      outcomes: {},
    });
    expect(notArray.status).toBe(400);
    expect(await runNow('web')).toBe("error tf-apply for 'web': kept");
  });

  it('a task named default has its own default', async () => {
    await control('POST', '/seed', { cts: { tasks: [ctsTask('default')] } });
    await control('PUT', '/cts/outcomes/tasks/default/default', { success: false, error: 'x' });
    expect(await runNow('default')).toBe("error tf-apply for 'default': x");
    expect(await runNow('web')).toBe('ok');
  });
});

describe('ona: one task’s script', () => {
  let environment: string;
  const fireStart = async (): Promise<void> => {
    await control('POST', `/ona/environments/${environment}/triggers`, {
      trigger: 'postEnvironmentStart',
    });
    await control('POST', '/when-idle');
  };
  const outcomeKinds = async (): Promise<string[]> =>
    (
      await control<{ stepRuns: { outcome: { kind: string } }[] }>('GET', '/ona/step-runs')
    ).stepRuns.map((run) => run.outcome.kind);

  beforeEach(async () => {
    environment = (await control<{ environment: { id: string } }>('POST', '/ona/environments', {}))
      .environment.id;
    const seeded = await http(
      fake.url,
      'POST',
      `/_taskport/ona/environments/${environment}/automations`,
      {
        body: 'tasks:\n  boot:\n    name: Boot\n    command: ./boot\n    triggeredBy: [postEnvironmentStart]\n',
        contentType: 'application/yaml',
      },
    );
    expect(seeded.status, seeded.text).toBe(200);
  });

  it('a task default holds for every later step run, after the queue, until cleared', async () => {
    await control('PUT', '/ona/outcomes/tasks/boot/default', { kind: 'fail', message: 'no' });
    await control('PUT', '/ona/outcomes/tasks/boot/queue', { outcomes: [{ kind: 'succeed' }] });
    await fireStart();
    await fireStart();
    await fireStart();
    expect(await outcomeKinds()).toEqual(['succeed', 'fail', 'fail']);
    expect(await control('GET', '/ona/outcomes')).toEqual({
      pending: {},
      taskDefaults: { boot: { kind: 'fail', message: 'no' } },
      default: { kind: 'succeed' },
    });

    expect(await control('DELETE', '/ona/outcomes/tasks/boot/default')).toEqual({ cleared: true });
    await fireStart();
    expect((await outcomeKinds()).at(-1)).toBe('succeed');
  });

  it('DELETE …/queue empties the queue of that task; a bad outcome is a 400', async () => {
    await control('POST', '/ona/outcomes', { task: 'boot', outcomes: [{ kind: 'fail' }] });
    expect(await control('DELETE', '/ona/outcomes/tasks/boot/queue')).toEqual({ cleared: true });
    await fireStart();
    expect(await outcomeKinds()).toEqual(['succeed']);
    const refused = await api('PUT', '/_taskport/ona/outcomes/tasks/boot/default', {
      kind: 'maybe',
    });
    expect(refused.status).toBe(400);
  });
});
