/**
 * The tfc world the bench and the profiler measure on, seeded over HTTP like
 * a test would: an organization, a token and 10 workspaces through
 * `/_taskport/tfc/…`, verification on create switched off, then 200 run tasks
 * and 400 associations (every task on two workspaces) through the public API.
 */

import { callJson } from './call.ts';
import type { ServerHandle } from './harness.ts';

export const TFC_ORGANIZATION = 'bench-org';
export const TFC_TOKEN = 'bench-tfc-token';
export const TFC_TASKS = 200;
export const TFC_WORKSPACES = 10;
export const TFC_PAGE_SIZE = 20;
export const TFC_PAGE = 3;
export const JSON_API = 'application/vnd.api+json';
/** go-tfe's query encoding: brackets percent-encoded, page parameters first. */
export const TFC_PAGE_QUERY = `page%5Bnumber%5D=${TFC_PAGE}&page%5Bsize%5D=${TFC_PAGE_SIZE}`;
/** What a go-tfe client sends on a list. */
export const TFC_LIST_HEADERS: Record<string, string> = {
  authorization: `Bearer ${TFC_TOKEN}`,
  accept: JSON_API,
};

/** The organization's task list with `query`. */
export function tfcListPath(query: string): string {
  return `/api/v2/organizations/${TFC_ORGANIZATION}/tasks?${query}`;
}

/** Seeds the tfc world; returns the number of associations. */
export async function seedTfc(fake: ServerHandle): Promise<number> {
  const control = (path: string, body: unknown, method = 'POST', expect = 201) =>
    callJson(
      `${fake.url}/_taskport/tfc${path}`,
      method,
      body,
      { 'content-type': 'application/json' },
      expect,
    );
  const api = (path: string, body: unknown) =>
    callJson(
      `${fake.url}/api/v2${path}`,
      'POST',
      body,
      { 'content-type': JSON_API, authorization: `Bearer ${TFC_TOKEN}` },
      201,
    );
  await control('/organizations', { name: TFC_ORGANIZATION, email: 'bench@example.com' });
  await control('/tokens', { token: TFC_TOKEN, organizations: [TFC_ORGANIZATION] });
  // No verification request to the task URL on create: nothing listens there.
  await control('/knobs', { verifyOnCreate: false }, 'PATCH', 200);
  const workspaces: string[] = [];
  for (let i = 0; i < TFC_WORKSPACES; i++) {
    const answer = (await control('/workspaces', {
      organization: TFC_ORGANIZATION,
      name: `bench-ws-${i}`,
    })) as { workspace: { id: string } };
    workspaces.push(answer.workspace.id);
  }
  let associations = 0;
  for (let i = 0; i < TFC_TASKS; i++) {
    const created = (await api(`/organizations/${TFC_ORGANIZATION}/tasks`, {
      data: {
        type: 'tasks',
        attributes: {
          name: `bench-task-${String(i).padStart(3, '0')}`,
          url: `https://run-tasks.example.com/hooks/${i}`,
          category: 'task',
          description: 'A run task of the HTTP bench',
          'hmac-key': 'secret',
          enabled: true,
        },
      },
    })) as { data: { id: string } };
    for (const workspace of [
      workspaces[i % TFC_WORKSPACES],
      workspaces[(i + 1) % TFC_WORKSPACES],
    ]) {
      await api(`/workspaces/${workspace}/tasks`, {
        data: {
          type: 'workspace-tasks',
          attributes: { 'enforcement-level': 'advisory', stages: ['pre_plan', 'post_plan'] },
          relationships: { task: { data: { id: created.data.id, type: 'tasks' } } },
        },
      });
      associations++;
    }
  }
  return associations;
}
