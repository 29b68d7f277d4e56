/**
 * The Ona contract: the assertable facts of research/ona-automation-tasks.md
 * §8 (transport, errors, JSON form, validation, semantics), checked through a
 * real socket with raw `fetch` and with `@gitpod/sdk` 0.6.0. Any server that
 * claims to be the Ona task API can be the subject.
 */

import Gitpod, { BadRequestError, ConflictError, NotFoundError } from '@gitpod/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** What the contract needs of a server. */
export interface OnaContractSubject {
  /** The SDK's `baseURL`: the server's URL and mount prefix, no trailing slash. */
  readonly baseUrl: string;
  /** A bearer token the server accepts. */
  readonly token: string;
  /** An environment CreateTask accepts. */
  newEnvironment(): Promise<string>;
  /** Makes the next step run of the task hang until stopped; without it the stop tests are skipped. */
  hangNext?(taskId: string): void;
  /** Waits until no execution runs (a virtual clock lets its time pass). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link runOnaContract}. */
export interface OnaContractOptions {
  readonly name: string;
  readonly createSubject: () => Promise<OnaContractSubject>;
}

const SERVICE = 'gitpod.v1.EnvironmentAutomationService';
const UNKNOWN_ID = '0d5e8f7a-1111-4222-8333-944455556666';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6}|\.\d{9})?Z$/;
const PHASES = [
  'TASK_EXECUTION_PHASE_PENDING',
  'TASK_EXECUTION_PHASE_RUNNING',
  'TASK_EXECUTION_PHASE_SUCCEEDED',
  'TASK_EXECUTION_PHASE_FAILED',
  'TASK_EXECUTION_PHASE_STOPPED',
];
const TRIGGER_KEYS = [
  'manual',
  'postMachineStart',
  'postEnvironmentStart',
  'postDevcontainerStart',
  'prebuild',
  'beforeSnapshot',
];

interface RpcResult {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

type Json = Record<string, unknown>;

function allKeys(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) allKeys(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      // output maps hold user keys
      if (key !== 'output') allKeys(item, out);
    }
  }
  return out;
}

