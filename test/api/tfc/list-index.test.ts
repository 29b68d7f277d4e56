/**
 * The run-task list reads per-organization and per-task indexes and reuses
 * serialised resources; these check that both follow every change, and that
 * the text the list answers is the one JSON.stringify gives for the document.
 */

import { describe, expect, it } from 'vitest';
import { tfcApi } from '../../../src/api/tfc/app.ts';
import { IndexedMap } from '../../../src/api/tfc/indexed-map.ts';
import { paginate, parsePage } from '../../../src/api/tfc/pagination.ts';
import {
  taskResource,
  workspaceResource,
  workspaceTaskResource,
} from '../../../src/api/tfc/representation.ts';
import { TfcState } from '../../../src/api/tfc/state.ts';
import { VirtualClock } from '../../../src/engine/virtual-clock.ts';

const BASE = 'http://tfc.test/api/v2';
const JSON_API = 'application/vnd.api+json';

interface Resource {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  relationships: Record<string, { data: { id: string }[] }>;
}

interface Doc {
  data: Resource[];
  included?: Resource[];
}

function setup() {
  const clock = new VirtualClock();
  const state = new TfcState({
    now: () => clock.now(),
    settings: { verifyOnCreate: false, verifyOnUpdate: false, taskDeletePolicy: 'cascade' },
  });
  state.createOrganization({ name: 'acme' });
  state.createOrganization({ name: 'other' });
  state.createToken({ token: 'tok' });
  const workspaces = [0, 1, 2].map(
    (i) => state.createWorkspace({ organization: 'acme', name: `ws-${i}` }).id,
  );
  const app = tfcApi({ state, clock });
  const tick = () => clock.advance(1000);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await app.request(`${BASE}${path}`, {
      method,
      headers: { authorization: 'Bearer tok', 'content-type': JSON_API },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = (text === '' ? undefined : JSON.parse(text)) as Doc & { data: Resource };
    return { status: response.status, text, json };
  };
  const createTask = async (organization: string, name: string) => {
    await tick();
    const answer = await call('POST', `/organizations/${organization}/tasks`, {
      data: {
        type: 'tasks',
        attributes: { name, url: `https://hooks.test/${name}`, category: 'task' },
      },
    });
    expect(answer.status, answer.text).toBe(201);
    return answer.json.data.id as string;
  };
  const associate = async (workspace: string, task: string) => {
    await tick();
    const answer = await call('POST', `/workspaces/${workspace}/tasks`, {
      data: {
        type: 'workspace-tasks',
        attributes: { 'enforcement-level': 'advisory', stages: ['post_plan'] },
        relationships: { task: { data: { id: task, type: 'tasks' } } },
      },
    });
    expect(answer.status).toBe(201);
    return answer.json.data.id as string;
  };
  const list = async (query = '') => {
    const answer = await call('GET', `/organizations/acme/tasks${query}`);
    expect(answer.status).toBe(200);
    return answer;
  };
  return { state, workspaces, call, createTask, associate, list, tick };
}

/** The document as the object representation builds it, serialised once. */
function expectedList(state: TfcState, url: string): string {
  const include = url.includes('include=');
  const withWorkspaces = url.includes('include=workspace_tasks.workspace');
  const query = new URL(url).searchParams;
  const page = paginate(
    [...state.tasks.values()].filter((task) => task.organization === 'acme'),
    parsePage(query),
    url,
  );
  const included = new Map<string, unknown>();
  const data = page.items.map((task) => {
    const associations = [...state.workspaceTasks.values()].filter(
      (item) => item.taskId === task.id,
    );
    if (include)
      for (const item of associations) {
        included.set(`w${item.id}`, workspaceTaskResource(item));
        const workspace = state.workspaces.get(item.workspaceId);
        if (withWorkspaces && workspace !== undefined)
          included.set(`s${workspace.id}`, workspaceResource(workspace));
      }
    return taskResource(state, task, associations);
  });
  return JSON.stringify({
    data,
    ...(include ? { included: [...included.values()] } : {}),
    links: page.links,
    meta: page.meta,
  });
}

describe('IndexedMap', () => {
  it('keeps groups in map order through set, replace, delete and clear', () => {
    const map = new IndexedMap<string, { group: string; n: number }>();
    const groups = map.groupBy((value) => value.group);
    map.set('a', { group: 'x', n: 1 });
    map.set('b', { group: 'y', n: 2 });
    map.set('c', { group: 'x', n: 3 });
    expect(groups.list('x').map((v) => v.n)).toEqual([1, 3]);
    map.set('a', { group: 'x', n: 4 });
    expect(groups.list('x').map((v) => v.n)).toEqual([4, 3]);
    // A value that moves group takes its map position along.
    map.set('c', { group: 'y', n: 5 });
    expect(groups.list('y').map((v) => v.n)).toEqual([2, 5]);
    map.set('a', { group: 'y', n: 6 });
    expect(groups.list('y').map((v) => v.n)).toEqual([6, 2, 5]);
    expect(groups.list('x')).toEqual([]);
    expect(map.delete('b')).toBe(true);
    expect(map.delete('b')).toBe(false);
    expect(groups.list('y').map((v) => v.n)).toEqual([6, 5]);
    expect(groups.count('y')).toBe(2);
    map.clear();
    expect(groups.list('y')).toEqual([]);
    expect(map.size).toBe(0);
  });

  it('groups entries present before the grouping was made', () => {
    const map = new IndexedMap<string, string>();
    map.set('a', 'x1');
    map.set('b', 'y1');
    expect(map.groupBy((value) => value[0]).list('x')).toEqual(['x1']);
  });
});

describe('GET /organizations/:org/tasks (indexed, serialised per record)', () => {
  it('lists only the organization’s tasks and drops deleted ones', async () => {
    const h = setup();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await h.createTask('acme', `task-${i}`));
    await h.createTask('other', 'elsewhere');
    expect((await h.list()).json.data.map((task) => task.id)).toEqual(ids);
    expect((await h.call('DELETE', `/tasks/${ids[1]}`)).status).toBe(204);
    const after = (await h.list()).json;
    expect(after.data.map((task) => task.id)).toEqual([ids[0], ids[2], ids[3], ids[4]]);
    expect(h.state.taskCountOf('acme')).toBe(4);
  });

  it('follows associations created, deleted and cascaded', async () => {
    const h = setup();
    const a = await h.createTask('acme', 'a');
    const b = await h.createTask('acme', 'b');
    const wa0 = await h.associate(h.workspaces[0] as string, a);
    const wa1 = await h.associate(h.workspaces[1] as string, a);
    const wb0 = await h.associate(h.workspaces[0] as string, b);
    const associationsOf = (doc: Doc, task: string) =>
      doc.data
        .find((item) => item.id === task)
        ?.relationships['workspace-tasks']?.data.map((ref) => ref.id);
    let doc: Doc = (await h.list('?include=workspace_tasks')).json;
    expect(associationsOf(doc, a)).toEqual([wa0, wa1]);
    expect(doc.included?.map((item) => item.id)).toEqual([wa0, wa1, wb0]);
    expect((await h.call('DELETE', `/workspaces/${h.workspaces[0]}/tasks/${wa0}`)).status).toBe(
      204,
    );
    doc = (await h.list('?include=workspace_tasks')).json;
    expect(associationsOf(doc, a)).toEqual([wa1]);
    expect(doc.included?.map((item) => item.id)).toEqual([wa1, wb0]);
    // Cascade: deleting the task removes its associations from every index.
    expect((await h.call('DELETE', `/tasks/${a}`)).status).toBe(204);
    doc = (await h.list('?include=workspace_tasks')).json;
    expect(doc.data.map((item) => item.id)).toEqual([b]);
    expect(doc.included?.map((item) => item.id)).toEqual([wb0]);
    expect(h.state.workspaceTasksOf(h.workspaces[1] as string)).toEqual([]);
  });

  it('shows changes made through the API and to the records themselves', async () => {
    const h = setup();
    const a = await h.createTask('acme', 'a');
    const wa = await h.associate(h.workspaces[0] as string, a);
    await h.list('?include=workspace_tasks');
    await h.tick();
    expect(
      (
        await h.call('PATCH', `/tasks/${a}`, {
          data: { type: 'tasks', attributes: { name: 'renamed', enabled: false } },
        })
      ).status,
    ).toBe(200);
    await h.tick();
    expect(
      (
        await h.call('PATCH', `/workspaces/${h.workspaces[0]}/tasks/${wa}`, {
          data: { type: 'workspace-tasks', attributes: { stages: ['pre_plan', 'post_plan'] } },
        })
      ).status,
    ).toBe(200);
    let doc = (await h.list('?include=workspace_tasks')).json;
    expect(doc.data[0]?.attributes.name).toBe('renamed');
    expect(doc.data[0]?.attributes.enabled).toBe(false);
    expect(doc.included?.[0]?.attributes.stages).toEqual(['pre_plan', 'post_plan']);
    // In-place changes the API does not make: the entitlement shows global-configuration,
    // a record edited directly shows its new value.
    h.state.setEntitlements('acme', { globalRunTasks: true });
    const record = h.state.tasks.get(a);
    if (record === undefined) throw new Error('no task');
    record.description = 'edited in place';
    record.global.stages.push('pre_apply');
    doc = (await h.list()).json;
    expect(doc.data[0]?.attributes.description).toBe('edited in place');
    expect(doc.data[0]?.attributes['global-configuration']).toMatchObject({
      stages: ['pre_apply'],
    });
  });

  it('answers the same bytes as serialising the document objects', async () => {
    const h = setup();
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(await h.createTask('acme', `task-${i}`));
    for (const [i, id] of ids.entries()) {
      await h.associate(h.workspaces[i % 3] as string, id);
      if (i % 2 === 0) await h.associate(h.workspaces[(i + 1) % 3] as string, id);
    }
    for (const query of [
      '',
      '?page%5Bnumber%5D=2&page%5Bsize%5D=3',
      '?page[size]=3&include=workspace_tasks&x=%20y',
      '?include=workspace_tasks.workspace&page%5Bnumber%5D=9',
    ]) {
      const answer = await h.list(query);
      expect(answer.text).toBe(expectedList(h.state, `${BASE}/organizations/acme/tasks${query}`));
    }
    const show = await h.call('GET', `/tasks/${ids[0]}?include=workspace_tasks`);
    const task = h.state.tasks.get(ids[0] as string);
    if (task === undefined) throw new Error('no task');
    const associations = h.state.associationsOfTask(task.id);
    expect(show.text).toBe(
      JSON.stringify({
        data: taskResource(h.state, task, associations),
        included: associations.map((item) => workspaceTaskResource(item)),
      }),
    );
  });
});
