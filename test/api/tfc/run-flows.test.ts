/**
 * Runs against a real run-task service on 127.0.0.1: enforcement, time
 * limits on the virtual clock, override, several tasks on one stage, and the
 * verification request.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MESSAGE_TIMED_OUT } from '../../../src/testing/tfc/messages.ts';
import {
  addScriptedTask,
  startTfcHarness,
  type TfcHarness,
  taskDocument,
} from '../../fixtures/tfc/harness.ts';
import {
  type RunTaskService,
  startRunTaskService,
  type TaskScript,
} from '../../fixtures/tfc/run-task-service.ts';

let h: TfcHarness;
let service: RunTaskService;

beforeEach(async () => {
  h = await startTfcHarness();
  service = await startRunTaskService();
});
afterEach(async () => {
  await h.close();
  await service.close();
});

function addTask(
  name: string,
  script: TaskScript,
  association: Record<string, unknown>,
): Promise<string> {
  return addScriptedTask(h, service, name, script, association);
}

function callbackOf(index = 0) {
  const payload = service.received.filter((r) => !r.verification)[index]?.payload ?? {};
  return {
    path: new URL(String(payload.task_result_callback_url)).pathname,
    token: String(payload.access_token),
    resultId: String(payload.task_result_id),
  };
}

describe('enforcement', () => {
  it.each([
    ['mandatory', 'failed', 'failed', 'errored', ['failed', 'unreachable']],
    ['advisory', 'failed', 'passed', 'applied', ['passed', 'passed']],
    ['mandatory', 'passed', 'passed', 'applied', ['passed', 'passed']],
  ])(
    'a %s task that %s: post_plan %s, run %s',
    async (level, outcome, stageStatus, runStatus, statuses) => {
      await addTask(
        'checker',
        { hmacKey: 'k', callbacks: [{ status: outcome, message: 'done' }] },
        {
          'enforcement-level': level,
          stages: ['post_plan', 'pre_apply'],
        },
      );
      const run = h.control.startRun({ workspaceId: h.workspaceId });
      await h.settle(service);
      const view = h.control.run(run.id);
      expect(view?.stages[0]?.status).toBe(stageStatus);
      expect(view?.stages.map((stage) => stage.status)).toEqual(statuses);
      expect(view?.status).toBe(runStatus);
    },
  );

  it('two tasks on one stage: one result each, the mandatory failure decides', async () => {
    await addTask(
      'advisory-ok',
      { callbacks: [{ status: 'passed' }] },
      { 'enforcement-level': 'advisory' },
    );
    await addTask(
      'mandatory-bad',
      { hmacKey: 's3', callbacks: [{ status: 'failed' }] },
      { 'enforcement-level': 'mandatory' },
    );
    const run = h.control.startRun({ workspaceId: h.workspaceId });
    await h.settle(service);
    expect(service.received.every((r) => r.signatureValid)).toBe(true);
    const stages = await h.api(`/api/v2/runs/${run.id}/task-stages?include=task_results`);
    expect(stages.json.data).toHaveLength(1);
    expect(stages.json.data[0].relationships['task-results'].data).toHaveLength(2);
    const byName = Object.fromEntries(
      stages.json.included.map((r: { attributes: Record<string, unknown> }) => [
        r.attributes['task-name'],
        r.attributes.status,
      ]),
    );
    expect(byName).toEqual({ 'advisory-ok': 'passed', 'mandatory-bad': 'failed' });
    expect(stages.json.data[0].attributes.status).toBe('failed');
    expect(h.control.run(run.id)?.status).toBe('errored');
  });
});

describe('time limits (virtual clock)', () => {
  it('no answer: the result errors after the idle timeout, not before', async () => {
    await addTask('silent', {}, { 'enforcement-level': 'mandatory' });
    const run = h.control.startRun({ workspaceId: h.workspaceId });
    await h.settle(service);
    await h.clock.advance(10 * 60_000 - 1);
    expect(h.control.run(run.id)?.stages[0]?.results[0]?.status).toBe('running');
    await h.clock.advance(1);
    const view = h.control.run(run.id);
    expect(view?.stages[0]?.results[0]).toMatchObject({
      status: 'errored',
      message: MESSAGE_TIMED_OUT,
    });
    expect(view?.status).toBe('errored');
  });

  it('late answer after the idle timeout → 401, result stays errored', async () => {
    await addTask('late', {}, { 'enforcement-level': 'advisory' });
    const run = h.control.startRun({ workspaceId: h.workspaceId });
    await h.settle(service);
    await h.clock.advance(10 * 60_000);
    const { path, token } = callbackOf();
    const late = await h.api(path, {
      method: 'PATCH',
      token,
      body: { data: { type: 'task-results', attributes: { status: 'passed' } } },
    });
    expect(late.status).toBe(401);
    expect(h.control.run(run.id)?.stages[0]?.results[0]?.status).toBe('errored');
    expect(h.control.run(run.id)?.status).toBe('applied');
  });

  it('running updates keep the result alive until the 60-minute cap; then 409', async () => {
    await addTask('slow', {}, { 'enforcement-level': 'advisory' });
    h.control.startRun({ workspaceId: h.workspaceId });
    await h.settle(service);
    const { path, token, resultId } = callbackOf();
    const patch = (status: string) =>
      h.api(path, {
        method: 'PATCH',
        token,
        body: { data: { type: 'task-results', attributes: { status } } },
      });
    for (let update = 0; update < 6; update++) {
      await h.clock.advance(9 * 60_000);
      expect((await patch('running')).status).toBe(200);
    }
    await h.clock.advance(6 * 60_000 - 1);
    expect(h.control.result(resultId)?.status).toBe('running');
    await h.clock.advance(1);
    expect(h.control.result(resultId)?.status).toBe('errored');
    expect((await patch('passed')).status).toBe(409);
  });

  it('a failing integration is retried on the clock, then errors', async () => {
    await addTask('broken', { status: 500 }, { 'enforcement-level': 'advisory' });
    h.control.setKnobs({ dispatchRetries: 2, dispatchRetryDelayMs: 1000 });
    h.control.startRun({ workspaceId: h.workspaceId });
    await h.settle(service);
    expect(service.received).toHaveLength(1);
    await h.clock.advance(1000);
    await h.settle(service);
    await h.clock.advance(1000);
    await h.settle(service);
    expect(h.control.webhooks({ kind: 'run-task' }).map((w) => w.attempt)).toEqual([1, 2, 3]);
    expect(h.control.runs()[0]?.stages[0]?.results[0]?.status).toBe('errored');
  });
});

describe('override', () => {
  it('a mandatory failure awaits override when overridable; override resumes the run', async () => {
    h.control.setKnobs({ mandatoryFailureOverridable: true });
    await addTask(
      'gate',
      { callbacks: [{ status: 'failed' }] },
      { 'enforcement-level': 'mandatory' },
    );
    const run = h.control.startRun({ workspaceId: h.workspaceId });
    await h.settle(service);
    const stage = h.control.run(run.id)?.stages[0];
    expect(stage?.status).toBe('awaiting_override');
    expect(h.control.run(run.id)?.status).toBe('post_plan_awaiting_decision');
    const shown = await h.api(`/api/v2/task-stages/${stage?.id}`);
    expect(shown.json.data.attributes.actions['is-overridable']).toBe(true);
    const overridden = await h.api(`/api/v2/task-stages/${stage?.id}/actions/override`, {
      method: 'POST',
      body: { comment: 'ok' },
    });
    expect(overridden.status).toBe(200);
    expect(overridden.json.data.attributes.status).toBe('running');
    expect(Object.keys(overridden.json.data.attributes['status-timestamps'])).toEqual(
      expect.arrayContaining(['awaiting-override-at', 'running-at']),
    );
    await h.settle(service);
    expect(h.control.run(run.id)?.status).toBe('applied');
    const again = await h.api(`/api/v2/task-stages/${stage?.id}/actions/override`, {
      method: 'POST',
    });
    expect(again.status).toBe(409);
    expect(again.json.errors[0]).toMatchObject({
      status: '409',
      title: 'conflict',
      detail: 'transition not allowed',
    });
  });
});

describe('verification request', () => {
  it('create signs a test-token payload with the key and persists on 200', async () => {
    h.control.setKnobs({ verifyOnCreate: true });
    service.script('verified', { hmacKey: 'vk' });
    const created = await h.api(`/api/v2/organizations/${h.org}/tasks`, {
      method: 'POST',
      body: taskDocument({ name: 'verified', url: service.taskUrl('verified'), 'hmac-key': 'vk' }),
    });
    expect(created.status).toBe(201);
    expect(service.received[0]).toMatchObject({ verification: true, signatureValid: true });
    expect(service.received[0]?.payload.stage).toBe('test');
  });

  it.each([
    ['202 Accepted', { verificationStatus: 202 }, 'k'],
    ['a wrong key', { hmacKey: 'other' }, 'k'],
  ])('create fails with 422 on %s and persists nothing', async (_label, script, key) => {
    h.control.setKnobs({ verifyOnCreate: true });
    service.script('refused', script);
    const created = await h.api(`/api/v2/organizations/${h.org}/tasks`, {
      method: 'POST',
      body: taskDocument({ name: 'refused', url: service.taskUrl('refused'), 'hmac-key': key }),
    });
    expect(created.status).toBe(422);
    expect(created.json.errors[0].source.pointer).toBe('/data/attributes/url');
    expect(h.control.tasks()).toEqual([]);
  });

  it('update re-verifies only when url or key change', async () => {
    const taskId = await addTask('u', {}, { 'enforcement-level': 'advisory' });
    h.control.setKnobs({ verifyOnUpdate: true });
    await h.api(`/api/v2/tasks/${taskId}`, {
      method: 'PATCH',
      body: { data: { type: 'tasks', attributes: { description: 'd' } } },
    });
    expect(h.control.webhooks({ kind: 'verification' })).toHaveLength(0);
    service.script('u', { hmacKey: 'new' });
    const patched = await h.api(`/api/v2/tasks/${taskId}`, {
      method: 'PATCH',
      body: { data: { type: 'tasks', attributes: { 'hmac-key': 'new' } } },
    });
    expect(patched.status).toBe(200);
    expect(h.control.webhooks({ kind: 'verification' })).toHaveLength(1);
  });
});

describe('knobs', () => {
  it.each([
    ['reject', 422, 1],
    ['cascade', 204, 0],
  ] as const)(
    'deleting a task with associations under %s → %i',
    async (policy, status, remaining) => {
      h.control.setKnobs({ taskDeletePolicy: policy });
      const taskId = await addTask('d', {}, { 'enforcement-level': 'advisory' });
      const response = await h.api(`/api/v2/tasks/${taskId}`, { method: 'DELETE' });
      expect(response.status).toBe(status);
      expect(h.control.workspaceTasks()).toHaveLength(remaining);
    },
  );

  it('strict content type off accepts application/json', async () => {
    h.control.setKnobs({ strictContentType: false });
    const response = await h.api(`/api/v2/organizations/${h.org}/tasks`, {
      method: 'POST',
      contentType: 'application/json',
      body: taskDocument({ name: 'lenient', url: 'https://example.com' }),
    });
    expect(response.status).toBe(201);
  });

  it('injected rate limit answers 429 with X-RateLimit-Reset, then serves', async () => {
    h.control.injectRateLimit(1);
    const limited = await h.api(`/api/v2/organizations/${h.org}/tasks`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-reset')).toBe('0.1');
    expect((await h.api(`/api/v2/organizations/${h.org}/tasks`)).status).toBe(200);
  });

  it('ping headers are switchable (a TFE release)', async () => {
    h.control.setKnobs({
      pingHeaders: {
        'TFP-API-Version': '2.5',
        'TFP-AppName': 'Terraform Enterprise',
        'X-TFE-Version': 'v202404-1',
      },
    });
    const ping = await h.api('/api/v2/ping');
    expect(ping.headers.get('x-tfe-version')).toBe('v202404-1');
    expect(ping.headers.get('tfp-appname')).toBe('Terraform Enterprise');
  });

  it('an org without the run-tasks entitlement answers 404', async () => {
    h.control.setEntitlements(h.org, { runTasks: false });
    expect((await h.api(`/api/v2/organizations/${h.org}/tasks`)).status).toBe(404);
  });
});

describe('control routes over HTTP', () => {
  it('creates a world and starts a run', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${h.url}/_taskport/tfc${path}`, { method: 'POST', body: JSON.stringify(body) }).then(
        async (r) => ({ status: r.status, json: await r.json() }),
      );
    const org = await post('/organizations', { name: 'http-org' });
    expect(org.status).toBe(201);
    const ws = await post('/workspaces', { organization: 'http-org', name: 'w' });
    const token = await post('/tokens', { organizations: ['http-org'] });
    expect(typeof token.json.token).toBe('string');
    const run = await post('/runs', { workspaceId: ws.json.workspace.id, speculative: true });
    expect(run.json.run.status).toBe('planned_and_finished');
    expect((await post('/runs', { workspaceId: 7 })).status).toBe(400);
    const knobs = await fetch(`${h.url}/_taskport/tfc/knobs`, {
      method: 'PATCH',
      body: JSON.stringify({ dispatchRetries: -1 }),
    });
    expect(knobs.status).toBe(400);
  });
});