/** Registers the Ona contract suite. */
export function runOnaContract(options: OnaContractOptions): void {
  describe(`Ona contract: ${options.name}`, () => {
    let subject: OnaContractSubject;
    let env: string;
    let client: Gitpod;

    beforeEach(async () => {
      subject = await options.createSubject();
      env = await subject.newEnvironment();
      client = new Gitpod({ baseURL: subject.baseUrl, bearerToken: subject.token, maxRetries: 0 });
    });
    afterEach(async () => {
      await subject.close();
    });

    const rpc = async (
      method: string,
      body: unknown,
      init: { query?: string; headers?: Record<string, string>; httpMethod?: string } = {},
    ): Promise<RpcResult> => {
      const response = await fetch(`${subject.baseUrl}/${SERVICE}/${method}${init.query ?? ''}`, {
        method: init.httpMethod ?? 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${subject.token}`,
          ...init.headers,
        },
        body:
          init.httpMethod === 'GET'
            ? undefined
            : typeof body === 'string'
              ? body
              : JSON.stringify(body),
      });
      const text = await response.text();
      let json: Json = {};
      try {
        json = JSON.parse(text) as Json;
      } catch {}
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        text,
        json,
      };
    };
    const tasks = () => client.environments.automations.tasks;
    const create = async (reference: string, extra: Json = {}) => {
      const result = await rpc('CreateTask', {
        environmentId: env,
        metadata: { reference, name: `Task ${reference}` },
        spec: { command: `echo ${reference}` },
        ...extra,
      });
      expect(result.status, result.text).toBe(200);
      return (result.json as { task: Json & { id: string } }).task;
    };

    describe('transport and encoding (§8 1–14)', () => {
      it('serves every method as POST under the prefix; a trailing slash on baseURL works', async () => {
        const slashed = new Gitpod({
          baseURL: `${subject.baseUrl}/`,
          bearerToken: subject.token,
          maxRetries: 0,
        });
        const { task } = await slashed.environments.automations.tasks.create({
          environmentId: env,
          metadata: { reference: 'slash', name: 'Slash' },
        });
        expect(task?.id).toMatch(UUID);
      });

      it('answers empty messages with 200 and the literal {} as JSON (UpdateTask, DeleteTask, StopTaskExecution)', async () => {
        const task = await create('empty');
        const start = await rpc('StartTask', { id: task.id });
        const executionId = (start.json.taskExecution as Json).id;
        for (const [method, body] of [
          ['UpdateTask', { id: task.id, spec: { command: 'x' } }],
          ['StopTaskExecution', { id: executionId }],
          ['DeleteTask', { id: task.id }],
        ] as const) {
          const result = await rpc(method, body);
          expect([result.status, result.text]).toEqual([200, '{}']);
          expect(result.contentType).toMatch(/^application\/json/);
        }
        await subject.settle();
      });

      it('honours the query token ahead of the body, and pageSize from the query', async () => {
        for (let i = 0; i < 5; i++) await create(`q${i}`);
        const first = await rpc('ListTasks', { pagination: { pageSize: 2 } });
        const token = (first.json.pagination as Json).nextToken as string;
        expect(token).toBeTruthy();
        const second = await rpc(
          'ListTasks',
          { pagination: { pageSize: 2 } },
          {
            query: `?token=${encodeURIComponent(token)}`,
          },
        );
        const names = (r: RpcResult) =>
          ((r.json.tasks as Json[]) ?? []).map((t) => (t.metadata as Json).reference);
        expect(names(first)).toEqual(['q0', 'q1']);
        expect(names(second)).toEqual(['q2', 'q3']);
        const sized = await rpc('ListTasks', {}, { query: '?pageSize=3' });
        expect(names(sized)).toEqual(['q0', 'q1', 'q2']);
      });

      it('never sends an empty page with a nextToken; the last page has none', async () => {
        for (let i = 0; i < 4; i++) await create(`p${i}`);
        const page = await rpc('ListTasks', { pagination: { pageSize: 4 } });
        expect((page.json.tasks as Json[]).length).toBe(4);
        expect(page.json.pagination).toEqual({});
        const none = await rpc('ListTasks', { filter: { references: ['zzz'] } });
        expect(none.json).toEqual({ pagination: {} });
      });
    });

    describe('errors (§8 15–21)', () => {
      it.each<[string, string, unknown, number, string]>([
        ['invalid_argument', 'GetTask', { id: 'x' }, 400, 'invalid_argument'],
        ['not_found', 'GetTask', { id: UNKNOWN_ID }, 404, 'not_found'],
        ['malformed JSON', 'GetTask', '{"id":', 400, 'invalid_argument'],
        ['wrong JSON type', 'GetTask', { id: 5 }, 400, 'invalid_argument'],
        ['an array body', 'GetTask', [], 400, 'invalid_argument'],
        ['an empty body', 'GetTask', '', 400, 'invalid_argument'],
      ])(
        '%s: Connect JSON error with the mapped status',
        async (_label, method, body, status, code) => {
          const result = await rpc(method, body);
          expect(result.status).toBe(status);
          expect(result.contentType).toMatch(/^application\/json/);
          expect(result.json.code).toBe(code);
          expect(typeof result.json.message).toBe('string');
        },
      );

      it('a missing bearer token is unauthenticated (401)', async () => {
        const response = await fetch(`${subject.baseUrl}/${SERVICE}/ListTasks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        expect(response.status).toBe(401);
        expect(((await response.json()) as Json).code).toBe('unauthenticated');
      });

      it('a duplicate reference is already_exists (409) → ConflictError', async () => {
        await create('twice');
        const error = await tasks()
          .create({ environmentId: env, metadata: { reference: 'twice', name: 'x' } })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConflictError);
        expect(error).toMatchObject({ status: 409, error: { code: 'already_exists' } });
      });

      it('err.message is "<status> <message>"', async () => {
        const error = (await tasks()
          .retrieve({ id: UNKNOWN_ID })
          .catch((e: unknown) => e)) as NotFoundError;
        expect(error).toBeInstanceOf(NotFoundError);
        expect(error.message).toBe(`404 ${(error.error as Json).message}`);
      });

      it('unknown methods are 404, other HTTP methods 405 with Allow', async () => {
        const unknown = await rpc('CreateWidget', {});
        expect(unknown.status).toBe(404);
        const get = await rpc('CreateTask', undefined, { httpMethod: 'GET' });
        expect(get.status).toBe(405);
        const put = await rpc('DeleteTask', {}, { httpMethod: 'PUT' });
        expect(put.status).toBe(405);
      });
    });

    describe('JSON form (§8 22–36)', () => {
      it('shapes, camelCase keys, zero values omitted, timestamps, enums, oneofs', async () => {
        const dep = await create('dep', {
          metadata: { reference: 'dep', name: 'Dep', triggeredBy: [{ manual: false }] },
          spec: { command: '', runsOn: { machine: {} } },
        });
        expect(dep).not.toHaveProperty('dependsOn');
        expect(dep.metadata).not.toHaveProperty('description');
        expect(dep.spec).toEqual({ runsOn: { machine: {} } });
        expect((dep.metadata as Json).triggeredBy).toEqual([{ manual: false }]);
        const task = await create('main', {
          metadata: {
            reference: 'main',
            name: 'Main',
            triggeredBy: [{ postEnvironmentStart: true }, { prebuild: true }],
          },
          dependsOn: [dep.id],
        });
        expect(task.id).toMatch(UUID);
        expect((task.metadata as Json).createdAt).toMatch(TIMESTAMP);
        for (const trigger of (task.metadata as Json).triggeredBy as Json[]) {
          expect(Object.keys(trigger)).toHaveLength(1);
          expect(TRIGGER_KEYS).toContain(Object.keys(trigger)[0]);
        }
        const started = await rpc('StartTask', { id: task.id });
        const execution = started.json.taskExecution as Json;
        expect(execution.id).toMatch(UUID);
        await subject.settle();
        const read = (await rpc('GetTaskExecution', { id: execution.id })).json
          .taskExecution as Json;
        const status = read.status as Json;
        expect(status.statusVersion).toMatch(/^\d+$/);
        expect(PHASES).toContain(status.phase);
        for (const key of ['createdAt', 'startedAt', 'completedAt'])
          expect((read.metadata as Json)[key]).toMatch(TIMESTAMP);
        const steps = ((read.spec as Json).plan as Json[]).flatMap((g) => g.steps as Json[]);
        for (const step of steps) {
          expect(Object.hasOwn(step, 'task') !== Object.hasOwn(step, 'serviceId')).toBe(true);
          expect(Object.keys(step.task as Json).sort()).toEqual(['id', 'spec']);
        }
        const keys = allKeys([task, read]);
        expect(keys.filter((key) => key.includes('_'))).toEqual([]);
        expect(JSON.stringify(read)).not.toContain('UNSPECIFIED');
        const list = await rpc('ListTaskExecutions', {});
        expect(Object.keys(list.json).sort()).toEqual(['pagination', 'taskExecutions']);
      });

      it('accepts snake_case, ignores unknown fields, treats null as absent', async () => {
        const result = await rpc('CreateTask', {
          environment_id: env,
          metadata: { reference: 'snake', name: 'Snake', description: null, colour: 'blue' },
          spec: { command: 'x', runs_on: { docker: { image: 'alpine' } } },
          surprise: { nested: true },
        });
        expect(result.status, result.text).toBe(200);
        const task = result.json.task as Json;
        expect(task.spec).toEqual({ command: 'x', runsOn: { docker: { image: 'alpine' } } });
        expect(task.metadata).not.toHaveProperty('colour');
      });

      it.each([
        ['two triggers in one object', { triggeredBy: [{ manual: true, prebuild: true }] }, {}],
        ['docker and machine together', {}, { runsOn: { docker: { image: 'a' }, machine: {} } }],
      ])('rejects %s with invalid_argument', async (_label, metadata, spec) => {
        const result = await rpc('CreateTask', {
          environmentId: env,
          metadata: { reference: 'x', name: 'x', ...metadata },
          spec,
        });
        expect([result.status, result.json.code]).toEqual([400, 'invalid_argument']);
      });
    });

    describe('validation (§8 37–45)', () => {
      const ref128 = 'a'.repeat(128);
      it.each<[string, string, (env: string) => unknown, number]>([
        ['GetTask empty id', 'GetTask', () => ({}), 400],
        ['DeleteTask bad id', 'DeleteTask', () => ({ id: 'nope' }), 400],
        ['StartTask bad id', 'StartTask', () => ({ id: '1234' }), 400],
        ['UpdateTask empty id', 'UpdateTask', () => ({ id: '' }), 400],
        ['GetTaskExecution bad id', 'GetTaskExecution', () => ({ id: 'x' }), 400],
        ['StopTaskExecution empty id', 'StopTaskExecution', () => ({}), 400],
        [
          'CreateTask empty environmentId',
          'CreateTask',
          () => ({ metadata: { reference: 'a', name: 'a' } }),
          400,
        ],
        [
          'CreateTask non-UUID environmentId',
          'CreateTask',
          () => ({ environmentId: 'env', metadata: { reference: 'a', name: 'a' } }),
          400,
        ],
        [
          'CreateTask empty reference',
          'CreateTask',
          (e) => ({ environmentId: e, metadata: { reference: '', name: 'a' } }),
          400,
        ],
        [
          'CreateTask 129-char reference',
          'CreateTask',
          (e) => ({ environmentId: e, metadata: { reference: `${ref128}a`, name: 'a' } }),
          400,
        ],
        [
          'CreateTask reference with a dot',
          'CreateTask',
          (e) => ({ environmentId: e, metadata: { reference: 'a.b', name: 'a' } }),
          400,
        ],
        [
          'CreateTask 128-char reference',
          'CreateTask',
          (e) => ({ environmentId: e, metadata: { reference: ref128, name: 'a' } }),
          200,
        ],
        [
          'CreateTask empty name',
          'CreateTask',
          (e) => ({ environmentId: e, metadata: { reference: 'a', name: '' } }),
          400,
        ],
        [
          'CreateTask non-UUID dependsOn',
          'CreateTask',
          (e) => ({ environmentId: e, metadata: { reference: 'a', name: 'a' }, dependsOn: ['b'] }),
          400,
        ],
        [
          'CreateTask empty docker image',
          'CreateTask',
          (e) => ({
            environmentId: e,
            metadata: { reference: 'a', name: 'a' },
            spec: { runsOn: { docker: { image: '' } } },
          }),
          400,
        ],
        [
          'CreateTask empty env name',
          'CreateTask',
          (e) => ({
            environmentId: e,
            metadata: { reference: 'a', name: 'a' },
            spec: { env: [{ name: '', value: 'v' }] },
          }),
          400,
        ],
        [
          'ListTasks 26 environmentIds',
          'ListTasks',
          () => ({ filter: { environmentIds: Array(26).fill(UNKNOWN_ID) } }),
          400,
        ],
        [
          'ListTasks 25 environmentIds',
          'ListTasks',
          () => ({ filter: { environmentIds: Array(25).fill(UNKNOWN_ID) } }),
          200,
        ],
        [
          'ListTaskExecutions 26 phases',
          'ListTaskExecutions',
          () => ({ filter: { phases: Array(26).fill('TASK_EXECUTION_PHASE_RUNNING') } }),
          400,
        ],
        ['ListTasks pageSize 101', 'ListTasks', () => ({ pagination: { pageSize: 101 } }), 400],
        ['ListTasks pageSize -1', 'ListTasks', () => ({ pagination: { pageSize: -1 } }), 400],
        ['ListTasks pageSize 100', 'ListTasks', () => ({ pagination: { pageSize: 100 } }), 200],
      ])('%s → %i', async (_label, method, body, status) => {
        const result = await rpc(method, body(env));
        expect(result.status, result.text).toBe(status);
        if (status === 400) expect(result.json.code).toBe('invalid_argument');
      });

      it('page size 0 or absent means 25', async () => {
        for (let i = 0; i < 27; i++) await create(`n${i}`);
        for (const body of [{}, { pagination: { pageSize: 0 } }]) {
          const page = await rpc('ListTasks', body);
          expect((page.json.tasks as Json[]).length).toBe(25);
        }
      });

      it('UpdateTask: name "" is refused, description "" clears', async () => {
        const task = await create('u', {
          metadata: { reference: 'u', name: 'U', description: 'd' },
        });
        expect((await rpc('UpdateTask', { id: task.id, metadata: { name: '' } })).status).toBe(400);
        expect(
          (await rpc('UpdateTask', { id: task.id, metadata: { description: '' } })).status,
        ).toBe(200);
        const read = (await rpc('GetTask', { id: task.id })).json.task as Json;
        expect(read.metadata).not.toHaveProperty('description');
        expect((read.metadata as Json).name).toBe('U');
      });
    });

    describe('semantics (§8 46–71)', () => {
      it('update replaces triggers through the wrapper and cannot change the reference', async () => {
        const task = await create('trig', {
          metadata: { reference: 'trig', name: 'T', triggeredBy: [{ prebuild: true }] },
        });
        await rpc('UpdateTask', {
          id: task.id,
          metadata: { reference: 'other', triggeredBy: { trigger: [{ manual: true }] } },
        });
        let read = (await rpc('GetTask', { id: task.id })).json.task as Json;
        expect((read.metadata as Json).triggeredBy).toEqual([{ manual: true }]);
        expect((read.metadata as Json).reference).toBe('trig');
        await rpc('UpdateTask', { id: task.id, metadata: { triggeredBy: { trigger: [] } } });
        read = (await rpc('GetTask', { id: task.id })).json.task as Json;
        expect(read.metadata).not.toHaveProperty('triggeredBy');
        const arrayForm = await rpc('UpdateTask', {
          id: task.id,
          metadata: { triggeredBy: [{ manual: true }] },
        });
        expect(arrayForm.status).toBe(400);
      });

      it('A→B→C plans [[C],[B],[A]]; each step copies its task spec', async () => {
        const c = await create('c');
        const b = await create('b', { dependsOn: [c.id] });
        const a = await create('a', { dependsOn: [b.id] });
        const one = (await tasks().start({ id: a.id })).taskExecution!;
        const two = (await tasks().start({ id: a.id })).taskExecution!;
        expect(one.id).not.toBe(two.id);
        expect(one.metadata).toMatchObject({ taskId: a.id, environmentId: env });
        const plan = one.spec?.plan?.map((g) => g.steps?.map((s) => s.task?.id));
        expect(plan).toEqual([[c.id], [b.id], [a.id]]);
        expect(one.spec?.plan?.[0]?.steps?.[0]?.task?.spec).toEqual(c.spec);
        await subject.settle();
      });

      it('phases move forward, statusVersion grows, completedAt ≥ startedAt ≥ createdAt', async () => {
        const task = await create('life');
        const started = (await tasks().start({ id: task.id })).taskExecution!;
        await subject.settle();
        const done = (await tasks().executions.retrieve({ id: started.id })).taskExecution!;
        expect(started.status?.phase).toBe('TASK_EXECUTION_PHASE_PENDING');
        expect(done.status?.phase).toBe('TASK_EXECUTION_PHASE_SUCCEEDED');
        expect(BigInt(done.status?.statusVersion ?? '0')).toBeGreaterThan(
          BigInt(started.status?.statusVersion ?? '0'),
        );
        const planIds = done.spec?.plan?.flatMap((g) => g.steps?.map((s) => s.id));
        for (const step of done.status?.steps ?? []) expect(planIds).toContain(step.id);
        const { createdAt, startedAt, completedAt } = done.metadata ?? {};
        expect(Date.parse(startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(createdAt ?? ''));
        expect(Date.parse(completedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(startedAt ?? ''));
        await tasks().executions.stop({ id: started.id });
        const after = (await tasks().executions.retrieve({ id: started.id })).taskExecution!;
        expect(after.status?.phase).toBe('TASK_EXECUTION_PHASE_SUCCEEDED');
      });

      it('StopTaskExecution sets desiredPhase STOPPED and the phase follows', async (context) => {
        if (subject.hangNext === undefined) {
          context.skip('the subject cannot keep an execution running');
          return;
        }
        const task = await create('long');
        subject.hangNext(task.id);
        const started = (await tasks().start({ id: task.id })).taskExecution!;
        expect(await tasks().executions.stop({ id: started.id })).toEqual({});
        const read = (await tasks().executions.retrieve({ id: started.id })).taskExecution!;
        expect(read.spec?.desiredPhase).toBe('TASK_EXECUTION_PHASE_STOPPED');
        await subject.settle();
        const done = (await tasks().executions.retrieve({ id: started.id })).taskExecution!;
        expect(done.status?.phase).toBe('TASK_EXECUTION_PHASE_STOPPED');
      });

      it('every task exactly once across pages, stable order; filters re-applied per page', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 23; i++) ids.push((await create(`m${i}`)).id);
        const seen: string[] = [];
        for await (const t of tasks().list({ pageSize: 4, filter: { environmentIds: [env] } }))
          seen.push(t.id);
        expect(seen).toEqual(ids);
      });

      it('ListTaskExecutions filters by task, reference and phase', async () => {
        const a = await create('ea');
        const b = await create('eb');
        const ea = (await tasks().start({ id: a.id })).taskExecution!;
        const eb = (await tasks().start({ id: b.id })).taskExecution!;
        await subject.settle();
        const list = async (filter: object) => {
          const out: string[] = [];
          for await (const e of tasks().executions.list({ filter })) out.push(e.id);
          return out;
        };
        expect(await list({ taskIds: [a.id] })).toEqual([ea.id]);
        expect(await list({ taskReferences: ['eb'] })).toEqual([eb.id]);
        expect(await list({ phases: ['TASK_EXECUTION_PHASE_SUCCEEDED'] })).toEqual([ea.id, eb.id]);
        expect(await list({ phases: ['TASK_EXECUTION_PHASE_RUNNING'] })).toEqual([]);
      });

      it('unknown ids are NotFoundError for every id method', async () => {
        for (const call of [
          () => tasks().retrieve({ id: UNKNOWN_ID }),
          () => tasks().update({ id: UNKNOWN_ID, spec: { command: 'x' } }),
          () => tasks().delete({ id: UNKNOWN_ID }),
          () => tasks().start({ id: UNKNOWN_ID }),
          () => tasks().executions.retrieve({ id: UNKNOWN_ID }),
          () => tasks().executions.stop({ id: UNKNOWN_ID }),
        ]) {
          await expect(call()).rejects.toBeInstanceOf(NotFoundError);
        }
        await expect(tasks().retrieve({ id: 'bad' })).rejects.toBeInstanceOf(BadRequestError);
      });

      it('the SDK helper flow: find by reference in an environment, create, update, start', async () => {
        const found = await tasks().list({
          filter: { references: ['run'], environmentIds: [env] },
        });
        expect(found.tasks).toEqual([]);
        const { task } = await tasks().create({
          environmentId: env,
          metadata: { reference: 'run', name: 'Run' },
          spec: { command: 'one' },
        });
        await tasks().update({ id: task?.id, spec: { command: 'two' } });
        const again = await tasks().list({
          filter: { references: ['run'], environmentIds: [env] },
        });
        expect(again.tasks.map((t) => t.spec?.command)).toEqual(['two']);
        const { taskExecution } = await tasks().start({ id: task?.id });
        await subject.settle();
        const read = await tasks().executions.retrieve({ id: taskExecution?.id });
        expect(read.taskExecution?.status?.logUrl).toBeTruthy();
      });
    });
  });
}
