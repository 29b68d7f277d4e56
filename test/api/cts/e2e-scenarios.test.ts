/**
 * CTS's own request/response tests (research/cts.md §7.1, the pairs the
 * contract does not already pin down) and the HTTP-observable scenarios of
 * its e2e suite (§7.3), replayed against the fake server. Time moves only
 * through `control.advance()` and `control.waitForIdle()`.
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../../src/testing/fake-server.ts';
import {
  expectJson,
  expectValidatorError,
  type HttpOptions,
  type HttpResult,
  http,
  json,
  legacyErrorBody,
  parse,
  sendErrorBody,
  UUID,
} from '../../contract/http.ts';

interface CtsEvent {
  id: string;
  success: boolean;
  start_time: string;
  end_time: string;
  error: { message: string } | null;
}

interface CtsTaskStatus {
  task_name: string;
  status: string;
  enabled: boolean;
  events?: CtsEvent[];
}

const NOT_FOUND = (name: string): string =>
  `a task with name '${name}' does not exist or has not been initialized yet`;
const EMPTY_LIST = '{"request_id":"<id>","tasks":[]}';

let fake: FakeServer;
beforeAll(async () => {
  fake = await startFakeServer({ clock: 'virtual', dialects: ['cts'] });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(async () => {
  await fake.control.reset();
});

const api = (method: string, path: string, init?: HttpOptions): Promise<HttpResult> =>
  http(fake.url, method, path, init);

/** A task on `services: api`; the buffer is off unless `extra` sets one. */
function taskBody(name: string, extra: Record<string, unknown> = {}) {
  return {
    task: {
      name,
      module: 'org/mod/aws',
      condition: { services: { names: ['api'] } },
      buffer_period: { enabled: false },
      ...extra,
    },
  };
}

async function create(name: string, extra: Record<string, unknown> = {}, query = '') {
  const result = await api('POST', `/v1/tasks${query}`, json(taskBody(name, extra)));
  expect(result.status, result.text).toBe(201);
  return result;
}

async function statusOf(name: string): Promise<CtsTaskStatus> {
  const result = await api('GET', `/v1/status/tasks/${name}?include=events`);
  expect(result.status, result.text).toBe(200);
  const entry = parse<Record<string, CtsTaskStatus>>(result)[name];
  if (entry === undefined) throw new Error(`no status for ${name}: ${result.text}`);
  return entry;
}

async function eventCount(name: string): Promise<number> {
  return (await statusOf(name)).events?.length ?? 0;
}

const patch = (name: string, body: unknown, query = ''): Promise<HttpResult> =>
  api('PATCH', `/v1/tasks/${name}${query}`, json(body));

async function settle(): Promise<void> {
  await fake.control.advance(0);
  await fake.control.waitForIdle();
}

let instances = 0;
/** Registers a new passing `api` instance: every `api` task's data changes. */
function registerApi(): string {
  instances++;
  const id = `api-${instances}`;
  fake.control.cts.registerService({ name: 'api', id });
  return id;
}

/** PATCH run=now once per entry (never retried), failing where false. */
async function runOnce(name: string, outcomes: readonly boolean[]): Promise<void> {
  for (const success of outcomes) {
    if (!success) fake.control.cts.script(name, { success: false, error: 'apply failed' });
    const result = await patch(name, { enabled: true }, '?run=now');
    expect(result.status, result.text).toBe(success ? 200 : 500);
  }
}

