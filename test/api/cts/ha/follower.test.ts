/**
 * `ctsApi({ leadership })`: what a CTS Enterprise HA follower answers
 * (research/cts-ha.md §2–§3, checklist items 3–17 and 20), served on a real
 * port, against a stub of the cluster.
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ctsApi } from '../../../../src/api/cts/app.ts';
import { createCtsEngine } from '../../../../src/api/cts/cts-engine.ts';
import {
  type CtsClusterView,
  type CtsLeaderInfo,
  type CtsLeadership,
  type CtsRedirectOptions,
  clusterStatusResponse,
} from '../../../../src/api/cts/ha/leadership.ts';
import {
  MESSAGE_BODY_REQUIRED,
  MESSAGE_HA_NOT_AVAILABLE,
  MESSAGE_REDIRECT_TO_LEADER,
  MESSAGE_RUN_EMPTY,
  MESSAGE_RUN_NOT_ALLOWED,
  redirectToLeaderMessage,
} from '../../../../src/api/cts/messages.ts';
import type { Engine } from '../../../../src/engine/engine.ts';
import { VirtualClock } from '../../../../src/engine/virtual-clock.ts';
import { type Listening, listen } from '../../../../src/node.ts';
import {
  expectJson,
  expectValidatorError,
  type HttpOptions,
  type HttpResult,
  http,
  json,
  legacyErrorBody,
  parse,
  sendErrorBody,
  UUID,
} from '../../../contract/http.ts';

const task = (name: string) => ({
  name,
  module: 'org/mod/aws',
  condition: { services: { names: ['api'] } },
});

interface StubState {
  isLeader: boolean;
  leader: CtsLeaderInfo | undefined;
  redirect: CtsRedirectOptions;
  view: CtsClusterView;
}

const CLUSTER: CtsClusterView = {
  clusterName: 'cluster-a',
  members: [
    { id: 'cts-03', serviceName: 'consul-terraform-sync', healthy: true, leader: false },
    // Out of order, with an address a follower must not show.
    {
      id: 'cts-01',
      serviceName: 'consul-terraform-sync',
      healthy: true,
      leader: false,
      address: 'cts-01.example.com',
    },
    {
      id: 'cts-02',
      serviceName: 'consul-terraform-sync',
      healthy: true,
      leader: true,
      address: 'cts-02.example.com',
    },
  ],
};

describe('a CTS Enterprise follower', () => {
  const state: StubState = {
    isLeader: false,
    leader: undefined,
    redirect: {},
    view: CLUSTER,
  };
  const leadership: CtsLeadership = {
    isLeader: () => state.isLeader,
    leader: () => state.leader,
    cluster: () => state.view,
    get redirect() {
      return state.redirect;
    },
  };
  let engines: Engine[];
  let member: Listening;
  let oss: Listening;
  const call = (method: string, path: string, options?: HttpOptions): Promise<HttpResult> =>
    http(member.url, method, path, options);

  beforeAll(async () => {
    const clock = new VirtualClock();
    engines = [createCtsEngine({ clock }), createCtsEngine({ clock })];
    member = await listen(ctsApi({ engine: engines[0] as Engine, enterprise: true, leadership }));
    oss = await listen(ctsApi({ engine: engines[1] as Engine }));
  });
  afterAll(async () => {
    await member?.close();
    await oss?.close();
    await Promise.all(engines.map((engine) => engine.close()));
  });
  beforeEach(() => {
    state.isLeader = false;
    state.leader = { id: 'cts-02', address: 'cts-02.example.com', port: 8558 };
    state.redirect = {};
    state.view = CLUSTER;
  });

  const REDIRECT = redirectToLeaderMessage('cts-02', 'cts-02.example.com:8558');

  it('answers OPTIONS on any path with 200, an empty body and the CORS headers (item 3)', async () => {
    for (const path of ['/v1/tasks', '/v1/status', '/v1/tasks/web', '/v1/foo']) {
      const result = await call('OPTIONS', path);
      expect({ path, status: result.status, text: result.text }).toEqual({
        path,
        status: 200,
        text: '',
      });
      expect(result.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('answers GET /v1/health with 200 {} (item 4)', async () => {
    expectJson(await call('GET', '/v1/health'), 200, '{}');
  });

  it('answers GET /v1/status/cluster with the cluster: leader first, address on the leader only (items 5, 15–17)', async () => {
    const result = await call('GET', '/v1/status/cluster');
    expectJson(
      result,
      200,
      JSON.stringify({
        cluster_name: 'cluster-a',
        members: [
          {
            address: 'cts-02.example.com',
            healthy: true,
            id: 'cts-02',
            leader: true,
            service_name: 'consul-terraform-sync',
          },
          { healthy: true, id: 'cts-03', leader: false, service_name: 'consul-terraform-sync' },
          { healthy: true, id: 'cts-01', leader: false, service_name: 'consul-terraform-sync' },
        ],
        request_id: '<id>',
      }),
    );
    expect(parse<{ request_id: string }>(result).request_id).toMatch(UUID);
  });

  it('omits the address of a leader that configured none, and shows no leader during an election', () => {
    const body = async (view: CtsClusterView) =>
      JSON.parse(await clusterStatusResponse(view, 'id').text()) as {
        members: Record<string, unknown>[];
      };
    return Promise.all([
      body({
        clusterName: 'c',
        members: [{ id: 'a', serviceName: 's', healthy: true, leader: true }],
      }).then((parsed) => expect(Object.keys(parsed.members[0] ?? {})).not.toContain('address')),
      body({
        clusterName: 'c',
        members: [
          { id: 'a', serviceName: 's', healthy: false, leader: false, address: 'x' },
          { id: 'b', serviceName: 's', healthy: true, leader: false },
        ],
      }).then((parsed) =>
        expect(parsed.members).toEqual([
          { healthy: false, id: 'a', leader: false, service_name: 's' },
          { healthy: true, id: 'b', leader: false, service_name: 's' },
        ]),
      ),
    ]);
  });

  const REDIRECTED: [string, string, HttpOptions?][] = [
    // Status routes (item 6), their parameters unchecked.
    ['GET', '/v1/status'],
    ['GET', '/v1/status/tasks'],
    ['GET', '/v1/status/tasks/web'],
    ['GET', '/v1/status/tasks?status=bogus'],
    ['GET', '/v1/status/tasks/web?include=nope'],
    ['POST', '/v1/status'],
    // Task routes, reads as well as writes (item 7).
    ['GET', '/v1/tasks'],
    ['POST', '/v1/tasks', json({ task: task('web') })],
    ['POST', '/v1/tasks?run=now', json({ task: task('web') })],
    ['POST', '/v1/tasks?run=inspect', json({ task: task('web') })],
    ['GET', '/v1/tasks/web'],
    ['DELETE', '/v1/tasks/web'],
    ['PATCH', '/v1/tasks/web', json({ enabled: false })],
    // Never the OSS 400/404/405 texts (item 9).
    ['GET', '/v1/tasks/unknown'],
    ['DELETE', '/v1/tasks/unknown'],
    ['PATCH', '/v1/tasks/unknown', json({ enabled: true })],
    ['PATCH', '/v1/tasks/web', { body: 'not json' }],
    ['PATCH', '/v1/tasks/web?run=bogus', json({ enabled: true })],
    ['PATCH', '/v1/tasks', json({ enabled: true })],
    ['PUT', '/v1/tasks'],
    ['GET', '/v1/tasks/a/b'],
    // The generated binder, not the validator, refuses a repeated run: after the interceptor.
    ['POST', '/v1/tasks?run=now&run=inspect', json({ task: task('web') })],
    // Unknown /v1 paths (item 10, the reference's default).
    ['GET', '/v1/foo'],
  ];

  it('redirects every task and status request to the leader with a 400 (items 6, 7, 9, 10, 11, 14)', async () => {
    for (const [method, path, options] of REDIRECTED) {
      const result = await call(method, path, options);
      expect({ request: `${method} ${path}`, status: result.status, text: result.text }).toEqual({
        request: `${method} ${path}`,
        status: 400,
        text: `${legacyErrorBody(REDIRECT)}\n`,
      });
      expect(result.headers.get('content-type')).toBe('application/json');
      expect(result.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('validates POST /v1/tasks before redirecting it, as the leader would (item 8)', async () => {
    const cases: [string, HttpOptions, string | undefined][] = [
      ['/v1/tasks', { body: '' }, MESSAGE_BODY_REQUIRED],
      ['/v1/tasks', json({ task: { ...task('web'), services: ['a'] } }), undefined],
      ['/v1/tasks', json({ task: { module: 'm', condition: {} } }), undefined],
      [
        '/v1/tasks',
        { body: JSON.stringify({ task: task('web') }), contentType: 'text/plain' },
        undefined,
      ],
      ['/v1/tasks', { body: '{"task":' }, undefined],
      ['/v1/tasks?run=', json({ task: task('web') }), MESSAGE_RUN_EMPTY],
      ['/v1/tasks?run=NOW', json({ task: task('web') }), MESSAGE_RUN_NOT_ALLOWED],
    ];
    for (const [path, options, known] of cases) {
      const onFollower = await call('POST', path, options);
      const onOss = await http(oss.url, 'POST', path, options);
      const message = parse<{ error: { message: string } }>(onOss).error.message;
      if (known !== undefined) expect(message).toBe(known);
      expect(onOss.status).toBe(400);
      expectValidatorError(onFollower, message);
    }
  });

  it('names the leader without an address when it configured none (item 12)', async () => {
    state.leader = { id: 'cts-02', port: 8558 };
    expectJson(
      await call('GET', '/v1/tasks'),
      400,
      legacyErrorBody("redirect requests to leader 'cts-02'"),
    );
  });

  it('names no leader while nobody holds the lock (item 13)', async () => {
    state.leader = undefined;
    expectJson(await call('GET', '/v1/status'), 400, legacyErrorBody(MESSAGE_REDIRECT_TO_LEADER));
    expectJson(
      await call('POST', '/v1/tasks', json({ task: task('web') })),
      400,
      legacyErrorBody('redirect requests to leader'),
    );
  });

  it('can add a request_id and write the address as configured (uncertain items, behind options)', async () => {
    state.redirect = { requestId: true, address: 'address' };
    expectJson(
      await call('DELETE', '/v1/tasks/web'),
      400,
      sendErrorBody("redirect requests to leader 'cts-02' at cts-02.example.com"),
    );
  });

  it('serves the API as usual once it leads, with the cluster on /v1/status/cluster', async () => {
    state.isLeader = true;
    expectJson(await call('GET', '/v1/tasks'), 200, '{"request_id":"<id>","tasks":[]}');
    expectJson(
      await call('GET', '/v1/tasks/unknown'),
      404,
      sendErrorBody("a task with name 'unknown' does not exist or has not been initialized yet"),
    );
    expect((await call('GET', '/v1/status/cluster')).status).toBe(200);
    expect((await call('POST', '/v1/tasks', json({ task: task('web') }))).status).toBe(201);
    expect(parse<{ tasks: unknown[] }>(await call('GET', '/v1/tasks')).tasks).toHaveLength(1);
  });

  it('leaves an instance without a cluster as it was: /v1/status/cluster is a 405 (item 20)', async () => {
    expectJson(
      await http(oss.url, 'GET', '/v1/status/cluster'),
      405,
      sendErrorBody(MESSAGE_HA_NOT_AVAILABLE),
    );
    expect((await http(oss.url, 'GET', '/v1/status')).status).toBe(200);
  });
});

describe('redirectToLeaderMessage', () => {
  it('has the three documented forms', () => {
    expect(redirectToLeaderMessage('cts-01', 'cts-01.example.com:8558')).toBe(
      "redirect requests to leader 'cts-01' at cts-01.example.com:8558",
    );
    expect(redirectToLeaderMessage('cts-01')).toBe("redirect requests to leader 'cts-01'");
    expect(redirectToLeaderMessage()).toBe('redirect requests to leader');
  });
});
