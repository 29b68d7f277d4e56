/**
 * Two control questions an outside suite asks about time, over HTTP: "is
 * anything queued or running?" without moving time (`GET /_taskport/idle`),
 * and "what did this jump in time fire?" (`POST /_taskport/clock/advance`).
 */

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import { type HttpResult, http, json, parse } from '../contract/http.ts';
import { type RunTaskService, startRunTaskService } from '../fixtures/tfc/run-task-service.ts';

interface Idle {
  idle: boolean;
  dialects: Record<string, boolean>;
  nowMs: number;
  timers: { pending: number; nextAtMs: number | null } | null;
}
interface Advanced {
  now: string;
  nowMs: number;
  fired: {
    triggers: Record<string, unknown>[];
    runs: Record<string, unknown>[];
    webhooks: Record<string, unknown>[];
  };
}

let fake: FakeServer;
const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  http(fake.url, method, path, { ...(body === undefined ? {} : json(body)), headers });
const control = async <T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<T> => {
  const result: HttpResult = await api(method, `/_taskport${path}`, body);
  expect(result.status, `${method} ${path}: ${result.text}`).toBeLessThan(300);
  return parse<T>(result);
};
const task = (name: string, bufferPeriod: Record<string, unknown>) => ({
  name,
  module: 'm',
  condition: { services: { names: ['api'] } },
  buffer_period: bufferPeriod,
});