describe('api/api_test.go TestServe and TestGetTaskName', () => {
  it('status endpoints of an empty daemon', async () => {
    expectJson(await api('GET', '/v1/status/tasks'), 200, '{}');
    expectJson(await api('GET', '/v1/status/tasks/'), 200, '{}');
    expectJson(
      await api('GET', '/v1/status'),
      200,
      '{"task_summary":{"status":{"successful":0,"errored":0,"critical":0,"unknown":0},"enabled":{"true":0,"false":0}}}',
    );
  });

  it('create shows the validator defaults; delete → 202; patch {"enabled":true} → 200 {}', async () => {
    const created = await api(
      'POST',
      '/v1/tasks',
      json({
        task: { name: 'task_b', module: 'module', condition: { services: { names: ['api'] } } },
      }),
    );
    expect(created.status).toBe(201);
    const task = parse<{ task: Record<string, unknown> }>(created).task;
    expect(task).toMatchObject({
      condition: { services: { names: ['api'], use_as_module_input: true } },
      enabled: true,
      module: 'module',
      name: 'task_b',
    });
    expectJson(await patch('task_b', { enabled: true }), 200, '{}');
    expectJson(await api('DELETE', '/v1/tasks/task_b'), 202, '{"request_id":"<id>"}');
  });

  it('a task named "tasks" is a task like any other', async () => {
    await create('tasks');
    expect((await api('GET', '/v1/tasks/tasks')).status).toBe(200);
    expect(Object.keys(parse<object>(await api('GET', '/v1/status/tasks/tasks')))).toEqual([
      'tasks',
    ]);
    expectJson(await patch('tasks', { enabled: false }), 200, '{}');
    expect(await statusOf('tasks')).toMatchObject({ enabled: false });
  });

  it('/v1/status/tasks/ (trailing slash) lists every task', async () => {
    await create('a');
    await create('b');
    expect(Object.keys(parse<object>(await api('GET', '/v1/status/tasks/')))).toEqual(['a', 'b']);
  });
});

describe('api/task_create_test.go, task_get_test.go', () => {
  const finalized = {
    condition: {
      services: {
        cts_user_defined_meta: {},
        datacenter: '',
        filter: '',
        names: ['api'],
        namespace: '',
        use_as_module_input: true,
      },
    },
    description: 'a task',
    enabled: true,
    module: 'org/mod/aws',
    module_input: {},
    name: 'task',
    providers: ['aws'],
    variables: { region: 'eu' },
    version: '1.0.0',
  };

  it('a finalized request comes back equal, on create, get and list', async () => {
    const created = await api('POST', '/v1/tasks', json({ task: finalized }));
    expect(created.status).toBe(201);
    expect(parse<{ task: unknown }>(created).task).toEqual(finalized);
    const got = parse<{ request_id: string; task: unknown }>(await api('GET', '/v1/tasks/task'));
    expect(got.request_id).toMatch(UUID);
    expect(JSON.stringify(got.task)).toBe(JSON.stringify(finalized));
    const all = parse<{ request_id: string; tasks: unknown[] }>(await api('GET', '/v1/tasks'));
    expect(all.request_id).toMatch(UUID);
    expect(all.tasks).toEqual([finalized]);
  });

  it('run=now → 201 with the task', async () => {
    const created = await api('POST', '/v1/tasks?run=now', json({ task: finalized }));
    expect(created.status).toBe(201);
    expect(parse<{ task: unknown }>(created).task).toEqual(finalized);
  });

  it('run=inspect → 200 with the plan, twice', async () => {
    registerApi();
    for (let round = 0; round < 2; round++) {
      const result = await api('POST', '/v1/tasks?run=inspect', json({ task: finalized }));
      expect(result.status).toBe(200);
      expect(parse<{ run: unknown }>(result).run).toMatchObject({ changes_present: true });
    }
  });

  it('GET an unknown task → 404', async () => {
    expectJson(await api('GET', '/v1/tasks/nope'), 404, sendErrorBody(NOT_FOUND('nope')));
  });
});

describe('api/task_update_test.go', () => {
  it('inspect returns the plan as is', async () => {
    await create('task');
    fake.control.cts.script('task', { plan: 'my plan!', changesPresent: true });
    expectJson(
      await patch('task', { enabled: true }, '?run=inspect'),
      200,
      '{"inspect":{"changes_present":true,"plan":"my plan!"}}',
    );
  });

  it('run now → {}; a run-now error → 500 with request_id', async () => {
    await create('task');
    expectJson(await patch('task', { enabled: true }, '?run=now'), 200, '{}');
    fake.control.cts.script('task', { success: false, error: 'apply err' });
    expectJson(
      await patch('task', { enabled: true }, '?run=now'),
      500,
      sendErrorBody("error tf-apply for 'task': apply err"),
    );
  });

  it.each<[unknown, boolean]>([
    [{ enabled: true }, true],
    [{ enabled: false }, false],
  ])('decodeBody %j', async (body, enabled) => {
    await create('task', { enabled: !enabled });
    expectJson(await patch('task', body), 200, '{}');
    expect(await statusOf('task')).toMatchObject({ enabled });
  });

  it('PUT → 405', async () => {
    await create('task');
    expectJson(
      await api('PUT', '/v1/tasks/task', json({ enabled: true })),
      405,
      legacyErrorBody(
        "'PUT' in an unsupported method. The task API currently supports the method(s): 'PATCH'",
      ),
    );
  });
});

