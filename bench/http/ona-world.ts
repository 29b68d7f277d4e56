/**
 * The Ona world the bench and the profiler measure on, seeded over HTTP: one
 * environment through `/_taskport/ona/environments`, the default step outcome
 * set to "succeed at once", then 100 tasks through CreateTask.
 */

import { callJson } from './call.ts';
import type { ServerHandle } from './harness.ts';

export const ONA_SERVICE = '/api/gitpod.v1.EnvironmentAutomationService';
export const ONA_TOKEN = 'bench-ona-token';
export const ONA_TASKS = 100;
export const ONA_PAGE_SIZE = 25;
/** What @gitpod/sdk sends on every call. */
export const ONA_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  authorization: `Bearer ${ONA_TOKEN}`,
  'connect-protocol-version': '1',
};

/** A Connect unary call of the service, which must answer 200. */
export function onaRpc(fake: ServerHandle, method: string, body: unknown): Promise<unknown> {
  return callJson(`${fake.url}${ONA_SERVICE}/${method}`, 'POST', body, ONA_HEADERS, 200);
}

export interface OnaSeeded {
  readonly environmentId: string;
  readonly taskIds: string[];
  /** The ListTasks message of page 2 (tasks 26–50). */
  readonly page2: string;
}

/** One environment, "succeed at once" outcomes, 100 tasks; the page-2 ListTasks message. */
export async function seedOna(fake: ServerHandle): Promise<OnaSeeded> {
  const { environment } = (await callJson(
    `${fake.url}/_taskport/ona/environments`,
    'POST',
    { name: 'bench-env' },
    ONA_HEADERS,
    201,
  )) as { environment: { id: string } };
  await callJson(
    `${fake.url}/_taskport/ona/outcomes/default`,
    'PUT',
    { kind: 'succeed' },
    ONA_HEADERS,
    200,
  );
  const taskIds: string[] = [];
  for (let i = 0; i < ONA_TASKS; i++) {
    const { task } = (await onaRpc(fake, 'CreateTask', {
      environmentId: environment.id,
      metadata: {
        name: `Bench task ${i}`,
        reference: `bench-task-${i}`,
        description: 'A task of the HTTP bench',
        triggeredBy: [{ manual: true }],
      },
      spec: { command: `echo bench ${i}`, runsOn: { docker: { image: 'alpine:3' } } },
    })) as { task: { id: string } };
    taskIds.push(task.id);
  }
  const filter = { environmentIds: [environment.id] };
  const first = (await onaRpc(fake, 'ListTasks', {
    filter,
    pagination: { pageSize: ONA_PAGE_SIZE },
  })) as { pagination?: { nextToken?: string } };
  const token = first.pagination?.nextToken;
  if (token === undefined) throw new Error('ListTasks: no next page');
  return {
    environmentId: environment.id,
    taskIds,
    page2: JSON.stringify({ filter, pagination: { pageSize: ONA_PAGE_SIZE, token } }),
  };
}
