/**
 * The simulated CTS Enterprise HA cluster as a test suite meets it: real
 * members listening on 127.0.0.1, one leader, followers that redirect, and
 * failover on the virtual clock (research/cts-ha.md, checklist §8).
 */

import { afterEach, describe, expect, it } from 'vitest';
import {
  MESSAGE_HA_NOT_AVAILABLE,
  redirectToLeaderMessage,
  terraformVersionUnsupportedMessage,
} from '../../src/api/cts/messages.ts';
import type { CtsClusterOptions } from '../../src/testing/cts/cluster/options.ts';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import {
  expectJson,
  type HttpOptions,
  type HttpResult,
  http,
  json,
  legacyErrorBody,
  parse,
  sendErrorBody,
  withoutRequestId,
} from '../contract/http.ts';

const servicesTask = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  module: 'org/mod/aws',
  condition: { services: { names: ['api'] } },
  buffer_period: { enabled: false },
  ...extra,
});

interface Member {
  id: string;
  url: string;
  port: number;
}

interface ClusterBody {
  cluster_name: string;
  members: { id: string; leader: boolean; healthy: boolean; address?: string }[];
}

interface StatusEntry {
  status: string;
  enabled: boolean;
  events?: { id: string; success: boolean; error: { message: string } | null }[];
}

let fake: FakeServer | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function startCluster(cluster: Partial<CtsClusterOptions> = {}): Promise<FakeServer> {
  fake = await startFakeServer({
    clock: 'virtual',
    dialects: ['cts'],
    cts: { cluster: { name: 'cluster-a', members: 3, ...cluster } },
  });
  return fake;
}

function members(server: FakeServer): Member[] {
  return server.control.ctsCluster.members().map((member) => ({
    id: member.id,
    url: member.url as string,
    port: member.port as number,
  }));
}

/** The redirect 400 a follower answers while `leader` leads. */
function redirectTo(leader: Member): string {
  return legacyErrorBody(redirectToLeaderMessage(leader.id, `127.0.0.1:${leader.port}`));
}

/**
 * A client that follows the follower's message to the leader, as a user
 * would: re-send the request to `<address>` from `… at <address>`.
 */
async function followingLeader(
  base: string,
  method: string,
  path: string,
  options?: HttpOptions,
): Promise<{ result: HttpResult; servedBy: string }> {
  let url = base;
  for (let hop = 0; hop < 3; hop++) {
    const result = await http(url, method, path, options);
    if (result.status !== 400) return { result, servedBy: url };
    const message = (JSON.parse(result.text) as { error?: { message?: string } }).error?.message;
    const match = /^redirect requests to leader '[^']+' at (\S+)$/.exec(message ?? '');
    if (match?.[1] === undefined) return { result, servedBy: url };
    url = `http://${match[1]}`;
  }
  throw new Error('redirected in a loop');
}

async function statusOf(base: string, name?: string): Promise<Record<string, StatusEntry>> {
  const path = name === undefined ? '/v1/status/tasks' : `/v1/status/tasks/${name}`;
  const result = await http(base, 'GET', `${path}?include=events`);
  expect(result.status, result.text).toBe(200);
  return parse(result);
}

