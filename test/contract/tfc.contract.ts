/**
 * The `tfc` conformance suite: research/tfc-run-tasks.md §12, every item not
 * marked uncertain, through a real listening server. Run it against anything
 * that gives a {@link TfcHarness}-shaped subject.
 */

import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { associationDocument, type TfcHarness, taskDocument } from '../fixtures/tfc/harness.ts';
import { type RunTaskService, startRunTaskService } from '../fixtures/tfc/run-task-service.ts';

/** Options of {@link runTfcContract}. */
export interface TfcContractOptions {
  readonly name: string;
  /** A fresh subject: served, with an organization, a workspace and a token; verification off. */
  readonly createSubject: () => Promise<TfcHarness>;
}

const ID = /^[1-9A-HJ-NP-Za-km-z]{16}$/;

/** Registers the suite. */
export function runTfcContract({ name, createSubject }: TfcContractOptions): void {
  describe(`tfc contract: ${name}`, () => {
    let s: TfcHarness;
    let service: RunTaskService;

    beforeEach(async () => {
      s = await createSubject();
      service = await startRunTaskService();
    });
    afterEach(async () => {
      await s.close();
      await service.close();
    });

    async function createTask(attributes: Record<string, unknown> = {}): Promise<string> {
      const response = await s.api(`/api/v2/organizations/${s.org}/tasks`, {
        method: 'POST',
        body: taskDocument({
          name: `t${Math.random().toString(36).slice(2, 8)}`,
          url: service.taskUrl('x'),
          ...attributes,
        }),
      });
      expect(response.status).toBe(201);
      return response.json.data.id as string;
    }

    async function associate(
      taskId: string,
      attributes: Record<string, unknown> = { 'enforcement-level': 'advisory' },
    ) {
      return s.api(`/api/v2/workspaces/${s.workspaceId}/tasks`, {
        method: 'POST',
        body: associationDocument(taskId, attributes),
      });
    }

    describe('management API', () => {
      it('1: create answers 201 with the task document', async () => {
        const response = await s.api(`/api/v2/organizations/${s.org}/tasks`, {
          method: 'POST',
          body: taskDocument({
            name: 'my-task',
            url: 'https://example.com/hook',
            'hmac-key': 'secret',
          }),
        });
        expect(response.status).toBe(201);
        expect(response.headers.get('content-type')).toMatch(/^application\/vnd\.api\+json/);
        const data = response.json.data;
        expect(data.type).toBe('tasks');
        expect(data.id).toMatch(/^task-/);
        expect(data.id.slice(5)).toMatch(ID);
        expect(data.attributes.enabled).toBe(true);
        expect(data.attributes['hmac-key']).toBeNull();
        expect(data.attributes.category).toBe('task');
        expect(data.relationships.organization.data).toEqual({ id: s.org, type: 'organizations' });
        expect(data.links.self).toBe(`/api/v2/tasks/${data.id}`);
      });

      it('2: null description and empty hmac-key are accepted', async () => {
        const response = await s.api(`/api/v2/organizations/${s.org}/tasks`, {
          method: 'POST',
          body: taskDocument({
            name: 'n',
            url: 'https://example.com',
            description: null,
            'hmac-key': '',
          }),
        });
        expect(response.status).toBe(201);
        const stored = s.control.tasks().find((task) => task.id === response.json.data.id);
        expect(stored?.hmacKey).toBeNull();
      });

      it('3: global-configuration on a non-entitled org is ignored', async () => {
        s.control.setEntitlements(s.org, { globalRunTasks: false });
        const response = await s.api(`/api/v2/organizations/${s.org}/tasks`, {
          method: 'POST',
          body: taskDocument({
            name: 'g',
            url: 'https://example.com',
            'global-configuration': {
              enabled: true,
              stages: ['pre_plan'],
              'enforcement-level': 'mandatory',
            },
          }),
        });
        expect(response.status).toBe(201);
        expect(response.json.data.attributes['global-configuration'] ?? null).toBeNull();
      });

      it('4: global-configuration on an entitled org is echoed, stages in order', async () => {
        const global = {
          enabled: true,
          stages: ['post_plan', 'pre_plan'],
          'enforcement-level': 'mandatory',
        };
        const created = await s.api(`/api/v2/organizations/${s.org}/tasks`, {
          method: 'POST',
          body: taskDocument({
            name: 'g',
            url: 'https://example.com',
            'global-configuration': global,
          }),
        });
        expect(created.json.data.attributes['global-configuration']).toEqual(global);
        const patched = await s.api(`/api/v2/tasks/${created.json.data.id}`, {
          method: 'PATCH',
          body: {
            data: { type: 'tasks', attributes: { 'global-configuration': { enabled: false } } },
          },
        });
        expect(patched.json.data.attributes['global-configuration']).toEqual({
          ...global,
          enabled: false,
        });
      });

      it('5: an unknown agent pool is refused', async () => {
        const response = await s.api(`/api/v2/organizations/${s.org}/tasks`, {
          method: 'POST',
          body: taskDocument(
            { name: 'p', url: 'https://example.com' },
            {
              'agent-pool': {
                data: { id: 'apool-this-pool-id-will-never-exist', type: 'agent-pools' },
              },
            },
          ),
        });
        expect(response.status).toBe(422);
        expect(response.json.errors[0].detail).toContain('The provided agent pool does not exist');
      });

      it('5: a known agent pool is linked', async () => {
        const pool = s.control.createAgentPool(s.org);
        const response = await s.api(`/api/v2/organizations/${s.org}/tasks`, {
          method: 'POST',
          body: taskDocument(
            { name: 'p', url: 'https://example.com' },
            { 'agent-pool': { data: { id: pool.id, type: 'agent-pools' } } },
          ),
        });
        expect(response.status).toBe(201);
        expect(response.json.data.relationships['agent-pool'].data).toEqual({
          id: pool.id,
          type: 'agent-pools',
        });
      });

      it.each([
        [
          '7: description of 301 characters',
          { description: 'x'.repeat(301) },
          '/data/attributes/description',
        ],
        ['8: category other than task', { category: 'hook' }, '/data/attributes/category'],
        ['9: missing name', { name: undefined }, '/data/attributes/name'],
        ['9: missing url', { url: undefined }, '/data/attributes/url'],
        ['6: name with a space', { name: 'has space' }, '/data/attributes/name'],
      ])('%s → 422 invalid attribute', async (_label, attributes, pointer) => {
        const response = await s.api(`/api/v2/organizations/${s.org}/tasks`, {
          method: 'POST',
          body: taskDocument({ name: 'ok', url: 'https://example.com', ...attributes }),
        });
        expect(response.status).toBe(422);
        expect(response.json.errors[0]).toMatchObject({
          status: '422',
          title: 'invalid attribute',
          source: { pointer },
        });
        expect(s.control.tasks()).toEqual([]);
      });

      it('7: description of 300 characters is accepted', async () => {
        await createTask({ description: 'x'.repeat(300) });
      });

      it('10: unknown or invisible organization → 404', async () => {
        s.control.createOrganization({ name: `${s.org}-other` });
        for (const org of ['no-such-org', `${s.org}-other`]) {
          const response = await s.api(`/api/v2/organizations/${org}/tasks`, {
            method: 'POST',
            body: taskDocument({ name: 'a', url: 'https://example.com' }),
          });
          expect(response.status).toBe(404);
          expect(response.json).toEqual({ errors: [{ status: '404', title: 'not found' }] });
        }
      });

      it.each([
        ['GET', '/api/v2/organizations/ORG/tasks'],
        ['POST', '/api/v2/organizations/ORG/tasks'],
        ['GET', '/api/v2/tasks/task-xxxxxxxxxxxxxxxx'],
        ['PATCH', '/api/v2/tasks/task-xxxxxxxxxxxxxxxx'],
        ['DELETE', '/api/v2/tasks/task-xxxxxxxxxxxxxxxx'],
        ['GET', '/api/v2/workspaces/WS/tasks'],
        ['GET', '/api/v2/task-stages/ts-xxxxxxxxxxxxxxxx'],
        ['GET', '/api/v2/runs/run-xxxxxxxxxxxxxxxx/task-stages'],
        ['GET', '/api/v2/task-results/taskrs-xxxxxxxxxxxxxxxx'],
        ['GET', '/api/v2/task-results/taskrs-xxxxxxxxxxxxxxxx/outcomes'],
        ['GET', '/api/v2/task-result-outcomes/xxxxxxxxxxxxxxxx'],
        ['GET', '/api/v2/tasks/task-xxxxxxxxxxxxxxxx/relationships/workspace-tasks'],
      ])('11: %s %s without a token → 401', async (method, path) => {
        for (const token of [null, 'not-a-token']) {
          const response = await s.api(path.replace('ORG', s.org).replace('WS', s.workspaceId), {
            method,
            token,
            body: method === 'GET' ? undefined : '{}',
          });
          expect(response.status).toBe(401);
          expect(response.json).toEqual({ errors: [{ status: '401', title: 'unauthorized' }] });
        }
      });

      it.each([
        ['POST', () => `/api/v2/organizations/${s.org}/tasks`, null],
        ['POST', () => `/api/v2/organizations/${s.org}/tasks`, 'application/json'],
        ['PATCH', () => '/api/v2/tasks/TASK', 'text/plain'],
        ['DELETE', () => '/api/v2/tasks/TASK', null],
        ['POST', () => `/api/v2/workspaces/${s.workspaceId}/tasks`, 'application/json'],
      ])('12: %s without the JSON:API media type → 415', async (method, path, contentType) => {
        const taskId = await createTask();
        const response = await s.api(path().replace('TASK', taskId), {
          method,
          contentType,
          body: JSON.stringify(taskDocument({ name: 'z', url: 'https://example.com' })),
        });
        expect(response.status).toBe(415);
        expect(response.json.errors[0].status).toBe('415');
        expect(s.control.tasks()).toHaveLength(1);
      });

      it('14/15: list pagination, empty and single page', async () => {
        const empty = await s.api(`/api/v2/organizations/${s.org}/tasks`);
        expect(empty.status).toBe(200);
        expect(empty.json.data).toEqual([]);
        expect(empty.json.meta.pagination).toMatchObject({ 'total-count': 0, 'total-pages': 0 });
        await createTask();
        const one = await s.api(`/api/v2/organizations/${s.org}/tasks`);
        expect(one.json.meta.pagination).toEqual({
          'current-page': 1,
          'page-size': 20,
          'prev-page': null,
          'next-page': null,
          'total-pages': 1,
          'total-count': 1,
        });
        expect(Object.keys(one.json.links).sort()).toEqual([
          'first',
          'last',
          'next',
          'prev',
          'self',
        ]);
        expect(one.json.links.prev).toBeNull();
        expect(one.json.links.next).toBeNull();
        expect(one.json.data[0].attributes['hmac-key']).toBeNull();
      });

      it('16/17: pages and absolute links with encoded page params', async () => {
        await createTask();
        await createTask();
        const first = await s.api(`/api/v2/organizations/${s.org}/tasks?page%5Bsize%5D=1`);
        expect(first.json.data).toHaveLength(1);
        expect(first.json.meta.pagination['next-page']).toBe(2);
        expect(first.json.links.next).toBe(
          `${s.url}/api/v2/organizations/${s.org}/tasks?page%5Bnumber%5D=2&page%5Bsize%5D=1`,
        );
        const second = await s.api(
          `/api/v2/organizations/${s.org}/tasks?page[number]=2&page[size]=1`,
        );
        expect(second.json.meta.pagination['prev-page']).toBe(1);
        expect(second.json.data[0].id).not.toBe(first.json.data[0].id);
        const far = await s.api(`/api/v2/organizations/${s.org}/tasks?page%5Bnumber%5D=999`);
        expect(far.json.data).toEqual([]);
        expect(far.json.meta.pagination).toMatchObject({ 'current-page': 999, 'total-count': 2 });
        const plain = await s.api(`/api/v2/organizations/${s.org}/tasks`);
        expect(plain.json.links.self).toBe(
          `${s.url}/api/v2/organizations/${s.org}/tasks?page%5Bnumber%5D=1&page%5Bsize%5D=20`,
        );
        const huge = await s.api(`/api/v2/organizations/${s.org}/tasks?page%5Bsize%5D=1000`);
        expect(huge.json.meta.pagination['page-size']).toBe(100);
      });

      it('18/19: include=workspace_tasks and workspace_tasks.workspace', async () => {
        const taskId = await createTask();
        const association = await associate(taskId);
        const wstaskId = association.json.data.id;
        const shown = await s.api(`/api/v2/tasks/${taskId}?include=workspace_tasks`);
        expect(shown.json.data.relationships['workspace-tasks'].data).toEqual([
          { id: wstaskId, type: 'workspace-tasks' },
        ]);
        expect(shown.json.included).toHaveLength(1);
        expect(shown.json.included[0]).toMatchObject({
          id: wstaskId,
          type: 'workspace-tasks',
          attributes: {
            'enforcement-level': 'advisory',
            stage: 'post_plan',
            stages: ['post_plan'],
          },
          relationships: {
            task: { data: { id: taskId } },
            workspace: { data: { id: s.workspaceId } },
          },
        });
        const deep = await s.api(
          `/api/v2/organizations/${s.org}/tasks?include=workspace_tasks%2Cworkspace_tasks.workspace`,
        );
        const types = deep.json.included.map((item: { type: string }) => item.type).sort();
        expect(types).toEqual(['workspace-tasks', 'workspaces']);
        expect(
          deep.json.included.find((item: { type: string }) => item.type === 'workspaces').attributes
            .name,
        ).toBe('ws-main');
      });

      it('20: an unknown include → 400 Invalid include parameter', async () => {
        const response = await s.api(`/api/v2/organizations/${s.org}/tasks?include=bogus`);
        expect(response.status).toBe(400);
        expect(response.json.errors[0]).toMatchObject({
          status: '400',
          title: 'bad request',
          detail: 'Invalid include parameter',
        });
      });

      it('21: PATCH changes only what it sends', async () => {
        const taskId = await createTask({ description: 'before', 'hmac-key': 'k' });
        const before = (await s.api(`/api/v2/tasks/${taskId}`)).json.data.attributes;
        const renamed = await s.api(`/api/v2/tasks/${taskId}`, {
          method: 'PATCH',
          body: { data: { type: 'tasks', attributes: { name: 'renamed' } } },
        });
        expect(renamed.status).toBe(200);
        expect(renamed.json.data.attributes).toMatchObject({
          ...before,
          name: 'renamed',
          'updated-at': expect.any(String),
        });
        const toggled = await s.api(`/api/v2/tasks/${taskId}`, {
          method: 'PATCH',
          body: { data: { type: 'tasks', attributes: { enabled: false, description: 'after' } } },
        });
        expect(toggled.json.data.attributes).toMatchObject({
          enabled: false,
          description: 'after',
          'hmac-key': null,
        });
        expect(s.control.tasks()[0]?.hmacKey).toBe('k');
      });

      it('21: PATCH hmac-key null clears the key: later requests carry an empty signature', async () => {
        service.script('rekeyed', { hmacKey: 'old', callbacks: [{ status: 'passed' }] });
        const taskId = await createTask({
          name: 'rekeyed',
          url: service.taskUrl('rekeyed'),
          'hmac-key': 'old',
        });
        await associate(taskId);
        s.control.startRun({ workspaceId: s.workspaceId });
        await s.settle(service);
        expect(service.received[0]?.headers['x-tfc-task-signature']).toBe(
          createHmac('sha512', 'old')
            .update(service.received[0]?.body ?? '')
            .digest('hex'),
        );
        const cleared = await s.api(`/api/v2/tasks/${taskId}`, {
          method: 'PATCH',
          body: { data: { type: 'tasks', attributes: { 'hmac-key': null } } },
        });
        expect(cleared.status).toBe(200);
        expect(cleared.json.data.attributes['hmac-key']).toBeNull();
        expect(s.control.tasks().find((task) => task.id === taskId)?.hmacKey).toBeNull();
        service.script('rekeyed', { hmacKey: null, callbacks: [{ status: 'passed' }] });
        s.control.startRun({ workspaceId: s.workspaceId });
        await s.settle(service);
        expect(service.received).toHaveLength(2);
        expect(service.received[1]?.headers['x-tfc-task-signature']).toBe('');
        expect(service.received[1]?.signatureValid).toBe(true);
      });

      it('22: DELETE → 204, then GET and DELETE → 404', async () => {
        const taskId = await createTask();
        const deleted = await s.api(`/api/v2/tasks/${taskId}`, { method: 'DELETE' });
        expect(deleted.status).toBe(204);
        expect(deleted.text).toBe('');
        expect((await s.api(`/api/v2/tasks/${taskId}`)).status).toBe(404);
        expect((await s.api(`/api/v2/tasks/${taskId}`, { method: 'DELETE' })).status).toBe(404);
      });
    });

    describe('workspace associations', () => {
      it('24: create → 201 workspace-tasks with defaults', async () => {
        const taskId = await createTask();
        const response = await associate(taskId);
        expect(response.status).toBe(201);
        const data = response.json.data;
        expect(data.type).toBe('workspace-tasks');
        expect(data.id).toMatch(/^wstask-[1-9A-HJ-NP-Za-km-z]{16}$/);
        expect(data.attributes).toMatchObject({
          'enforcement-level': 'advisory',
          stage: 'post_plan',
          stages: ['post_plan'],
        });
        expect(data.relationships.task.data).toEqual({ id: taskId, type: 'tasks' });
        expect(data.relationships.workspace.data).toEqual({
          id: s.workspaceId,
          type: 'workspaces',
        });
      });

      it.each([
        [{ stages: ['pre_plan', 'post_plan'] }, 'pre_plan', ['pre_plan', 'post_plan']],
        [{ stages: ['post_plan', 'pre_plan'] }, 'post_plan', ['post_plan', 'pre_plan']],
        [{ stage: 'pre_plan' }, 'pre_plan', ['pre_plan']],
        [{}, 'post_plan', ['post_plan']],
      ])('25–27: %j → stage %s, stages %j', async (extra, stage, stages) => {
        const response = await associate(await createTask(), {
          'enforcement-level': 'mandatory',
          ...extra,
        });
        expect(response.status).toBe(201);
        expect(response.json.data.attributes).toMatchObject({ stage, stages });
      });

      it.each([
        [{ 'enforcement-level': 'strict' }, '/data/attributes/enforcement-level'],
        [{}, '/data/attributes/enforcement-level'],
        [{ 'enforcement-level': 'advisory', stage: 'pre-apply' }, '/data/attributes/stage'],
        [
          { 'enforcement-level': 'advisory', stages: ['post_plan', 'later'] },
          '/data/attributes/stages',
        ],
      ])('28: %j → 422', async (attributes, pointer) => {
        const response = await associate(await createTask(), attributes);
        expect(response.status).toBe(422);
        expect(response.json.errors[0].source.pointer).toBe(pointer);
      });

      it('29: unknown workspace or task → 404', async () => {
        const taskId = await createTask();
        const noWorkspace = await s.api('/api/v2/workspaces/ws-doesnotexist1234/tasks', {
          method: 'POST',
          body: associationDocument(taskId, { 'enforcement-level': 'advisory' }),
        });
        expect(noWorkspace.status).toBe(404);
        expect((await associate('task-doesnotexist123')).status).toBe(404);
      });

      it('30–32: list, patch without data.id, delete', async () => {
        const first = (await associate(await createTask())).json.data.id;
        await associate(await createTask());
        const list = await s.api(`/api/v2/workspaces/${s.workspaceId}/tasks`);
        expect(list.json.data).toHaveLength(2);
        expect(list.json.meta.pagination['total-count']).toBe(2);
        const patched = await s.api(`/api/v2/workspaces/${s.workspaceId}/tasks/${first}`, {
          method: 'PATCH',
          body: {
            data: {
              type: 'workspace-tasks',
              attributes: { 'enforcement-level': 'mandatory', stages: ['pre_apply', 'post_apply'] },
            },
          },
        });
        expect(patched.status).toBe(200);
        expect(patched.json.data.attributes).toMatchObject({
          'enforcement-level': 'mandatory',
          stage: 'pre_apply',
          stages: ['pre_apply', 'post_apply'],
        });
        const path = `/api/v2/workspaces/${s.workspaceId}/tasks/${first}`;
        expect((await s.api(path, { method: 'DELETE' })).status).toBe(204);
        expect((await s.api(path, { method: 'DELETE' })).status).toBe(404);
        expect((await s.api(path)).status).toBe(404);
        expect(
          (await s.api(`/api/v2/workspaces/does-not-exist/tasks/${first}`, { method: 'DELETE' }))
            .status,
        ).toBe(404);
      });
    });

    describe('integration protocol and stages', () => {
      async function taskOnWorkspace(
        script: string,
        key: string | null,
        attributes: Record<string, unknown>,
      ) {
        service.script(script, {
          hmacKey: key,
          callbacks: [{ status: 'running' }, { status: 'passed', message: 'ok' }],
        });
        const taskId = await createTask({
          name: script,
          url: service.taskUrl(script),
          'hmac-key': key ?? '',
        });
        expect((await associate(taskId, attributes)).status).toBe(201);
        return taskId;
      }

      it('33/34/35/41/42/46: a post_plan run: signed request with every field, callbacks, stage read', async () => {
        const taskId = await taskOnWorkspace('signed', 'k3y', { 'enforcement-level': 'mandatory' });
        const run = s.control.startRun({ workspaceId: s.workspaceId, message: 'hello' });
        await s.settle(service);
        const [request] = service.received;
        expect(request?.signatureValid).toBe(true);
        expect(request?.headers['content-type']).toBe('application/json');
        expect(request?.headers['user-agent']).toBe('TFC/1.0 (+https://app.terraform.io; TFC)');
        expect(request?.headers['x-tfc-task-signature']).toBe(
          createHmac('sha512', 'k3y')
            .update(request?.body ?? '')
            .digest('hex'),
        );
        expect(Object.keys(request?.payload ?? {}).sort()).toEqual([
          'access_token',
          'capabilities',
          'configuration_version_download_url',
          'configuration_version_id',
          'is_speculative',
          'organization_name',
          'payload_version',
          'plan_json_api_url',
          'run_app_url',
          'run_created_at',
          'run_created_by',
          'run_id',
          'run_message',
          'stage',
          'task_result_callback_url',
          'task_result_enforcement_level',
          'task_result_id',
          'vcs_branch',
          'vcs_commit_hash',
          'vcs_commit_url',
          'vcs_pull_request_url',
          'vcs_repo_url',
          'workspace_app_url',
          'workspace_id',
          'workspace_name',
          'workspace_working_directory',
        ]);
        expect(request?.payload).toMatchObject({
          payload_version: 1,
          stage: 'post_plan',
          capabilities: { outcomes: true },
          is_speculative: false,
          organization_name: s.org,
          run_id: run.id,
          run_message: 'hello',
          task_result_enforcement_level: 'mandatory',
          vcs_branch: null,
          vcs_repo_url: null,
          workspace_id: s.workspaceId,
          workspace_name: 'ws-main',
        });
        expect(request?.payload.plan_json_api_url).toMatch(
          /\/api\/v2\/plans\/plan-.+\/json-output$/,
        );
        expect(service.callbacks.map((c) => c.status)).toEqual([200, 200]);

        const stages = await s.api(`/api/v2/runs/${run.id}/task-stages`);
        expect(stages.json.data).toHaveLength(1);
        const stage = stages.json.data[0];
        expect(stage.attributes).toMatchObject({ stage: 'post_plan', status: 'passed' });
        expect(Object.keys(stage.attributes['status-timestamps']).sort()).toEqual([
          'passed-at',
          'running-at',
        ]);
        const plain = await s.api(`/api/v2/task-stages/${stage.id}`);
        expect(plain.json.included).toBeUndefined();
        expect(plain.json.data.relationships['task-results'].data).toHaveLength(1);
        const full = await s.api(`/api/v2/task-stages/${stage.id}?include=task_results`);
        expect(full.json.included[0].attributes).toMatchObject({
          status: 'passed',
          message: 'ok',
          'task-id': taskId,
          'task-name': 'signed',
          stage: 'post_plan',
          'is-speculative': false,
          'workspace-task-enforcement-level': 'mandatory',
        });
        expect(s.control.run(run.id)?.status).toBe('applied');
      });

      it('34/41/42/46: one stage per run stage, one result per task, payloads per stage', async () => {
        const first = await taskOnWorkspace('both', null, {
          'enforcement-level': 'mandatory',
          stages: ['pre_plan', 'post_plan'],
        });
        await taskOnWorkspace('plan-only', null, { 'enforcement-level': 'advisory' });
        const associations = (await s.api(`/api/v2/workspaces/${s.workspaceId}/tasks`)).json.data;
        const associationOf = (taskId: string) =>
          associations.find(
            (item: { relationships: { task: { data: { id: string } } } }) =>
              item.relationships.task.data.id === taskId,
          ).id;
        const run = s.control.startRun({ workspaceId: s.workspaceId });
        await s.settle(service);

        const byStage = (stage: string) =>
          service.received.filter((r) => r.payload.stage === stage).map((r) => r.payload);
        expect(byStage('pre_plan')).toHaveLength(1);
        expect(byStage('pre_plan')[0]?.plan_json_api_url ?? null).toBeNull();
        expect(byStage('post_plan')).toHaveLength(2);
        for (const payload of byStage('post_plan')) {
          expect(payload.plan_json_api_url).toMatch(/\/json-output$/);
        }
        expect(
          byStage('post_plan')
            .map((p) => p.task_result_enforcement_level)
            .sort(),
        ).toEqual(['advisory', 'mandatory']);

        const stages = await s.api(`/api/v2/runs/${run.id}/task-stages`);
        expect(
          stages.json.data.map(
            (stage: { attributes: { stage: string } }) => stage.attributes.stage,
          ),
        ).toEqual(['pre_plan', 'post_plan']);
        expect(
          stages.json.data.map(
            (stage: { relationships: { 'task-results': { data: unknown[] } } }) =>
              stage.relationships['task-results'].data.length,
          ),
        ).toEqual([1, 2]);
        const postPlan = await s.api(
          `/api/v2/task-stages/${stages.json.data[1].id}?include=task_results`,
        );
        const included = postPlan.json.included.find(
          (item: { attributes: Record<string, unknown> }) => item.attributes['task-id'] === first,
        );
        expect(included.type).toBe('task-results');
        expect(included.attributes).toMatchObject({
          'task-name': 'both',
          'workspace-task-id': associationOf(first),
          'workspace-task-enforcement-level': 'mandatory',
          stage: 'post_plan',
          'is-speculative': false,
        });
        const result = await s.api(`/api/v2/task-results/${included.id}`);
        expect(Object.keys(result.json.data.attributes['status-timestamps']).sort()).toEqual([
          'passed-at',
          'running-at',
        ]);
      });

      it('33: without a key the signature header is empty', async () => {
        await taskOnWorkspace('unsigned', null, { 'enforcement-level': 'advisory' });
        s.control.startRun({ workspaceId: s.workspaceId });
        await s.settle(service);
        expect(service.received[0]?.headers['x-tfc-task-signature']).toBe('');
      });

      it('35: only 200 counts as accepted', async () => {
        s.control.setKnobs({ dispatchRetries: 0 });
        service.script('accepted202', { status: 202 });
        const taskId = await createTask({
          name: 'accepted202',
          url: service.taskUrl('accepted202'),
        });
        await associate(taskId, { 'enforcement-level': 'advisory' });
        const run = s.control.startRun({ workspaceId: s.workspaceId });
        await s.settle(service);
        expect(s.control.webhooks({ kind: 'run-task' })[0]).toMatchObject({
          accepted: false,
          response: { status: 202 },
        });
        expect(s.control.run(run.id)?.stages[0]?.results[0]?.status).toBe('errored');
      });

      it('36/37/38: callback statuses and tokens', async () => {
        service.script('manual', {});
        const taskId = await createTask({ name: 'manual', url: service.taskUrl('manual') });
        await associate(taskId, { 'enforcement-level': 'advisory' });
        s.control.startRun({ workspaceId: s.workspaceId });
        await s.settle(service);
        const payload = service.received[0]?.payload ?? {};
        const callbackPath = new URL(String(payload.task_result_callback_url)).pathname;
        const patch = (status: string, token = String(payload.access_token)) =>
          s.api(callbackPath, {
            method: 'PATCH',
            token,
            body: { data: { type: 'task-results', attributes: { status } } },
          });
        for (const status of ['pending', 'errored', 'foo'])
          expect((await patch(status)).status).toBe(422);
        expect((await patch('running', 'wrong-token')).status).toBe(401);
        const running = await patch('running');
        expect(running.status).toBe(200);
        expect(running.json.data.attributes.status).toBe('running');
        expect((await patch('passed')).status).toBe(200);
        expect(s.control.result(String(payload.task_result_id))?.status).toBe('passed');
      });

      it('44: a failing post_apply task never fails the run', async () => {
        service.script('after', { callbacks: [{ status: 'failed' }] });
        const taskId = await createTask({ name: 'after', url: service.taskUrl('after') });
        await associate(taskId, { 'enforcement-level': 'mandatory', stages: ['post_apply'] });
        const run = s.control.startRun({ workspaceId: s.workspaceId });
        await s.settle(service);
        const view = s.control.run(run.id);
        expect(view?.stages[0]).toMatchObject({ stage: 'post_apply', status: 'passed' });
        expect(view?.status).toBe('applied');
      });

      it('45: speculative runs get pre_plan/post_plan stages, never pre_apply', async () => {
        service.script('all', { callbacks: [{ status: 'passed' }] });
        const taskId = await createTask({ name: 'all', url: service.taskUrl('all') });
        await associate(taskId, {
          'enforcement-level': 'advisory',
          stages: ['pre_plan', 'post_plan', 'pre_apply', 'post_apply'],
        });
        const run = s.control.startRun({ workspaceId: s.workspaceId, speculative: true });
        await s.settle(service);
        const view = s.control.run(run.id);
        expect(view?.stages.map((stage) => stage.stage)).toEqual(['pre_plan', 'post_plan']);
        expect(service.received.map((r) => r.payload.is_speculative)).toEqual([true, true]);
        expect(view?.status).toBe('planned_and_finished');
      });
    });

    describe('outcomes reads (§6.4)', () => {
      const DENIED = {
        type: 'task-result-outcomes',
        attributes: {
          'outcome-id': 'PRTNR-CC-TF-127',
          description: 'ST-2942: S3 Bucket will not enforce MFA login on delete requests',
          tags: {
            Status: [{ label: 'Denied', level: 'error' }],
            Severity: [
              { label: 'High', level: 'error' },
              { label: 'Recoverable', level: 'info' },
            ],
            'Cost Centre': [{ label: 'IT-OPS' }],
          },
          body: '# Resolution for issue ST-2942\n\n## Impact\n',
          url: 'https://external.service.dev/result/PRTNR-CC-TF-127',
        },
      };
      const outcome = (id: string) => ({
        type: 'task-result-outcomes',
        attributes: { 'outcome-id': id, description: `about ${id}` },
      });

      /** A run whose task sends three outcomes over two callbacks; the result's ID. */
      async function resultWithOutcomes(): Promise<string> {
        service.script('outcomes', {
          callbacks: [
            { status: 'running', outcomes: [DENIED, outcome('SECOND')] },
            { status: 'failed', outcomes: [outcome('THIRD')] },
          ],
        });
        const taskId = await createTask({ name: 'outcomes', url: service.taskUrl('outcomes') });
        await associate(taskId);
        s.control.startRun({ workspaceId: s.workspaceId });
        await s.settle(service);
        expect(service.callbacks.map((c) => c.status)).toEqual([200, 200]);
        return String(service.received[0]?.payload.task_result_id);
      }

      it('GET /task-results/:id/outcomes lists what the callbacks sent, in order', async () => {
        const resultId = await resultWithOutcomes();
        const result = await s.api(`/api/v2/task-results/${resultId}`);
        expect(result.json.data.attributes['task-result-outcomes-count']).toBe(3);

        const list = await s.api(`/api/v2/task-results/${resultId}/outcomes`);
        expect(list.status).toBe(200);
        expect(list.headers.get('content-type')).toMatch(/^application\/vnd\.api\+json/);
        expect(
          list.json.data.map((item: { attributes: Record<string, unknown> }) => [
            item.attributes['outcome-id'],
            item.attributes.description,
          ]),
        ).toEqual([
          ['PRTNR-CC-TF-127', DENIED.attributes.description],
          ['SECOND', 'about SECOND'],
          ['THIRD', 'about THIRD'],
        ]);
        const [denied] = list.json.data;
        expect(denied).toEqual({
          id: expect.any(String),
          type: 'task-result-outcomes',
          attributes: {
            'outcome-id': 'PRTNR-CC-TF-127',
            description: DENIED.attributes.description,
            url: DENIED.attributes.url,
            'created-at': new Date(s.clock.now()).toISOString(),
            tags: [
              { label: 'Status', value: [{ label: 'Denied', level: 'error' }] },
              {
                label: 'Severity',
                value: [
                  { label: 'High', level: 'error' },
                  { label: 'Recoverable', level: 'info' },
                ],
              },
              { label: 'Cost Centre', value: [{ label: 'IT-OPS', level: 'none' }] },
            ],
          },
          relationships: { 'task-result': { data: { id: resultId, type: 'task-results' } } },
          links: {
            self: `/api/v2/task-result-outcomes/${denied.id}`,
            body: `/api/v2/task-result-outcomes/${denied.id}/body`,
          },
        });
        // Without a body there is no body link; without tags the list is empty.
        expect(list.json.data[1].links).toEqual({
          self: `/api/v2/task-result-outcomes/${list.json.data[1].id}`,
        });
        expect(list.json.data[1].attributes).toMatchObject({ url: null, tags: [] });
        expect(list.json.meta.pagination).toEqual({
          'current-page': 1,
          'page-size': 20,
          'prev-page': null,
          'next-page': null,
          'total-pages': 1,
          'total-count': 3,
        });
        expect(list.json.links.self).toBe(
          `${s.url}/api/v2/task-results/${resultId}/outcomes?page%5Bnumber%5D=1&page%5Bsize%5D=20`,
        );
      });

      it('the outcomes list is paginated', async () => {
        const resultId = await resultWithOutcomes();
        const base = `/api/v2/task-results/${resultId}/outcomes`;
        const first = await s.api(`${base}?page%5Bsize%5D=2`);
        expect(first.json.data).toHaveLength(2);
        expect(first.json.meta.pagination).toMatchObject({
          'current-page': 1,
          'next-page': 2,
          'total-pages': 2,
          'total-count': 3,
        });
        expect(first.json.links.next).toBe(`${s.url}${base}?page%5Bnumber%5D=2&page%5Bsize%5D=2`);
        const second = await s.api(`${base}?page[number]=2&page[size]=2`);
        expect(
          second.json.data.map(
            (item: { attributes: Record<string, unknown> }) => item.attributes['outcome-id'],
          ),
        ).toEqual(['THIRD']);
        expect(second.json.meta.pagination).toMatchObject({ 'prev-page': 1, 'next-page': null });
      });

      it('GET /task-result-outcomes/:id shows one outcome; its body link serves the markdown', async () => {
        const resultId = await resultWithOutcomes();
        const list = await s.api(`/api/v2/task-results/${resultId}/outcomes`);
        for (const item of list.json.data) {
          const shown = await s.api(`/api/v2/task-result-outcomes/${item.id}`);
          expect(shown.status).toBe(200);
          expect(shown.json).toEqual({ data: item });
        }
        const body = await s.api(list.json.data[0].links.body);
        expect(body.status).toBe(200);
        expect(body.text).toBe(DENIED.attributes.body);
        const noBody = await s.api(`/api/v2/task-result-outcomes/${list.json.data[1].id}/body`);
        expect(noBody.status).toBe(404);
      });

      it('unknown or invisible results and outcomes → 404; include is not supported → 400', async () => {
        const resultId = await resultWithOutcomes();
        const list = await s.api(`/api/v2/task-results/${resultId}/outcomes`);
        const outcomeId = list.json.data[0].id;
        const notFound = { errors: [{ status: '404', title: 'not found' }] };
        for (const path of [
          '/api/v2/task-results/taskrs-doesnotexist1234/outcomes',
          '/api/v2/task-result-outcomes/taskrout-doesnotexist12',
          '/api/v2/task-result-outcomes/taskrout-doesnotexist12/body',
        ]) {
          const response = await s.api(path);
          expect(response.status).toBe(404);
          expect(response.json).toEqual(notFound);
        }
        s.control.createOrganization({ name: `${s.org}-other` });
        const stranger = s.control.createToken({ organizations: [`${s.org}-other`] });
        for (const path of [
          `/api/v2/task-results/${resultId}/outcomes`,
          `/api/v2/task-result-outcomes/${outcomeId}`,
          `/api/v2/task-result-outcomes/${outcomeId}/body`,
        ]) {
          const response = await s.api(path, { token: stranger });
          expect(response.status).toBe(404);
          expect(response.json).toEqual(notFound);
        }
        for (const path of [
          `/api/v2/task-results/${resultId}/outcomes?include=task_result`,
          `/api/v2/task-result-outcomes/${outcomeId}?include=task_result`,
        ]) {
          const response = await s.api(path);
          expect(response.status).toBe(400);
          expect(response.json.errors[0]).toMatchObject({ detail: 'Invalid include parameter' });
        }
      });

      it('49: a result without outcomes lists none, with meta.pagination', async () => {
        service.script('plain', { callbacks: [{ status: 'passed' }] });
        await associate(await createTask({ name: 'plain', url: service.taskUrl('plain') }));
        s.control.startRun({ workspaceId: s.workspaceId });
        await s.settle(service);
        const resultId = String(service.received[0]?.payload.task_result_id);
        const list = await s.api(`/api/v2/task-results/${resultId}/outcomes`);
        expect(list.status).toBe(200);
        expect(list.json.data).toEqual([]);
        expect(list.json.meta.pagination).toMatchObject({ 'total-count': 0, 'total-pages': 0 });
      });
    });

    describe('bootstrap and documents', () => {
      it('48: ping headers and service discovery', async () => {
        const ping = await s.api('/api/v2/ping');
        expect(ping.headers.get('tfp-appname')).toBe('HCP Terraform');
        expect(ping.headers.get('tfp-api-version')).toMatch(/^\d+\.\d+$/);
        const discovery = await s.api('/.well-known/terraform.json', { token: null });
        expect(discovery.json).toEqual({
          'tfe.v2': '/api/v2/',
          'tfe.v2.1': '/api/v2/',
          'tfe.v2.2': '/api/v2/',
        });
      });

      it('49/50: every list has meta.pagination; errors are JSON:API with string status', async () => {
        const taskId = await createTask();
        await associate(taskId);
        const run = s.control.startRun({ workspaceId: s.workspaceId, speculative: true });
        for (const path of [
          `/api/v2/organizations/${s.org}/tasks`,
          `/api/v2/workspaces/${s.workspaceId}/tasks`,
          `/api/v2/runs/${run.id}/task-stages`,
          `/api/v2/tasks/${taskId}/relationships/workspace-tasks`,
        ]) {
          const response = await s.api(path);
          expect(response.headers.get('content-type')).toMatch(/^application\/vnd\.api\+json/);
          expect(response.json.meta.pagination['total-count']).toEqual(expect.any(Number));
        }
        const missing = await s.api('/api/v2/nothing-here');
        expect(missing.status).toBe(404);
        expect(missing.headers.get('content-type')).toMatch(/^application\/vnd\.api\+json/);
        expect(typeof missing.json.errors[0].status).toBe('string');
        await s.settle(service);
      });

      it('7.6: organization, entitlement set and workspace reads', async () => {
        expect((await s.api(`/api/v2/organizations/${s.org}`)).json.data.id).toBe(s.org);
        expect(
          (await s.api(`/api/v2/organizations/${s.org}/entitlement-set`)).json.data.attributes[
            'run-tasks'
          ],
        ).toBe(true);
        expect((await s.api(`/api/v2/workspaces/${s.workspaceId}`)).json.data.attributes.name).toBe(
          'ws-main',
        );
        expect(
          (await s.api(`/api/v2/organizations/${s.org}/workspaces/ws-main`)).json.data.id,
        ).toBe(s.workspaceId);
      });
    });
  });
}