describe('api/overall_status_test.go and server_test.go TestStatus', () => {
  it('2 successful, 1 errored, 1 critical, 1 unknown; enabled 4/1', async () => {
    for (const name of ['s1', 's2', 'e', 'c', 'u']) await create(name);
    await runOnce('s1', [true]);
    await runOnce('s2', [false, true]);
    await runOnce('e', [true, false]);
    await runOnce('c', [false, false]);
    expectJson(await patch('u', { enabled: false }), 200, '{}');
    expectJson(
      await api('GET', '/v1/status'),
      200,
      '{"task_summary":{"status":{"successful":2,"errored":1,"critical":1,"unknown":1},"enabled":{"true":4,"false":1}}}',
    );
    expect((await api('PATCH', '/v1/status')).status).toBe(405);
  });

  it('per task, with events, and filtered by critical', async () => {
    await create('ok');
    await create('bad');
    await create('worse');
    await runOnce('ok', [true]);
    await runOnce('bad', [false, false]);
    await runOnce('worse', [true, false, false]);
    expect(await statusOf('ok')).toMatchObject({ status: 'successful', enabled: true });
    expect((await statusOf('worse')).events?.map((event) => event.success)).toEqual([
      false,
      false,
      true,
    ]);
    const critical = parse<Record<string, CtsTaskStatus>>(
      await api('GET', '/v1/status/tasks?status=critical'),
    );
    expect(Object.keys(critical)).toEqual(['bad', 'worse']);
  });
});