async function create(base: string, task: unknown, query = ''): Promise<HttpResult> {
  return http(base, 'POST', `/v1/tasks${query}`, json({ task }));
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/v1/health`);
    return false;
  } catch {
    return true;
  }
}

describe('a simulated CTS cluster', () => {
  it('starts every member on its own port, the first one leading (items 1, 2, 5, 15–18)', async () => {
    const server = await startCluster();
    const all = members(server);
    expect(all.map((member) => member.id)).toEqual(['cts-01', 'cts-02', 'cts-03']);
    expect(new Set([server.port, ...all.map((member) => member.port)]).size).toBe(4);
    const bodies = new Set<string>();
    for (const member of all) {
      expectJson(await http(member.url, 'GET', '/v1/health'), 200, '{}');
      const result = await http(member.url, 'GET', '/v1/status/cluster');
      expect(result.status).toBe(200);
      bodies.add(withoutRequestId(result.text));
    }
    // The same cluster body on every member.
    expect([...bodies]).toEqual([
      `${JSON.stringify({
        cluster_name: 'cluster-a',
        members: [
          {
            address: '127.0.0.1',
            healthy: true,
            id: 'cts-01',
            leader: true,
            service_name: 'consul-terraform-sync',
          },
          { healthy: true, id: 'cts-02', leader: false, service_name: 'consul-terraform-sync' },
          { healthy: true, id: 'cts-03', leader: false, service_name: 'consul-terraform-sync' },
        ],
        request_id: '<id>',
      })}\n`,
    ]);
    expect(server.control.ctsCluster.snapshot()).toMatchObject({
      name: 'cluster-a',
      leader: 'cts-01',
      lockHolder: 'cts-01',
    });
  });

  it('takes member ids, addresses and service names from the options', async () => {
    const server = await startCluster({
      members: [
        { id: 'east', address: 'cts-east.example.com', serviceName: 'cluster-a' },
        { id: 'west', address: null },
      ],
    });
    const [east, west] = members(server) as [Member, Member];
    expectJson(
      await http(west.url, 'GET', '/v1/tasks'),
      400,
      legacyErrorBody(redirectToLeaderMessage('east', `cts-east.example.com:${east.port}`)),
    );
    const body = parse<ClusterBody>(await http(west.url, 'GET', '/v1/status/cluster'));
    expect(body.members).toEqual([
      {
        address: 'cts-east.example.com',
        healthy: true,
        id: 'east',
        leader: true,
        service_name: 'cluster-a',
      },
      { healthy: true, id: 'west', leader: false, service_name: 'consul-terraform-sync' },
    ]);
    // A leader without an address is named without one (item 12).
    await server.control.ctsCluster.failover({ mode: 'graceful' });
    await server.control.advance(0);
    await server.control.ctsCluster.start('east');
    expectJson(
      await http(east.url, 'GET', '/v1/tasks'),
      400,
      legacyErrorBody(redirectToLeaderMessage('west')),
    );
  });

  it('serves what the leader stores; followers redirect, and a client can follow them (items 6, 7, 11)', async () => {
    const server = await startCluster();
    const [leader, second, third] = members(server) as [Member, Member, Member];
    expect((await create(leader.url, servicesTask('web'), '?run=now')).status).toBe(201);

    for (const follower of [second, third]) {
      expectJson(await http(follower.url, 'GET', '/v1/tasks/web'), 400, redirectTo(leader));
      expectJson(await http(follower.url, 'GET', '/v1/status'), 400, redirectTo(leader));
    }
    const read = await followingLeader(third.url, 'GET', '/v1/tasks/web');
    expect(read.servedBy).toBe(leader.url);
    expect(parse<{ task: { name: string } }>(read.result).task.name).toBe('web');

    const created = await followingLeader(
      second.url,
      'POST',
      '/v1/tasks',
      json({ task: servicesTask('db') }),
    );
    expect(created.result.status).toBe(201);
    const listed = parse<{ tasks: { name: string }[] }>(await http(leader.url, 'GET', '/v1/tasks'));
    expect(listed.tasks.map((task) => task.name)).toEqual(['web', 'db']);
    // Followers ran nothing: the one event is the leader's run=now.
    expect((await statusOf(leader.url, 'web')).web?.events).toHaveLength(1);
  });

  it('fails over after the session TTL: the new leader keeps the tasks and events and runs each once (items 21–27)', async () => {
    const server = await startCluster();
    const cluster = server.control.ctsCluster;
    const [old, next, third] = members(server) as [Member, Member, Member];

    // On the first leader: a task that ran, one that will fail its catch-up run,
    // one never run, one disabled, one deleted, and one that failed before.
    expect((await create(old.url, servicesTask('ran'), '?run=now')).status).toBe(201);
    expect((await create(old.url, servicesTask('fails'))).status).toBe(201);
    expect((await create(old.url, servicesTask('never-ran'))).status).toBe(201);
    expect((await create(old.url, servicesTask('disabled', { enabled: false }))).status).toBe(201);
    expect((await create(old.url, servicesTask('deleted'))).status).toBe(201);
    expect((await http(old.url, 'DELETE', '/v1/tasks/deleted')).status).toBe(202);
    expect((await create(old.url, servicesTask('failed-before'), '?run=now')).status).toBe(201);
    server.control.cts.script('failed-before', { success: false, error: 'first failure' });
    expect(
      (await http(old.url, 'PATCH', '/v1/tasks/failed-before?run=now', json({ enabled: true })))
        .status,
    ).toBe(500);
    await server.control.waitForIdle();
    const ranEventId = (await statusOf(old.url, 'ran')).ran?.events?.[0]?.id;
    server.control.cts.script('fails', { success: false, error: 'module exploded' });
    server.control.cts.script('failed-before', { success: false, error: 'second failure' });

    // The leader crashes: its port refuses connections; its lock outlives it.
    await cluster.failover();
    expect(await refused(old.url)).toBe(true);
    expect(cluster.leader()).toBeUndefined();
    expectJson(await http(next.url, 'GET', '/v1/tasks'), 400, redirectTo(old));
    const during = parse<ClusterBody>(await http(third.url, 'GET', '/v1/status/cluster'));
    expect(during.members[0]).toEqual({
      address: '127.0.0.1',
      healthy: false,
      id: 'cts-01',
      leader: true,
      service_name: 'consul-terraform-sync',
    });

    await server.control.advance(14_999);
    expect(cluster.leader()).toBeUndefined();
    expectJson(await http(third.url, 'GET', '/v1/status'), 400, redirectTo(old));
    await server.control.advance(1);
    await server.control.waitForIdle();
    expect(cluster.leader()?.id).toBe('cts-02');

    // Followers now name the new leader; the old one is listed, unhealthy.
    expectJson(await http(third.url, 'GET', '/v1/tasks'), 400, redirectTo(next));
    const after = parse<ClusterBody>(await http(third.url, 'GET', '/v1/status/cluster'));
    expect(after.members.map((member) => [member.id, member.leader, member.healthy])).toEqual([
      ['cts-02', true, true],
      ['cts-01', false, false],
      ['cts-03', false, true],
    ]);

    const tasks = parse<{ tasks: { name: string; enabled: boolean }[] }>(
      await http(next.url, 'GET', '/v1/tasks'),
    ).tasks;
    expect(tasks.map((task) => [task.name, task.enabled])).toEqual([
      ['ran', true],
      ['fails', true],
      ['never-ran', true],
      ['disabled', false],
      ['failed-before', true],
    ]);
    const status = await statusOf(next.url);
    const successes = (name: string) => status[name]?.events?.map((event) => event.success);
    expect(status.ran?.status).toBe('successful');
    expect(successes('ran')).toEqual([true, true]);
    expect(status.ran?.events?.[1]?.id).toBe(ranEventId);
    expect(status.fails?.status).toBe('errored');
    expect(status.fails?.events?.[0]?.error?.message).toContain('module exploded');
    expect(successes('never-ran')).toEqual([true]);
    expect(status.disabled?.status).toBe('unknown');
    expect(status.disabled?.events ?? []).toEqual([]);
    expect(status['failed-before']?.status).toBe('critical');
    expect(successes('failed-before')).toEqual([false, false, true]);

    // The journal records each transition.
    const kinds = server.control
      .calls({ dialect: 'cluster' })
      .map((entry) => `${entry.path.split('/').pop()} ${entry.query.member}`);
    expect(kinds.slice(kinds.indexOf('member-crashed cts-01'))).toEqual([
      'member-crashed cts-01',
      'lock-released cts-01',
      'leader-elected cts-02',
      'catch-up-started cts-02',
      'catch-up-task cts-02',
      'catch-up-task cts-02',
      'catch-up-task cts-02',
      'catch-up-task cts-02',
      'catch-up-task cts-02',
      'catch-up-finished cts-02',
      'triggers-resumed cts-02',
    ]);
    expect(
      cluster
        .transitions()
        .filter((transition) => transition.kind === 'catch-up-task')
        .map((transition) => [transition.task, transition.outcome]),
    ).toEqual([
      ['ran', 'succeeded'],
      ['fails', 'failed'],
      ['never-ran', 'succeeded'],
      ['disabled', 'skipped-disabled'],
      ['failed-before', 'failed'],
    ]);
  });

  it('aborts a run the crashed leader had in flight; the new leader runs the task once (§4.1)', async () => {
    const server = await startCluster();
    const [leader, next] = members(server) as [Member, Member];
    await create(leader.url, servicesTask('slow'));
    server.control.cts.script('slow', { durationMs: 60_000 });
    server.control.cts.registerService({ name: 'api' });
    await server.control.advance(1_000);
    expect(server.control.ctsFake.engine.isIdle()).toBe(false);

    await server.control.ctsCluster.failover();
    await server.control.advance(15_000);
    await server.control.waitForIdle();
    // Long past the aborted run's end: still only the new leader's event.
    await server.control.advance(60_000);
    const events = (await statusOf(next.url, 'slow')).slow?.events ?? [];
    expect(events.map((event) => event.success)).toEqual([true]);
    expect(
      server.control.ctsCluster.transitions().find((t) => t.kind === 'catch-up-task'),
    ).toMatchObject({ member: 'cts-02', task: 'slow', outcome: 'succeeded' });
  });

  it('keeps at most 5 events per task across failover', async () => {
    const server = await startCluster();
    const [leader, next] = members(server) as [Member, Member];
    await create(leader.url, servicesTask('web'), '?run=now');
    for (let run = 0; run < 4; run++)
      await http(leader.url, 'PATCH', '/v1/tasks/web?run=now', json({ enabled: true }));
    const before = (await statusOf(leader.url, 'web')).web?.events?.map((event) => event.id) ?? [];
    expect(before).toHaveLength(5);
    await server.control.ctsCluster.failover();
    await server.control.advance(15_000);
    await server.control.waitForIdle();
    const afterIds = (await statusOf(next.url, 'web')).web?.events?.map((event) => event.id) ?? [];
    expect(afterIds).toHaveLength(5);
    expect(afterIds.slice(1)).toEqual(before.slice(0, 4));
  });

  it('names no leader between the lock’s release and the next election (items 13, 22)', async () => {
    const server = await startCluster({ lockDelayMs: 5_000 });
    const [old, next, third] = members(server) as [Member, Member, Member];
    await server.control.ctsCluster.failover();
    expectJson(await http(third.url, 'GET', '/v1/tasks'), 400, redirectTo(old));
    await server.control.advance(15_000);
    expectJson(
      await http(third.url, 'GET', '/v1/tasks'),
      400,
      legacyErrorBody('redirect requests to leader'),
    );
    const electing = parse<ClusterBody>(await http(third.url, 'GET', '/v1/status/cluster'));
    expect(electing.members.some((member) => member.leader)).toBe(false);
    await server.control.advance(5_000);
    expectJson(await http(third.url, 'GET', '/v1/tasks'), 400, redirectTo(next));
  });

  it('hands over at once on a graceful stop; the stopped member deregisters (item 19)', async () => {
    const server = await startCluster();
    const [old, next] = members(server) as [Member, Member];
    await server.control.ctsCluster.stop('cts-01', { mode: 'graceful' });
    expect(await refused(old.url)).toBe(true);
    const body = parse<ClusterBody>(await http(next.url, 'GET', '/v1/status/cluster'));
    expect(body.members.map((member) => member.id)).toEqual(['cts-02', 'cts-03']);
    await server.control.advance(0);
    await server.control.waitForIdle();
    expect(server.control.ctsCluster.leader()?.id).toBe('cts-02');
    expect((await http(next.url, 'GET', '/v1/tasks')).status).toBe(200);
  });

  it('can keep a failed member’s port answering 503, and drops a crashed member after 30 minutes', async () => {
    const server = await startCluster();
    const [old, next] = members(server) as [Member, Member];
    await server.control.ctsCluster.failover({ port: 'unhealthy' });
    expectJson(
      await http(old.url, 'GET', '/v1/health'),
      503,
      legacyErrorBody('CTS is not healthy: instance cts-01 has failed'),
    );
    await server.control.advance(30 * 60_000);
    await server.control.waitForIdle();
    const body = parse<ClusterBody>(await http(next.url, 'GET', '/v1/status/cluster'));
    expect(body.members.map((member) => member.id)).toEqual(['cts-02', 'cts-03']);
  });

  it('elects the successor a test asks for', async () => {
    const server = await startCluster();
    await server.control.ctsCluster.failover({ successor: 'cts-03' });
    await server.control.advance(15_000);
    expect(server.control.ctsCluster.leader()?.id).toBe('cts-03');
  });

  it('lets a stopped member rejoin as a follower, unhealthy until its first check (item 19)', async () => {
    const server = await startCluster();
    const cluster = server.control.ctsCluster;
    const [old, next] = members(server) as [Member, Member];
    await cluster.failover();
    await server.control.advance(15_000);
    await server.control.waitForIdle();

    const rejoined = await cluster.start('cts-01');
    expect(rejoined).toMatchObject({ state: 'up', port: old.port, leader: false, healthy: false });
    expectJson(await http(old.url, 'GET', '/v1/status/tasks'), 400, redirectTo(next));
    const healthOf = async () =>
      parse<ClusterBody>(await http(old.url, 'GET', '/v1/status/cluster')).members.find(
        (member) => member.id === 'cts-01',
      )?.healthy;
    expect(await healthOf()).toBe(false);
    await server.control.advance(10_000);
    expect(await healthOf()).toBe(true);
    expect(cluster.transitions().at(-1)).toMatchObject({
      kind: 'member-started',
      member: 'cts-01',
    });
  });

  it('runs triggers on the leader only, and resumes them after the catch-up pass', async () => {
    const server = await startCluster();
    const [leader, next] = members(server) as [Member, Member];
    await create(leader.url, servicesTask('web'));
    await create(leader.url, {
      name: 'nightly',
      module: 'm',
      condition: { schedule: { cron: '* * * * *' } },
    });
    server.control.cts.registerService({ name: 'api' });
    await server.control.advance(60_000);
    await server.control.waitForIdle();
    const count = async (base: string, name: string) =>
      (await statusOf(base, name))[name]?.events?.length ?? 0;
    expect(await count(leader.url, 'web')).toBe(1);
    expect(await count(leader.url, 'nightly')).toBe(1);

    await server.control.ctsCluster.failover();
    // No leader: changes wait for the next one.
    server.control.cts.registerService({ name: 'api', id: 'api-2' });
    await server.control.advance(15_000);
    await server.control.waitForIdle();
    // The catch-up pass ran both once; the held change found nothing new to apply.
    expect(await count(next.url, 'web')).toBe(2);
    expect(await count(next.url, 'nightly')).toBe(2);

    server.control.cts.registerService({ name: 'api', id: 'api-3' });
    await server.control.advance(60_000);
    await server.control.waitForIdle();
    expect(await count(next.url, 'web')).toBe(3);
    expect(await count(next.url, 'nightly')).toBe(3);
  });

  it('accepts the Enterprise-only task fields; a single OSS instance rejects them', async () => {
    const server = await startCluster();
    const [leader] = members(server) as [Member];
    expect(
      (await create(leader.url, servicesTask('tf', { terraform_version: '1.5.0' }))).status,
    ).toBe(201);
    await server.close();

    fake = await startFakeServer({ clock: 'virtual', dialects: ['cts'] });
    expectJson(
      await create(fake.url, servicesTask('tf', { terraform_version: '1.5.0' })),
      500,
      sendErrorBody(terraformVersionUnsupportedMessage('tf')),
    );
    // Without a cluster, nothing changes: the OSS 405, and no cluster to control.
    expectJson(
      await http(fake.url, 'GET', '/v1/status/cluster'),
      405,
      sendErrorBody(MESSAGE_HA_NOT_AVAILABLE),
    );
    expect(fake.control.isCtsCluster).toBe(false);
    expect((await http(fake.url, 'GET', '/_taskport/cts/cluster')).status).toBe(400);
  });

  it('serves the leader’s API on the fake server’s own URL, and seeds through it', async () => {
    const server = await startCluster();
    const failures = await server.control.seed({
      cts: { tasks: [servicesTask('seeded')], run: 'now' },
    });
    expect(failures).toEqual([]);
    const [leader] = members(server) as [Member];
    expect((await statusOf(leader.url, 'seeded')).seeded?.events).toHaveLength(1);
    expect(
      parse<{ tasks: unknown[] }>(await http(server.url, 'GET', '/v1/tasks')).tasks,
    ).toHaveLength(1);
    await server.control.ctsCluster.failover();
    expectJson(await http(server.url, 'GET', '/v1/tasks'), 400, redirectTo(leader));
    await server.control.advance(15_000);
    await server.control.waitForIdle();
    expect(
      parse<{ tasks: unknown[] }>(await http(server.url, 'GET', '/v1/tasks')).tasks,
    ).toHaveLength(1);
  });

  it('is driven over HTTP under /_taskport/cts/cluster, and journals each member’s requests', async () => {
    const server = await startCluster();
    const control = async <T>(method: string, path: string, body?: unknown) => {
      const result = await http(
        server.url,
        method,
        `/_taskport${path}`,
        body === undefined ? {} : json(body),
      );
      expect(result.status, result.text).toBe(200);
      return parse<T>(result);
    };
    const snapshot = await control<{ leader: string; members: { id: string; url: string }[] }>(
      'GET',
      '/cts/cluster',
    );
    expect(snapshot.leader).toBe('cts-01');
    expect(snapshot.members.map((member) => member.url)).toEqual(
      members(server).map((member) => member.url),
    );
    await http(snapshot.members[1]?.url ?? '', 'GET', '/v1/tasks');

    await control('POST', '/cts/cluster/failover', { mode: 'crash' });
    await control('POST', '/clock/advance', { ms: 15_000 });
    await control('POST', '/wait-for-idle');
    expect((await control<{ leader: string }>('GET', '/cts/cluster')).leader).toBe('cts-02');
    const started = await control<{ member: { id: string; state: string } }>(
      'POST',
      '/cts/cluster/members/cts-01/start',
    );
    expect(started.member).toMatchObject({ id: 'cts-01', state: 'up' });
    const { transitions } = await control<{ transitions: { kind: string }[] }>(
      'GET',
      '/cts/cluster/transitions',
    );
    expect(transitions.map((transition) => transition.kind)).toContain('member-started');

    const missing = await http(server.url, 'POST', '/_taskport/cts/cluster/members/nope/stop');
    expect(missing.status).toBe(404);
    const twice = await http(server.url, 'POST', '/_taskport/cts/cluster/members/cts-01/start');
    expect(twice.status).toBe(409);
    const bad = await http(
      server.url,
      'POST',
      '/_taskport/cts/cluster/failover',
      json({ mode: 'x' }),
    );
    expect(bad.status).toBe(400);

    const journal = parse<{ calls: { path: string; status: number; member?: string }[] }>(
      await http(server.url, 'GET', '/_taskport/journal?dialect=cts'),
    ).calls;
    expect(journal).toContainEqual(
      expect.objectContaining({ path: '/v1/tasks', status: 400, member: 'cts-02' }),
    );
  });

  it('resets in place: same ports, the first member leading, nothing stored', async () => {
    const server = await startCluster();
    const before = members(server);
    await create(before[0]?.url ?? '', servicesTask('web'));
    await server.control.ctsCluster.failover();
    await server.control.reset();
    expect(members(server)).toEqual(before);
    expect(server.control.ctsCluster.leader()?.id).toBe('cts-01');
    expectJson(
      await http(before[0]?.url ?? '', 'GET', '/v1/tasks'),
      200,
      '{"request_id":"<id>","tasks":[]}',
    );
  });
});
