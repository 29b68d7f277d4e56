/**
 * Canceling a run through the control API (research §5.3 item 5, §5.2): the
 * stage under way and its unfinished results end `canceled`, stages not yet
 * reached end `unreachable`, and nothing stays armed on the virtual clock.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addScriptedTask, startTfcHarness, type TfcHarness } from '../../fixtures/tfc/harness.ts';
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

function cancel(runId: string) {
  return fetch(`${h.url}/_taskport/tfc/runs/${runId}/cancel`, { method: 'POST' }).then(
    async (response) => ({ status: response.status, json: await response.json() }),
  );
}

function resultOf(name: string) {
  const payload = service.received.find((r) => r.path === `/tasks/${name}`)?.payload ?? {};
  return {
    id: String(payload.task_result_id),
    callbackPath: new URL(String(payload.task_result_callback_url)).pathname,
    token: String(payload.access_token),
  };
}

describe('run cancel (control API)', () => {
  it('a waiting stage and its running result end canceled; later stages unreachable; no timers left', async () => {
    await addTask('silent', {}, { 'enforcement-level': 'mandatory', stages: ['post_plan'] });
    await addTask('later', {}, { 'enforcement-level': 'advisory', stages: ['pre_apply'] });
    const run = h.control.startRun({ workspaceId: h.workspaceId });
    await h.settle(service);
    expect(h.control.run(run.id)?.status).toBe('post_plan_running');
    // The idle timer and the 60-minute cap of the running result.
    expect(h.clock.pendingTimers).toBe(2);

    const canceled = await cancel(run.id);
    expect(canceled.status).toBe(200);
    expect(canceled.json.run.status).toBe('canceled');
    expect(h.clock.pendingTimers).toBe(0);

    const stages = await h.api(`/api/v2/runs/${run.id}/task-stages?include=task_results`);
    expect(
      stages.json.data.map((stage: { attributes: Record<string, unknown> }) => [
        stage.attributes.stage,
        stage.attributes.status,
      ]),
    ).toEqual([
      ['post_plan', 'canceled'],
      ['pre_apply', 'unreachable'],
    ]);
    expect(Object.keys(stages.json.data[0].attributes['status-timestamps']).sort()).toEqual([
      'canceled-at',
      'running-at',
    ]);
    const { id, callbackPath, token } = resultOf('silent');
    const result = await h.api(`/api/v2/task-results/${id}`);
    expect(result.json.data.attributes.status).toBe('canceled');
    expect(result.json.data.attributes['status-timestamps']).toHaveProperty('canceled-at');
    expect(
      stages.json.included.map((r: { attributes: Record<string, unknown> }) => [
        r.attributes['task-name'],
        r.attributes.status,
      ]),
    ).toEqual([
      ['silent', 'canceled'],
      ['later', 'unreachable'],
    ]);

    // The token still works, but the result is final: 409.
    const late = await h.api(callbackPath, {
      method: 'PATCH',
      token,
      body: { data: { type: 'task-results', attributes: { status: 'passed' } } },
    });
    expect(late.status).toBe(409);

    // Past both time limits nothing changes, and no request went to the later task.
    await h.clock.advance(61 * 60_000);
    await h.settle(service);
    expect(h.control.result(id)?.status).toBe('canceled');
    expect(h.control.run(run.id)?.status).toBe('canceled');
    expect(service.received.map((r) => r.path)).toEqual(['/tasks/silent']);
  });

  it('final results keep their status; only unfinished ones are canceled', async () => {
    await addTask(
      'quick',
      { callbacks: [{ status: 'passed' }] },
      { 'enforcement-level': 'advisory' },
    );
    await addTask('slow', {}, { 'enforcement-level': 'advisory' });
    const run = h.control.startRun({ workspaceId: h.workspaceId });
    await h.settle(service);
    expect((await cancel(run.id)).status).toBe(200);
    const results = h.control.run(run.id)?.stages[0]?.results ?? [];
    expect(results.map((r) => [r.taskName, r.status])).toEqual([
      ['quick', 'passed'],
      ['slow', 'canceled'],
    ]);
    expect(h.control.run(run.id)?.stages[0]?.status).toBe('canceled');
  });

  it('a pending retry wait is cancelled on the clock: no further attempts', async () => {
    h.control.setKnobs({ dispatchRetries: 3, dispatchRetryDelayMs: 1000 });
    await addTask('broken', { status: 500 }, { 'enforcement-level': 'mandatory' });
    const run = h.control.startRun({ workspaceId: h.workspaceId });
    await h.settle(service);
    expect(h.control.webhooks({ kind: 'run-task' })).toHaveLength(1);
    // Idle timer, cap, and the wait before attempt 2.
    expect(h.clock.pendingTimers).toBe(3);
    expect((await cancel(run.id)).status).toBe(200);
    expect(h.clock.pendingTimers).toBe(0);
    await h.clock.advance(10_000);
    await h.settle(service);
    expect(h.control.webhooks({ kind: 'run-task' })).toHaveLength(1);
    expect(h.control.run(run.id)?.stages[0]?.results[0]?.status).toBe('canceled');
  });

  it('a stage awaiting override is canceled; override then answers 409', async () => {
    h.control.setKnobs({ mandatoryFailureOverridable: true });
    await addTask(
      'gate',
      { callbacks: [{ status: 'failed' }] },
      { 'enforcement-level': 'mandatory' },
    );
    const run = h.control.startRun({ workspaceId: h.workspaceId });
    await h.settle(service);
    const stageId = h.control.run(run.id)?.stages[0]?.id;
    expect(h.control.stage(stageId ?? '')?.status).toBe('awaiting_override');
    expect((await cancel(run.id)).status).toBe(200);
    const stage = h.control.stage(stageId ?? '');
    expect(stage?.status).toBe('canceled');
    expect(stage?.results[0]?.status).toBe('failed');
    const override = await h.api(`/api/v2/task-stages/${stageId}/actions/override`, {
      method: 'POST',
    });
    expect(override.status).toBe(409);
    expect(h.control.run(run.id)?.status).toBe('canceled');
  });

  it('an ended run answers 409 and is unchanged; an unknown run 404', async () => {
    await addTask('ok', { callbacks: [{ status: 'passed' }] }, { 'enforcement-level': 'advisory' });
    const run = h.control.startRun({ workspaceId: h.workspaceId });
    await h.settle(service);
    expect(h.control.run(run.id)?.status).toBe('applied');
    const ended = await cancel(run.id);
    expect(ended.status).toBe(409);
    expect(h.control.run(run.id)?.status).toBe('applied');
    expect(h.control.run(run.id)?.stages[0]?.status).toBe('passed');
    expect((await cancel('run-doesnotexist1234')).status).toBe(404);
    const speculative = h.control.startRun({ workspaceId: h.workspaceId, speculative: true });
    await h.settle(service);
    const again = await cancel(speculative.id);
    expect(again.status).toBe(409);
  });
});
