/**
 * The world the fuzz suites hit: one fake serving every dialect on a free
 * port of 127.0.0.1 (virtual clock, a small advance limit), with kept state
 * in each dialect that no fuzzed request may change, and a snapshot of it.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'vitest';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';

/** A CTS task, a tfc organization/workspace/task and an Ona task that stay as they are. */
export interface KeptWorld {
  readonly fake: FakeServer;
  readonly tfcToken: string;
  readonly tfcOrg: string;
  readonly tfcWorkspaceId: string;
  readonly tfcTaskId: string;
  readonly onaEnvironmentId: string;
  readonly onaTaskId: string;
  /** Everything the kept objects look like, as JSON text. */
  snapshot(): Promise<string>;
  close(): Promise<void>;
}

export const KEPT_CTS_TASK = 'kept-cts';
/** A service name no generator produces: the kept CTS task never runs. */
const KEPT_SERVICE = 'kept-service-never-fuzzed';
export const ONA_SERVICE = '/api/gitpod.v1.EnvironmentAutomationService';

const JSON_TYPE = 'application/json';

async function call(
  fake: FakeServer,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: { 'content-type': JSON_TYPE, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, `${method} ${path}: ${text}`).toBeLessThan(300);
  return text === '' ? {} : JSON.parse(text);
}

/** Starts the fake and creates the kept objects. */
export async function startKeptWorld(): Promise<KeptWorld> {
  const fake = await startFakeServer({ clock: 'virtual', advanceMaxTimers: 2_000 });
  await call(fake, 'POST', '/v1/tasks', {
    task: {
      name: KEPT_CTS_TASK,
      module: 'm',
      condition: { services: { names: [KEPT_SERVICE] } },
    },
  });

  const tfcOrg = 'kept-org';
  await call(fake, 'POST', '/_taskport/tfc/organizations', { name: tfcOrg });
  const workspace = (await call(fake, 'POST', '/_taskport/tfc/workspaces', {
    organization: tfcOrg,
    name: 'kept-ws',
  })) as { workspace: { id: string } };
  const token = (await call(fake, 'POST', '/_taskport/tfc/tokens', {})) as { token: string };
  const tfcAuth = {
    authorization: `Bearer ${token.token}`,
    'content-type': 'application/vnd.api+json',
  };
  await call(fake, 'PATCH', '/_taskport/tfc/knobs', {
    verifyOnCreate: false,
    verifyOnUpdate: false,
  });
  const task = (await call(
    fake,
    'POST',
    `/api/v2/organizations/${tfcOrg}/tasks`,
    {
      data: {
        type: 'tasks',
        // The discard port of this machine: no run-task request ever leaves it.
        attributes: { name: 'kept-task', url: 'http://127.0.0.1:9/hook', category: 'task' },
      },
    },
    tfcAuth,
  )) as { data: { id: string } };

  const environment = (await call(fake, 'POST', '/_taskport/ona/environments', {
    name: 'kept-env',
  })) as { environment: { id: string } };
  const onaTask = (await call(
    fake,
    'POST',
    `${ONA_SERVICE}/CreateTask`,
    {
      environmentId: environment.environment.id,
      metadata: { reference: 'kept', name: 'Kept' },
      spec: { command: 'true' },
    },
    { authorization: 'Bearer fuzz' },
  )) as { task: { id: string } };

  const snapshot = async (): Promise<string> => {
    const control = fake.control;
    const ctsTask = await control.ctsFake.engine.getTask(KEPT_CTS_TASK);
    const tfcTasks = control.tfc.tasks().filter((item) => item.id === task.data.id);
    const onaTasks = (await control.onaFake.engine.listTasks())
      .filter((item) => item.id === onaTask.task.id)
      .map((item) => item.spec);
    return JSON.stringify({
      cts: [ctsTask.spec, (await control.ctsFake.engine.taskStatus(KEPT_CTS_TASK))?.events],
      tfc: tfcTasks,
      ona: onaTasks,
    });
  };

  return {
    fake,
    tfcToken: token.token,
    tfcOrg,
    tfcWorkspaceId: workspace.workspace.id,
    tfcTaskId: task.data.id,
    onaEnvironmentId: environment.environment.id,
    onaTaskId: onaTask.task.id,
    snapshot,
    close: () => fake.close(),
  };
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The process's memory after full collections, in bytes. */
export function memoryAfterGc(): { readonly rss: number; readonly heapUsed: number } {
  gc();
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

/** One answer, its body as text. */
export interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
}

/** Sends one fuzzed request. */
export async function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Uint8Array | undefined,
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body:
      method === 'GET' || method === 'HEAD' || body === undefined
        ? undefined
        : new Uint8Array(body),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: await response.text(),
  };
}