describe('e2e/api_test.go', () => {
  it('TestE2E_TaskEndpoints_Create: 201, unknown, no events, no run; the next change → exactly one event', async () => {
    const created = await create('t');
    expect(parse<{ request_id: string }>(created).request_id).toMatch(UUID);
    await settle();
    expect(await statusOf('t')).toMatchObject({ status: 'unknown' });
    expect(await eventCount('t')).toBe(0);
    registerApi();
    await settle();
    expect(await eventCount('t')).toBe(1);
    expect(await statusOf('t')).toMatchObject({ status: 'successful' });
  });

  it('TestE2E_TaskEndpoints_Create_Run_Now: exactly one event', async () => {
    registerApi();
    await create('t', {}, '?run=now');
    await settle();
    expect(await eventCount('t')).toBe(1);
  });

  it('TestE2E_TaskEndpoints_InvalidSchema: 400, "doesn\'t match schema", "value must be a string", no task', async () => {
    const result = await api('POST', '/v1/tasks', json(taskBody('t', { module: true })));
    expect(result.status).toBe(400);
    const message = parse<{ error: { message: string } }>(result).error.message;
    expect(message).toContain("doesn't match schema");
    expect(message).toContain('value must be a string');
    expectJson(await api('GET', '/v1/status/tasks/t'), 404, legacyErrorBody(NOT_FOUND('t')));
  });

  it('TestE2E_TaskEndpoints_DryRunTaskCreate: plan, nothing created, later changes create nothing', async () => {
    registerApi();
    const result = await api('POST', '/v1/tasks?run=inspect', json(taskBody('t')));
    expect(result.status).toBe(200);
    const body = parse<{ request_id: string; run: { plan: string; changes_present: boolean } }>(
      result,
    );
    expect(body.request_id).toMatch(UUID);
    expect(body.run.changes_present).toBe(true);
    expect(body.run.plan).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    registerApi();
    await settle();
    expectJson(await api('GET', '/v1/tasks'), 200, EMPTY_LIST);
    expectJson(await api('GET', '/v1/status/tasks'), 200, '{}');
  });

  it('TestE2E_TaskEndpoints_Get and GetAll: request_id, no terraform_version', async () => {
    await create('a');
    await create('b');
    const one = parse<{ request_id: string; task: Record<string, unknown> }>(
      await api('GET', '/v1/tasks/a'),
    );
    expect(one.request_id).toMatch(UUID);
    expect('terraform_version' in one.task).toBe(false);
    expect('terraform_cloud_workspace' in one.task).toBe(false);
    const all = parse<{ tasks: { name: string }[] }>(await api('GET', '/v1/tasks'));
    expect(all.tasks.map((task) => task.name)).toEqual(['a', 'b']);
  });

  it('TestE2E_TaskEndpoints_Delete: 202, then 404; later changes do nothing', async () => {
    await create('t', {}, '?run=now');
    expectJson(await api('DELETE', '/v1/tasks/t'), 202, '{"request_id":"<id>"}');
    await settle();
    expectJson(await api('GET', '/v1/tasks/t'), 404, sendErrorBody(NOT_FOUND('t')));
    registerApi();
    await settle();
    expectJson(await api('GET', '/v1/status/tasks'), 200, '{}');
    expectJson(await api('GET', '/v1/tasks'), 200, EMPTY_LIST);
  });

  it('TestE2E_TaskEndpoints_Delete_ActiveTask: 202 while running, the task and its event stay until the run ends, then 404', async () => {
    await create('t', {}, '?run=now');
    fake.control.cts.script('t', { durationMs: 60_000 });
    registerApi();
    await fake.control.advance(0);
    expectJson(await api('DELETE', '/v1/tasks/t'), 202, '{"request_id":"<id>"}');
    await fake.control.advance(59_000);
    expect((await api('GET', '/v1/tasks/t')).status).toBe(200);
    expect(await eventCount('t')).toBe(1);
    await fake.control.advance(1_000);
    await settle();
    expectJson(await api('GET', '/v1/tasks/t'), 404, sendErrorBody(NOT_FOUND('t')));
    expectJson(await api('GET', '/v1/status/tasks/t'), 404, legacyErrorBody(NOT_FOUND('t')));
    // The run completed: the daemon applied it (no outcome left over).
    expect(fake.control.cts.pendingOutcomes()).toEqual({});
  });

  it('TestE2E_StatusEndpoints: all, single, 404, events, errored filter, overall', async () => {
    await create('ok');
    await create('bad');
    await create('off', { enabled: false });
    await runOnce('ok', [true, true, true]);
    await runOnce('bad', [true, false]);
    expect(Object.keys(parse<object>(await api('GET', '/v1/status/tasks')))).toEqual([
      'bad',
      'off',
      'ok',
    ]);
    expect(await eventCount('ok')).toBe(3);
    expect(await eventCount('bad')).toBe(2);
    expect(Object.keys(parse<object>(await api('GET', '/v1/status/tasks?status=errored')))).toEqual(
      ['bad'],
    );
    expectJson(await api('GET', '/v1/status/tasks/nope'), 404, legacyErrorBody(NOT_FOUND('nope')));
    expectJson(
      await api('GET', '/v1/status'),
      200,
      '{"task_summary":{"status":{"successful":1,"errored":1,"critical":0,"unknown":1},"enabled":{"true":2,"false":1}}}',
    );
  });

  it('TestE2E_TaskEndpoints_UpdateEnableDisable: inspect does not enable; run=now applies; disabled tasks ignore changes', async () => {
    await create('t', { enabled: false });
    registerApi();
    await settle();
    // Inspect: a plan with changes, the task stays disabled and applies nothing.
    const inspected = parse<{ inspect: { changes_present: boolean; plan: string } }>(
      await patch('t', { enabled: true }, '?run=inspect'),
    );
    expect(inspected.inspect.changes_present).toBe(true);
    expect(inspected.inspect.plan).toContain('Plan: 1 to add');
    expect(await statusOf('t')).toMatchObject({ enabled: false, status: 'unknown' });
    // run=now: enabled, applied once.
    expectJson(await patch('t', { enabled: true }, '?run=now'), 200, '{}');
    expect(await statusOf('t')).toMatchObject({ enabled: true, status: 'successful' });
    expect(await eventCount('t')).toBe(1);
    const afterApply = parse<{ inspect: { changes_present: boolean } }>(
      await patch('t', { enabled: true }, '?run=inspect'),
    );
    expect(afterApply.inspect.changes_present).toBe(false);
    // Disabled: later changes are not applied.
    expectJson(await patch('t', { enabled: false }), 200, '{}');
    registerApi();
    await settle();
    expect(await eventCount('t')).toBe(1);
    const pending = parse<{ inspect: { changes_present: boolean; plan: string } }>(
      await patch('t', { enabled: true }, '?run=inspect'),
    );
    expect(pending.inspect.changes_present).toBe(true);
  });
});

