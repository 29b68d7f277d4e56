/**
 * The official client (`@gitpod/sdk` 0.6.0) drives the fake over a real
 * socket: every task and execution method, pagination, and the SDK's error
 * classes for each documented failure.
 */

import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
} from '@gitpod/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TOKEN, taskBody } from './harness.ts';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const UNKNOWN_ID = '6f1b1c1e-0000-4000-8000-000000000001';

async function create(reference: string, extra: Parameters<typeof taskBody>[2] = {}) {
  const { task } = await h.tasks.create(taskBody(h.environmentId, reference, extra));
  return task!;
}

describe('tasks', () => {
  it('creates a task with dependencies and returns the stored task', async () => {
    const deps = await create('deps');
    const { task } = await h.tasks.create({
      environmentId: h.environmentId,
      metadata: {
        reference: 'build',
        name: 'Build',
        description: 'Builds it',
        triggeredBy: [{ postEnvironmentStart: true }, { manual: true }],
        // Client-set creation data is overwritten by the server.
        createdAt: '1999-01-01T00:00:00Z',
      },
      spec: { command: 'make', runsOn: { docker: { image: 'node:20', environment: ['A=1'] } } },
      dependsOn: [deps.id],
    });
    expect(task?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(task).toEqual({
      id: task?.id,
      environmentId: h.environmentId,
      metadata: {
        reference: 'build',
        name: 'Build',
        description: 'Builds it',
        createdAt: '2026-01-01T00:00:00Z',
        creator: { id: expect.any(String), principal: 'PRINCIPAL_USER' },
        triggeredBy: [{ postEnvironmentStart: true }, { manual: true }],
      },
      spec: { command: 'make', runsOn: { docker: { image: 'node:20', environment: ['A=1'] } } },
      dependsOn: [deps.id],
    });
    const { task: read } = await h.tasks.retrieve({ id: task?.id });
    expect(read).toEqual(task);
  });

  it('keeps the fields newer than SDK 0.6.0', async () => {
    const body = {
      environmentId: h.environmentId,
      metadata: {
        reference: 'snap',
        name: 'Snap',
        triggeredBy: [{ prebuild: true }, { beforeSnapshot: true }, { postMachineStart: true }],
      },
      spec: {
        command: 'x',
        runsOn: { machine: {} },
        env: [
          { name: 'A', value: '' },
          { name: 'B', valueFrom: { secretRef: { id: UNKNOWN_ID } } },
        ],
        prebuildRequiresSuccess: true,
      },
    };
    const { task } = await h.tasks.create(body as never);
    expect(task?.metadata?.triggeredBy).toEqual(body.metadata.triggeredBy);
    // Oneof members are emitted even when zero-valued: value "" and machine {}.
    expect(task?.spec).toEqual(body.spec);
  });

  it('updates only the fields present', async () => {
    const dep = await create('dep');
    const task = await h.tasks
      .create({
        ...taskBody(h.environmentId, 'app', { dependsOn: [dep.id] }),
        metadata: {
          reference: 'app',
          name: 'App',
          description: 'keep me',
          triggeredBy: [{ manual: true }],
        },
      })
      .then((r) => r.task!);
    expect(await h.tasks.update({ id: task.id, spec: { command: 'new' } })).toEqual({});
    const after = (await h.tasks.retrieve({ id: task.id })).task!;
    expect(after).toEqual({ ...task, spec: { command: 'new' } });

    await h.tasks.update({
      id: task.id,
      metadata: { description: '', triggeredBy: { trigger: [{ postDevcontainerStart: true }] } },
    });
    const cleared = (await h.tasks.retrieve({ id: task.id })).task!;
    expect(cleared.metadata?.description).toBeUndefined();
    expect(cleared.metadata?.name).toBe('App');
    expect(cleared.metadata?.triggeredBy).toEqual([{ postDevcontainerStart: true }]);
    expect(cleared.dependsOn).toEqual([dep.id]);

    await h.tasks.update({ id: task.id, metadata: { triggeredBy: { trigger: [] } } });
    expect((await h.tasks.retrieve({ id: task.id })).task?.metadata?.triggeredBy).toBeUndefined();

    // null = not set.
    await h.tasks.update({ id: task.id, metadata: { name: null }, spec: { command: null } });
    expect((await h.tasks.retrieve({ id: task.id })).task?.metadata?.name).toBe('App');
  });

  it('deletes a task; it is gone and its reference free again', async () => {
    const task = await create('gone');
    expect(await h.tasks.delete({ id: task.id })).toEqual({});
    await expect(h.tasks.retrieve({ id: task.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(h.tasks.delete({ id: task.id })).rejects.toBeInstanceOf(NotFoundError);
    const ids: string[] = [];
    for await (const t of h.tasks.list({})) ids.push(t.id);
    expect(ids).not.toContain(task.id);
    const again = await create('gone');
    expect(again.id).not.toBe(task.id);
  });

  it('refuses a duplicate reference in one environment, not across environments', async () => {
    await create('dup');
    const error = await h.tasks.create(taskBody(h.environmentId, 'dup')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, error: { code: 'already_exists' } });
    const other = h.fake.control.createEnvironment().id;
    await expect(h.tasks.create(taskBody(other, 'dup'))).resolves.toBeTruthy();
    // Names are not unique.
    await expect(create('dup2', { name: 'Task dup' })).resolves.toBeTruthy();
  });
});

describe('ListTasks', () => {
  it('filters: AND across fields, OR within one', async () => {
    const other = h.fake.control.createEnvironment().id;
    const a = await create('a');
    const b = await create('b');
    const a2 = (await h.tasks.create(taskBody(other, 'a'))).task!;
    const ids = async (filter: object) => {
      const out: string[] = [];
      for await (const t of h.tasks.list({ filter })) out.push(t.id);
      return out;
    };
    expect(await ids({})).toEqual([a.id, b.id, a2.id]);
    expect(await ids({ environmentIds: [h.environmentId] })).toEqual([a.id, b.id]);
    expect(await ids({ references: ['a'] })).toEqual([a.id, a2.id]);
    expect(await ids({ references: ['a'], environmentIds: [other] })).toEqual([a2.id]);
    expect(await ids({ taskIds: [b.id, a2.id] })).toEqual([b.id, a2.id]);
    expect(await ids({ taskIds: [b.id], references: ['a'] })).toEqual([]);
  });

  it.each([
    ['query pageSize', { pageSize: 7 }],
    ['body pagination', { pagination: { pageSize: 7 } }],
    ['default page size', {}],
  ])('iterates many pages with %s: every task once, then ends', async (_label, params) => {
    const created: string[] = [];
    for (let i = 0; i < 60; i++) created.push((await create(`t${i}`)).id);
    const seen: string[] = [];
    for await (const t of h.tasks.list(params)) seen.push(t.id);
    expect(seen).toEqual(created);
    const first = await h.tasks.list(params);
    const { pageSize, pagination } = params as {
      pageSize?: number;
      pagination?: { pageSize: number };
    };
    const size = pageSize ?? pagination?.pageSize ?? 25;
    expect(first.tasks).toHaveLength(size);
    expect(first.hasNextPage()).toBe(true);
  });

  it('ends with no nextToken on the last page', async () => {
    await create('only');
    const page = await h.tasks.list({});
    expect(page.tasks).toHaveLength(1);
    expect(page.pagination.nextToken).toBeUndefined();
    expect(page.hasNextPage()).toBe(false);
  });
});

describe('executions', () => {
  it('plans dependencies in levels and runs them to SUCCEEDED', async () => {
    const c = await create('c');
    const b = await create('b', { dependsOn: [c.id] });
    const d = await create('d');
    const a = await create('a', { dependsOn: [b.id, d.id] });
    h.fake.control.script('a', { kind: 'succeed', durationMs: 1_000, output: { port: '3000' } });
    const { taskExecution: started } = await h.tasks.start({ id: a.id });
    expect(started?.status?.phase).toBe('TASK_EXECUTION_PHASE_PENDING');
    expect(started?.spec?.desiredPhase).toBe('TASK_EXECUTION_PHASE_RUNNING');
    expect(started?.metadata).toMatchObject({ taskId: a.id, environmentId: h.environmentId });
    const plan = started?.spec?.plan?.map((g) => g.steps?.map((s) => s.task?.id));
    expect(plan).toEqual([[c.id, d.id], [b.id], [a.id]]);
    expect(started?.spec?.plan?.[2]?.steps?.[0]?.task?.spec).toEqual(a.spec);

    await h.clock.advance(0);
    const running = (await h.executions.retrieve({ id: started?.id })).taskExecution!;
    expect(running.status?.phase).toBe('TASK_EXECUTION_PHASE_RUNNING');
    expect(running.metadata?.startedAt).toBeDefined();
    expect(running.status?.logUrl).toBeTruthy();
    expect(Number(running.status?.statusVersion)).toBeGreaterThan(
      Number(started?.status?.statusVersion),
    );

    await h.clock.advance(1_000);
    await h.clock.runUntilIdle();
    const done = (await h.executions.retrieve({ id: started?.id })).taskExecution!;
    expect(done.status?.phase).toBe('TASK_EXECUTION_PHASE_SUCCEEDED');
    expect(done.metadata?.completedAt).toBe('2026-01-01T00:00:01Z');
    expect(done.status?.steps).toHaveLength(4);
    const last = done.status?.steps?.find((s) => s.id === started?.spec?.plan?.[2]?.steps?.[0]?.id);
    expect(last?.output).toEqual({ port: '3000' });
  });

  it('ends FAILED with the step failure; later groups never start', async () => {
    const dep = await create('dep');
    const main = await create('main', { dependsOn: [dep.id] });
    h.fake.control.script(dep.id, { kind: 'fail', message: 'exit status 2' });
    const { taskExecution } = await h.tasks.start({ id: main.id });
    await h.clock.runUntilIdle();
    const done = (await h.executions.retrieve({ id: taskExecution?.id })).taskExecution!;
    expect(done.status?.phase).toBe('TASK_EXECUTION_PHASE_FAILED');
    expect(done.status?.steps).toEqual([
      {
        id: taskExecution?.spec?.plan?.[0]?.steps?.[0]?.id,
        phase: 'TASK_EXECUTION_PHASE_FAILED',
        failureMessage: 'exit status 2',
      },
    ]);
    expect(h.fake.control.stepRuns().map((r) => r.reference)).toEqual(['dep']);
  });

  it('stops a hanging execution: desired phase, then STOPPED; stopping again is a no-op', async () => {
    const task = await create('server');
    h.fake.control.script('server', { kind: 'hang' });
    const { taskExecution } = await h.tasks.start({ id: task.id });
    await h.clock.advance(5_000);
    expect(
      (await h.executions.retrieve({ id: taskExecution?.id })).taskExecution?.status?.phase,
    ).toBe('TASK_EXECUTION_PHASE_RUNNING');
    expect(await h.executions.stop({ id: taskExecution?.id })).toEqual({});
    await h.clock.runUntilIdle();
    const stopped = (await h.executions.retrieve({ id: taskExecution?.id })).taskExecution!;
    expect(stopped.spec?.desiredPhase).toBe('TASK_EXECUTION_PHASE_STOPPED');
    expect(stopped.status?.phase).toBe('TASK_EXECUTION_PHASE_STOPPED');
    expect(stopped.metadata?.completedAt).toBe('2026-01-01T00:00:05Z');
    expect(await h.executions.stop({ id: taskExecution?.id })).toEqual({});
    const again = (await h.executions.retrieve({ id: taskExecution?.id })).taskExecution!;
    expect(again.status).toEqual(stopped.status);
  });

  it('stopping a SUCCEEDED execution keeps its phase', async () => {
    const task = await create('quick');
    const { taskExecution } = await h.tasks.start({ id: task.id });
    await h.clock.runUntilIdle();
    await h.executions.stop({ id: taskExecution?.id });
    const read = (await h.executions.retrieve({ id: taskExecution?.id })).taskExecution!;
    expect(read.status?.phase).toBe('TASK_EXECUTION_PHASE_SUCCEEDED');
  });

  it('runs two executions of one task side by side', async () => {
    const task = await create('twice');
    h.fake.control.script('twice', { kind: 'hang' }, { kind: 'hang' });
    const one = (await h.tasks.start({ id: task.id })).taskExecution!;
    const two = (await h.tasks.start({ id: task.id })).taskExecution!;
    expect(one.id).not.toBe(two.id);
    await h.clock.advance(0);
    const running = [];
    for await (const e of h.executions.list({
      filter: { phases: ['TASK_EXECUTION_PHASE_RUNNING'] },
    }))
      running.push(e.id);
    expect(running).toEqual([one.id, two.id]);
    await h.executions.stop({ id: one.id });
    await h.executions.stop({ id: two.id });
    await h.clock.runUntilIdle();
  });

  it('lists executions with each filter and across pages', async () => {
    const other = h.fake.control.createEnvironment().id;
    const a = await create('a');
    const b = (await h.tasks.create(taskBody(other, 'b'))).task!;
    h.fake.control.script('b', { kind: 'fail' });
    const started: string[] = [];
    for (let i = 0; i < 12; i++)
      started.push((await h.tasks.start({ id: i % 3 === 0 ? b.id : a.id })).taskExecution!.id);
    await h.clock.runUntilIdle();
    const ids = async (filter: object, pageSize?: number) => {
      const out: string[] = [];
      for await (const e of h.executions.list({ filter, ...(pageSize ? { pageSize } : {}) }))
        out.push(e.id);
      return out;
    };
    expect(await ids({}, 5)).toEqual(started);
    const ofB = started.filter((_, i) => i % 3 === 0);
    const ofA = started.filter((_, i) => i % 3 !== 0);
    expect(await ids({ taskIds: [b.id] })).toEqual(ofB);
    expect(await ids({ taskReferences: ['a'] }, 2)).toEqual(ofA);
    expect(await ids({ environmentIds: [other] })).toEqual(ofB);
    expect(await ids({ phases: ['TASK_EXECUTION_PHASE_FAILED'] })).toEqual([ofB[0]]);
    // Only b's first run was scripted to fail.
    expect(await ids({ phases: ['TASK_EXECUTION_PHASE_SUCCEEDED'], taskIds: [b.id] })).toEqual(
      ofB.slice(1),
    );
    expect(await ids({ phases: ['TASK_EXECUTION_PHASE_STOPPED'] })).toEqual([]);
  });

  it('keeps the plan of a started execution when the task changes', async () => {
    const task = await create('frozen', { command: 'v1' });
    const { taskExecution } = await h.tasks.start({ id: task.id });
    await h.tasks.update({ id: task.id, spec: { command: 'v2' } });
    const read = (await h.executions.retrieve({ id: taskExecution?.id })).taskExecution!;
    expect(read.spec?.plan?.[0]?.steps?.[0]?.task?.spec?.command).toBe('v1');
    await h.clock.runUntilIdle();
  });
});

describe('SDK error classes', () => {
  it.each<[string, () => Promise<unknown>, unknown, number, string]>([
    [
      'GetTask with an empty id',
      () => h.tasks.retrieve({}),
      BadRequestError,
      400,
      'invalid_argument',
    ],
    [
      'GetTask with a non-UUID id',
      () => h.tasks.retrieve({ id: 'nope' }),
      BadRequestError,
      400,
      'invalid_argument',
    ],
    [
      'GetTask of an unknown task',
      () => h.tasks.retrieve({ id: UNKNOWN_ID }),
      NotFoundError,
      404,
      'not_found',
    ],
    [
      'UpdateTask of an unknown task',
      () => h.tasks.update({ id: UNKNOWN_ID }),
      NotFoundError,
      404,
      'not_found',
    ],
    [
      'DeleteTask of an unknown task',
      () => h.tasks.delete({ id: UNKNOWN_ID }),
      NotFoundError,
      404,
      'not_found',
    ],
    [
      'StartTask of an unknown task',
      () => h.tasks.start({ id: UNKNOWN_ID }),
      NotFoundError,
      404,
      'not_found',
    ],
    [
      'GetTaskExecution of an unknown execution',
      () => h.executions.retrieve({ id: UNKNOWN_ID }),
      NotFoundError,
      404,
      'not_found',
    ],
    [
      'StopTaskExecution of an unknown execution',
      () => h.executions.stop({ id: UNKNOWN_ID }),
      NotFoundError,
      404,
      'not_found',
    ],
    [
      'CreateTask with a bad reference',
      () => h.tasks.create(taskBody(h.environmentId, 'has space')),
      BadRequestError,
      400,
      'invalid_argument',
    ],
    [
      'CreateTask with an empty name',
      () =>
        h.tasks.create({
          ...taskBody(h.environmentId, 'x'),
          metadata: { reference: 'x', name: '' },
        }),
      BadRequestError,
      400,
      'invalid_argument',
    ],
    [
      'CreateTask without metadata',
      () => h.tasks.create({ environmentId: h.environmentId }),
      BadRequestError,
      400,
      'invalid_argument',
    ],
    [
      'CreateTask with a non-UUID dependency',
      () => h.tasks.create(taskBody(h.environmentId, 'x', { dependsOn: ['b'] })),
      BadRequestError,
      400,
      'invalid_argument',
    ],
    [
      'CreateTask in an unknown environment',
      () => h.tasks.create(taskBody(UNKNOWN_ID, 'x')),
      NotFoundError,
      404,
      'not_found',
    ],
    [
      'CreateTask with two triggers in one object',
      () =>
        h.tasks.create({
          ...taskBody(h.environmentId, 'x'),
          metadata: {
            reference: 'x',
            name: 'x',
            triggeredBy: [{ manual: true, postEnvironmentStart: true }],
          },
        }),
      BadRequestError,
      400,
      'invalid_argument',
    ],
    [
      'UpdateTask with triggers as an array',
      () =>
        h.tasks.update({ id: UNKNOWN_ID, metadata: { triggeredBy: [{ manual: true }] as never } }),
      BadRequestError,
      400,
      'invalid_argument',
    ],
    [
      'ListTasks with pageSize 101',
      () => h.tasks.list({ pageSize: 101 }),
      BadRequestError,
      400,
      'invalid_argument',
    ],
    [
      'ListTasks with 26 references',
      () => h.tasks.list({ filter: { references: Array.from({ length: 26 }, (_, i) => `r${i}`) } }),
      BadRequestError,
      400,
      'invalid_argument',
    ],
    [
      'ListTasks with a forged token',
      () => h.tasks.list({ token: 'garbage' }),
      BadRequestError,
      400,
      'invalid_argument',
    ],
    [
      'ListTaskExecutions with a bad task id',
      () => h.executions.list({ filter: { taskIds: ['x'] } }),
      BadRequestError,
      400,
      'invalid_argument',
    ],
  ])('%s', async (_label, call, errorClass, status, code) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass as never);
    expect(error).toMatchObject({ status, error: { code } });
  });

  it('reports validation in protovalidate wording', async () => {
    const error = (await h.tasks.retrieve({}).catch((e: unknown) => e)) as BadRequestError;
    expect(error.message).toBe(
      '400 validation error: id: value is empty, which is not a valid UUID',
    );
  });

  it('StartTask with a dangling dependency is failed_precondition', async () => {
    const dep = await create('dep');
    const main = await create('main', { dependsOn: [dep.id] });
    await h.tasks.delete({ id: dep.id });
    const error = await h.tasks.start({ id: main.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, error: { code: 'failed_precondition' } });
  });
});

describe('auth', () => {
  it('strict mode refuses unknown tokens with AuthenticationError', async () => {
    await h.close();
    h = await startHarness({
      auth: {
        mode: 'strict',
        tokens: { [TOKEN]: { id: UNKNOWN_ID, principal: 'PRINCIPAL_SERVICE_ACCOUNT' } },
      },
    });
    const error = await h
      .clientWith('wrong')
      .environments.automations.tasks.list({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, error: { code: 'unauthenticated' } });
    const { task } = await h.tasks.create(taskBody(h.environmentId, 'mine'));
    expect(task?.metadata?.creator).toEqual({
      id: UNKNOWN_ID,
      principal: 'PRINCIPAL_SERVICE_ACCOUNT',
    });
  });

  it('unknown environments can answer permission_denied (policy B13)', async () => {
    await h.close();
    h = await startHarness({ policies: { unknownEnvironment: 'permission_denied' } });
    await expect(h.tasks.create(taskBody(UNKNOWN_ID, 'x'))).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
  });
});
