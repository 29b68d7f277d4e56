/**
 * `taskport serve --store postgres://…` as a real process: tfc's
 * organizations, run tasks, associations, runs, stages and results, and
 * Ona's environments, tasks and executions are found again by the next
 * process after a kill -9 (each answer waited for its writes), and a reset
 * deletes them for the next process too.
 */

import { afterEach, expect, it } from 'vitest';
import {
  buildDurableWorld,
  expectEmptyWorlds,
  readDurableWorld,
} from '../fixtures/durable-worlds.ts';
import { useTestDatabase } from '../support/postgres.ts';
import { killHard, killServes, startServe } from './serve-process.ts';

const db = useTestDatabase();

afterEach(killServes);

it('finds tfc and Ona state again after kill -9 and a restart, and a reset deletes it', async () => {
  const first = await startServe(['--store', db().url]);
  const world = await buildDurableWorld(first.url);
  const before = await readDurableWorld(first.url, world);
  await killHard(first);

  const second = await startServe(['--store', db().url]);
  expect(await readDurableWorld(second.url, world)).toEqual(before);

  const reset = await fetch(`${second.url}/_taskport/reset`, { method: 'POST' });
  expect(reset.status).toBeLessThan(300);
  await expectEmptyWorlds(second.url, world);
  await killHard(second);

  const third = await startServe(['--store', db().url]);
  await expectEmptyWorlds(third.url, world);
}, 90_000);

it('fails an Ona execution that was running when its process died', async () => {
  const first = await startServe(['--store', db().url]);
  const ona = '/api/gitpod.v1.EnvironmentAutomationService';
  const post = async (base: string, path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body: JSON.stringify(body),
    });
    expect(response.status, path).toBeLessThan(300);
    // biome-ignore lint/suspicious/noExplicitAny: reads the answer's JSON
    return (await response.json()) as any;
  };
  const { environment } = await post(first.url, '/_taskport/ona/environments', {});
  // The scripted executor hangs the step until it is stopped: the execution stays running.
  await post(first.url, '/_taskport/ona/outcomes', {
    task: 'slow',
    outcomes: [{ kind: 'hang' }],
  });
  const { task } = await post(first.url, `${ona}/CreateTask`, {
    environmentId: environment.id,
    metadata: { reference: 'slow', name: 'slow' },
    spec: { command: 'sleep' },
  });
  const { taskExecution } = await post(first.url, `${ona}/StartTask`, { id: task.id });
  let phase = '';
  for (let attempt = 0; attempt < 100 && phase !== 'TASK_EXECUTION_PHASE_RUNNING'; attempt++) {
    const got = await post(first.url, `${ona}/GetTaskExecution`, { id: taskExecution.id });
    phase = got.taskExecution.status.phase;
    if (phase !== 'TASK_EXECUTION_PHASE_RUNNING') await new Promise((r) => setTimeout(r, 20));
  }
  expect(phase).toBe('TASK_EXECUTION_PHASE_RUNNING');
  await killHard(first);

  const second = await startServe(['--store', db().url]);
  const after = await post(second.url, `${ona}/GetTaskExecution`, { id: taskExecution.id });
  expect(after.taskExecution.status.phase).toBe('TASK_EXECUTION_PHASE_FAILED');
  expect(after.taskExecution.metadata.completedAt).toBeDefined();
  // The task itself is still there, and starts again.
  const again = await post(second.url, `${ona}/StartTask`, { id: task.id });
  expect(again.taskExecution.id).not.toBe(taskExecution.id);
}, 90_000);