describe('e2e/e2e_test.go', () => {
  it('TestE2E_TriggerTaskWhenActive: a change during a run runs after it completes', async () => {
    await create('t');
    fake.control.cts.script('t', { durationMs: 60_000 });
    registerApi();
    await fake.control.advance(0);
    await fake.control.advance(10_000);
    registerApi();
    await fake.control.advance(49_999);
    expect(await eventCount('t')).toBe(0);
    await fake.control.advance(1);
    await settle();
    expect(await eventCount('t')).toBe(2);
  });

  it('TestE2E_TriggerTaskWhenActiveMultipleTimes: three changes during a run → exactly one extra event, later none', async () => {
    await create('t');
    fake.control.cts.script('t', { durationMs: 60_000 });
    registerApi();
    await fake.control.advance(0);
    for (let change = 0; change < 3; change++) {
      await fake.control.advance(5_000);
      registerApi();
    }
    await fake.control.advance(60_000);
    await settle();
    expect(await eventCount('t')).toBe(2);
    await fake.control.advance(10 * 60_000);
    await settle();
    expect(await eventCount('t')).toBe(2);
  });

  it('TestE2E_FilterStatus', async () => {
    await create('good');
    await create('failing');
    await runOnce('good', [true]);
    await runOnce('failing', [false]);
    const keys = async (status: string): Promise<string[]> =>
      Object.keys(parse<object>(await api('GET', `/v1/status/tasks?status=${status}`)));
    expect(await keys('successful')).toEqual(['good']);
    expect(await keys('errored')).toEqual(['failing']);
    expect(await keys('critical')).toEqual([]);
    expect(await keys('unknown')).toEqual([]);
  });

  it('TestE2E_NoTasks: the daemon answers with nothing', async () => {
    expectJson(await api('GET', '/v1/tasks'), 200, EMPTY_LIST);
    expectJson(await api('GET', '/v1/status/tasks'), 200, '{}');
    expectJson(await api('GET', '/v1/health'), 200, '{}');
  });

  it.skip('TestE2E_Restart: not observable — the fake keeps no state across processes', () => {});
  it.skip('TestE2E_InspectMode: a CLI mode (`-inspect`) that plans and exits, not an HTTP API', () => {});
  // TestE2E_OnceMode: test/testing/fake-server.test.ts seeds a config and checks one event per task.
});

describe('e2e/command_test.go and tasks_test.go', () => {
  it('enable / disable / re-enable: a re-enabled task runs once on the next change (buffered)', async () => {
    await create('t', { buffer_period: { enabled: true, min: '2s', max: '8s' } });
    registerApi();
    await fake.control.advance(2_000);
    await settle();
    expect(await eventCount('t')).toBe(1);
    expectJson(await patch('t', { enabled: false }), 200, '{}');
    registerApi();
    await fake.control.advance(10_000);
    await settle();
    expect(await eventCount('t')).toBe(1);
    // `task enable` = inspect, then run=now as the plan has changes.
    const plan = parse<{ inspect: { changes_present: boolean } }>(
      await patch('t', { enabled: true }, '?run=inspect'),
    );
    expect(plan.inspect.changes_present).toBe(true);
    expectJson(await patch('t', { enabled: true }, '?run=now'), 200, '{}');
    expect(await eventCount('t')).toBe(2);
    registerApi();
    await fake.control.advance(1_999);
    expect(await eventCount('t')).toBe(2);
    await fake.control.advance(1);
    await settle();
    expect(await eventCount('t')).toBe(3);
  });

  it('create, delete, create again: the new task triggers normally', async () => {
    await create('t', {}, '?run=now');
    expectJson(await api('DELETE', '/v1/tasks/t'), 202, '{"request_id":"<id>"}');
    await settle();
    await create('t');
    expect(await eventCount('t')).toBe(0);
    registerApi();
    await settle();
    expect(await eventCount('t')).toBe(1);
  });

  it('RecreateBadTask: a failed create leaves no residue; the same name can be created', async () => {
    fake.control.cts.script('t', { success: false, error: 'bad module' });
    expectJson(
      await api('POST', '/v1/tasks?run=now', json(taskBody('t'))),
      500,
      sendErrorBody("error tf-apply for 't': bad module"),
    );
    expectJson(await api('GET', '/v1/tasks'), 200, EMPTY_LIST);
    expectJson(await api('GET', '/v1/status/tasks'), 200, '{}');
    await create('t', {}, '?run=now');
    expect(await eventCount('t')).toBe(1);
  });

  it('TasksUpdate: several tasks triggered by register and deregister', async () => {
    await create('a');
    await create('b');
    await create('web', { condition: { services: { names: ['web'] } } });
    const id = registerApi();
    await settle();
    fake.control.cts.deregisterService(id);
    await settle();
    expect(await eventCount('a')).toBe(2);
    expect(await eventCount('b')).toBe(2);
    expect(await eventCount('web')).toBe(0);
  });
});