beforeAll(async () => {
  fake = await startFakeServer({ clock: 'virtual' });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(async () => {
  await control('POST', '/reset');
});

describe('GET /_taskport/idle', () => {
  it('says a run is going on without moving time, and idle once it ended', async () => {
    await control('POST', '/seed', { cts: { tasks: [task('web', { enabled: false })] } });
    await control('PUT', '/cts/outcomes/tasks/web/default', { durationMs: 10_000 });
    await control('POST', '/cts/services', { name: 'api' });
    const before = (await control<{ nowMs: number }>('GET', '/clock')).nowMs;

    const busy = await control<Idle>('GET', '/idle');
    expect(busy).toEqual({
      idle: false,
      dialects: { cts: false, tfc: true, ona: true },
      nowMs: before,
      timers: { pending: expect.any(Number), nextAtMs: before + 10_000 },
    });
    // Asking again changes nothing: the run still runs, time stands still.
    expect(await control<Idle>('GET', '/idle')).toEqual(busy);
    expect((await control<{ nowMs: number }>('GET', '/clock')).nowMs).toBe(before);

    await control('POST', '/clock/advance', { ms: 10_000 });
    expect(await control<Idle>('GET', '/idle')).toMatchObject({
      idle: true,
      dialects: { cts: true, tfc: true, ona: true },
      nowMs: before + 10_000,
    });
  });

  it('is idle with timers waiting (a buffer period), and says when the first is due', async () => {
    await control('POST', '/seed', {
      cts: { tasks: [task('web', { enabled: true, min: '5s', max: '20s' })] },
    });
    await control('POST', '/cts/services', { name: 'api' });
    const idle = await control<Idle>('GET', '/idle');
    expect(idle.idle).toBe(true);
    expect(idle.timers?.nextAtMs).toBe(idle.nowMs + 5_000);
  });
});

describe('POST /_taskport/clock/advance answers what fired', () => {
  it('the buffer period that ended, its trigger and its run', async () => {
    await control('POST', '/seed', {
      cts: { tasks: [task('web', { enabled: true, min: '5s', max: '20s' })] },
    });
    await control('POST', '/cts/services', { name: 'api' });
    const start = (await control<{ nowMs: number }>('GET', '/clock')).nowMs;

    const early = await control<Advanced>('POST', '/clock/advance', { ms: 4_999 });
    expect(early.fired).toEqual({ triggers: [], runs: [], webhooks: [] });
    expect(early.nowMs).toBe(start + 4_999);
    expect(early.now).toBe(new Date(start + 4_999).toISOString());

    const due = await control<Advanced>('POST', '/clock/advance', { ms: 1 });
    expect(due.fired.triggers).toEqual([
      {
        dialect: 'cts',
        taskId: 'web',
        kind: 'change',
        result: 'started',
        executionId: expect.any(String),
        atMs: start + 5_000,
      },
    ]);
    expect(due.fired.runs).toEqual([
      {
        dialect: 'cts',
        taskId: 'web',
        executionId: due.fired.triggers[0]?.executionId,
        mode: 'apply',
        trigger: 'change',
        phase: 'succeeded',
        startedAtMs: start + 5_000,
        finishedAtMs: start + 5_000,
        failureMessage: null,
      },
    ]);
  });

  it('a run started before the advance is listed by the advance it finishes in', async () => {
    await control('POST', '/seed', { cts: { tasks: [task('web', { enabled: false })] } });
    await control('PUT', '/cts/outcomes/tasks/web/default', { durationMs: 10_000 });
    await control('POST', '/cts/services', { name: 'api' });
    const midway = await control<Advanced>('POST', '/clock/advance', { ms: 1_000 });
    // Started before the advance: not a trigger of it, and not finished yet.
    expect(midway.fired).toEqual({ triggers: [], runs: [], webhooks: [] });
    const end = await control<Advanced>('POST', '/clock/advance', { ms: 9_000 });
    expect(end.fired.runs).toMatchObject([
      { taskId: 'web', phase: 'succeeded', finishedAtMs: end.nowMs },
    ]);
  });

  describe('tfc', () => {
    let service: RunTaskService;
    beforeEach(async () => {
      service = await startRunTaskService();
    });
    afterEach(async () => {
      await service.close();
    });

    it('the retried request to a run task', async () => {
      service.script('check', { hmacKey: null, status: 500 });
      await control('PATCH', '/tfc/knobs', { verifyOnCreate: false });
      await control('POST', '/tfc/organizations', { name: 'acme' });
      const { workspace } = await control<{ workspace: { id: string } }>(
        'POST',
        '/tfc/workspaces',
        { organization: 'acme', name: 'ws' },
      );
      const { token } = await control<{ token: string }>('POST', '/tfc/tokens', {});
      const jsonApi = {
        authorization: `Bearer ${token}`,
        'content-type': 'application/vnd.api+json',
      };
      const created = await http(fake.url, 'POST', '/api/v2/organizations/acme/tasks', {
        body: JSON.stringify({
          data: {
            type: 'tasks',
            attributes: { category: 'task', name: 'check', url: service.taskUrl('check') },
          },
        }),
        contentType: 'application/vnd.api+json',
        headers: jsonApi,
      });
      expect(created.status, created.text).toBe(201);
      const taskId = parse<{ data: { id: string } }>(created).data.id;
      const associated = await http(fake.url, 'POST', `/api/v2/workspaces/${workspace.id}/tasks`, {
        body: JSON.stringify({
          data: {
            type: 'workspace-tasks',
            attributes: { 'enforcement-level': 'mandatory' },
            relationships: { task: { data: { type: 'tasks', id: taskId } } },
          },
        }),
        contentType: 'application/vnd.api+json',
        headers: jsonApi,
      });
      expect(associated.status, associated.text).toBe(201);

      await control('POST', '/tfc/runs', { workspaceId: workspace.id });
      // The first attempt lands (answered 500); the retry waits a second of virtual time.
      await control('POST', '/when-idle');
      expect(service.received).toHaveLength(1);
      const advanced = await control<Advanced>('POST', '/clock/advance', { ms: 1_000 });
      expect(advanced.fired.webhooks).toEqual([
        {
          dialect: 'tfc',
          id: expect.any(Number),
          kind: 'run-task',
          taskId,
          resultId: expect.any(String),
          url: service.taskUrl('check'),
          attempt: 2,
          sentAtMs: advanced.nowMs,
        },
      ]);
    });
  });
});