describe('e2e/condition_schedule_test.go', () => {
  const schedule = (name: string, extra: Record<string, unknown> = {}) => ({
    task: { name, module: 'm', condition: { schedule: { cron: '* * * * *' } }, ...extra },
  });

  it('each tick records a successful event even without changes', async () => {
    expect((await api('POST', '/v1/tasks', json(schedule('s')))).status).toBe(201);
    for (let tick = 1; tick <= 3; tick++) {
      await fake.control.advance(60_000);
      await settle();
      expect(await eventCount('s')).toBe(tick);
    }
    const status = await statusOf('s');
    expect(status.status).toBe('successful');
    expect(status.events?.map((event) => event.error)).toEqual([null, null, null]);
  });

  it('module_input data is fresh at each tick, and changes never trigger it', async () => {
    const created = await api(
      'POST',
      '/v1/tasks',
      json(schedule('s', { module_input: { services: { names: ['api'] } } })),
    );
    expect(created.status).toBe(201);
    registerApi();
    await settle();
    expect(await eventCount('s')).toBe(0);
    await fake.control.advance(60_000);
    await settle();
    expect(await eventCount('s')).toBe(1);
    const plan = parse<{ inspect: { changes_present: boolean } }>(
      await patch('s', { enabled: true }, '?run=inspect'),
    );
    expect(plan.inspect.changes_present).toBe(false);
  });

  it('deleting a scheduled task stops its ticks; a new one of that name starts afresh', async () => {
    expect((await api('POST', '/v1/tasks', json(schedule('s')))).status).toBe(201);
    await fake.control.advance(60_000);
    await settle();
    expectJson(await api('DELETE', '/v1/tasks/s'), 202, '{"request_id":"<id>"}');
    await settle();
    expect((await api('POST', '/v1/tasks', json(schedule('s')))).status).toBe(201);
    expect(await eventCount('s')).toBe(0);
    await fake.control.advance(60_000);
    await settle();
    // One tick of the new task; the old cron would have added another.
    expect(await eventCount('s')).toBe(1);
  });
});

describe('retries (controller/condition_monitor.go, retry/retry.go)', () => {
  it('a failing triggered run is retried twice, then one event with the retry chain', async () => {
    await create('t');
    fake.control.cts.script(
      't',
      { success: false, error: 'first' },
      { success: false, error: 'second' },
      { success: false, error: 'third' },
    );
    registerApi();
    // Waits of 1–1.5 s and 2–3 s: nothing is stored before 3 s.
    await fake.control.advance(2_999);
    expect(await eventCount('t')).toBe(0);
    await fake.control.advance(1_501);
    await settle();
    const status = await statusOf('t');
    expect(status.status).toBe('errored');
    expect(status.events?.map((event) => event.error)).toEqual([
      {
        message:
          "retry attempt #2 failed 'error tf-apply for 't': third': retry attempt #1 failed 'error tf-apply for 't': second'",
      },
    ]);
    expect(fake.control.cts.pendingOutcomes()).toEqual({});
  });

  it('a retry that succeeds stores one successful event', async () => {
    await create('t');
    fake.control.cts.script('t', { success: false, error: 'flaky' });
    registerApi();
    await settle();
    const status = await statusOf('t');
    expect(status.events?.map((event) => event.success)).toEqual([true]);
  });

  it('POST run=now is not retried: a scripted failure → 500 and no task', async () => {
    fake.control.cts.script('t', { success: false, error: 'once' }, { success: true });
    expectJson(
      await api('POST', '/v1/tasks?run=now', json(taskBody('t'))),
      500,
      sendErrorBody("error tf-apply for 't': once"),
    );
    expectJson(await api('GET', '/v1/tasks/t'), 404, sendErrorBody(NOT_FOUND('t')));
    expect(fake.control.cts.pendingOutcomes()).toEqual({ t: [{ success: true }] });
  });

  it('PATCH run=now is not retried: one failed event', async () => {
    await create('t');
    fake.control.cts.script('t', { success: false, error: 'once' });
    expectJson(
      await patch('t', { enabled: true }, '?run=now'),
      500,
      sendErrorBody("error tf-apply for 't': once"),
    );
    expect((await statusOf('t')).events?.map((event) => event.error)).toEqual([
      { message: "error tf-apply for 't': once" },
    ]);
  });
});

describe('PATCH semantics (research/cts.md §2.4)', () => {
  it('enabling an enabled task without run is a no-op', async () => {
    await create('t');
    expectJson(await patch('t', { enabled: true }), 200, '{}');
    await settle();
    expect(await eventCount('t')).toBe(0);
  });

  it('enabling with run=now applies directly; disabling with run=now applies nothing', async () => {
    await create('t');
    registerApi();
    await settle();
    expect(await eventCount('t')).toBe(1);
    expectJson(await patch('t', { enabled: true }, '?run=now'), 200, '{}');
    expect(await eventCount('t')).toBe(2);
    expectJson(await patch('t', { enabled: false }, '?run=now'), 200, '{}');
    expect(await statusOf('t')).toMatchObject({ enabled: false, status: 'successful' });
    expect(await eventCount('t')).toBe(3);
  });

  it('inspect never changes state or stores an event', async () => {
    await create('t', { enabled: false });
    registerApi();
    for (const enabled of [true, false]) {
      expect((await patch('t', { enabled }, '?run=inspect')).status).toBe(200);
    }
    await settle();
    expect(await statusOf('t')).toMatchObject({ enabled: false, status: 'unknown' });
    expect(await eventCount('t')).toBe(0);
    expect(
      parse<{ task: { enabled: boolean } }>(await api('GET', '/v1/tasks/t')).task.enabled,
    ).toBe(false);
  });

  it('a task created disabled and enabled later runs without buffering', async () => {
    await create('t', { enabled: false, buffer_period: { enabled: true, min: '10s', max: '40s' } });
    expectJson(await patch('t', { enabled: true }), 200, '{}');
    registerApi();
    await settle();
    expect(await eventCount('t')).toBe(1);
  });

  it('the body check comes before the task lookup', async () => {
    expectJson(
      await api('PATCH', '/v1/tasks/nope', { body: '{"enabled":true,"x":1}' }),
      400,
      legacyErrorBody("request body's JSON contains unsupported keys: x"),
    );
    expectValidatorError(
      await api('POST', '/v1/tasks', { body: '{"task":1}' }),
      'request body has an error: doesn\'t match schema #/components/schemas/TaskRequest: Error at "/task": value must be an object',
    );
  });
});

describe('status map keys (encoding/json sorts map keys by bytes)', () => {
  it('the listing is keyed by task name in byte order (upper case first, - before _)', async () => {
    for (const name of ['b', 'a_1', 'B', 'a-1', 'a']) await create(name);
    const result = await api('GET', '/v1/status/tasks');
    expect(result.status, result.text).toBe(200);
    const keys = [...result.text.matchAll(/"([^"]+)":\{"task_name"/g)].map((match) => match[1]);
    expect(keys).toEqual(['B', 'a', 'a-1', 'a_1', 'b']);
  });
});
