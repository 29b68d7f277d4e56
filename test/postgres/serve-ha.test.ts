/**
 * Two `taskport serve --store … --cts-ha` processes on one database act as a
 * CTS Enterprise HA cluster (research/cts-ha.md): the first leads, the
 * second answers with CTS's redirect naming the leader; after a kill -9 of
 * the leader the follower takes the lock within the documented bounds (at
 * most twice the session TTL) and serves the same tasks and events.
 */

import { afterEach, expect, it } from 'vitest';
import { redirectToLeaderMessage } from '../../src/api/cts/messages.ts';
import { useTestDatabase } from '../support/postgres.ts';
import { killHard, killServes, startServe } from './serve-process.ts';

const db = useTestDatabase();
afterEach(killServes);

const TTL_MS = 2_000;
const TASK = {
  task: { name: 'web', module: './modules/web', condition: { services: { names: ['api'] } } },
};

function member(id: string, cluster = 'pg-cluster'): string[] {
  return [
    '--store',
    db().url,
    '--cts-ha',
    '--cts-id',
    id,
    '--cluster-name',
    cluster,
    '--cluster-session-ttl',
    `${TTL_MS}ms`,
  ];
}

// biome-ignore lint/suspicious/noExplicitAny: reads CTS's JSON answers
async function get(base: string, path: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, json: await response.json() };
}

it('has one leader, a follower that redirects to it, and a follower that takes over after kill -9', async () => {
  const leader = await startServe(member('cts-01'));
  expect(leader.output()).toContain('member cts-01 (leader)');
  const follower = await startServe(member('cts-02'));
  expect(follower.output()).toContain('member cts-02 (follower)');
  const leaderPort = new URL(leader.url).port;

  const created = await fetch(`${leader.url}/v1/tasks?run=now`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(TASK),
  });
  expect(created.status, await created.clone().text()).toBe(201);

  // The follower: CTS's redirect for the API, the cluster status as every member answers it.
  const redirected = await get(follower.url, '/v1/tasks');
  expect(redirected.status).toBe(400);
  expect(redirected.json).toEqual({
    error: { message: redirectToLeaderMessage('cts-01', `127.0.0.1:${leaderPort}`) },
  });
  const cluster = await get(follower.url, '/v1/status/cluster');
  expect(cluster.status).toBe(200);
  expect(cluster.json.cluster_name).toBe('pg-cluster');
  expect(
    cluster.json.members.map((entry: { id: string; leader: boolean }) => [entry.id, entry.leader]),
  ).toEqual([
    ['cts-01', true],
    ['cts-02', false],
  ]);
  expect((await get(follower.url, '/v1/health')).status).toBe(200);

  await killHard(leader);
  const killedAt = Date.now();
  let answer = await get(follower.url, '/v1/tasks');
  while (answer.status !== 200 && Date.now() - killedAt < 4 * TTL_MS) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer = await get(follower.url, '/v1/tasks');
  }
  const tookOverMs = Date.now() - killedAt;
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  // research/cts-ha.md §4.5: an election after a failure takes at most 2 × session_ttl.
  expect(tookOverMs).toBeLessThanOrEqual(2 * TTL_MS + 500);
  expect(answer.json.tasks.map((task: { name: string }) => task.name)).toEqual(['web']);

  // The old leader's event survives; the new leader's catch-up run adds one.
  let events: unknown[] = [];
  for (let attempt = 0; attempt < 100 && events.length < 2; attempt++) {
    const status = await get(follower.url, '/v1/status/tasks/web?include=events');
    events = status.json.web?.events ?? [];
    if (events.length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(events).toHaveLength(2);
  const after = await get(follower.url, '/v1/status/cluster');
  const leaders = after.json.members.filter((entry: { leader: boolean }) => entry.leader);
  expect(leaders.map((entry: { id: string }) => entry.id)).toEqual(['cts-02']);
}, 90_000);

it('hands the lock over at once when the leader stops gracefully', async () => {
  const first = await startServe(member('cts-a', 'handover'));
  const second = await startServe(member('cts-b', 'handover'));
  expect((await get(second.url, '/v1/tasks')).status).toBe(400);
  first.child.kill('SIGTERM');
  await first.exited;
  const stoppedAt = Date.now();
  let status = (await get(second.url, '/v1/tasks')).status;
  while (status !== 200 && Date.now() - stoppedAt < 4 * TTL_MS) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    status = (await get(second.url, '/v1/tasks')).status;
  }
  expect(status).toBe(200);
  // The next follower tick (a quarter TTL), not a whole TTL: the lock was released.
  expect(Date.now() - stoppedAt).toBeLessThan(TTL_MS);
  // A gracefully stopped member deregisters: it is no longer listed.
  const cluster = await get(second.url, '/v1/status/cluster');
  expect(cluster.json.members.map((entry: { id: string }) => entry.id)).toEqual(['cts-b']);
}, 90_000);

it('makes a leader stalled past its lease (SIGSTOP) follow the one that took over', async () => {
  const first = await startServe(member('cts-x', 'stall'));
  const second = await startServe(member('cts-y', 'stall'));
  first.child.kill('SIGSTOP');
  try {
    const stoppedAt = Date.now();
    let status = (await get(second.url, '/v1/tasks')).status;
    while (status !== 200 && Date.now() - stoppedAt < 4 * TTL_MS) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await get(second.url, '/v1/tasks')).status;
    }
    expect(status).toBe(200);
  } finally {
    first.child.kill('SIGCONT');
  }
  // Its next renewal fails: it ends its term and names the new leader.
  const secondPort = new URL(second.url).port;
  const expected = redirectToLeaderMessage('cts-y', `127.0.0.1:${secondPort}`);
  const wokeAt = Date.now();
  let answer = await get(first.url, '/v1/tasks');
  while (answer.json?.error?.message !== expected && Date.now() - wokeAt < 2 * TTL_MS) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer = await get(first.url, '/v1/tasks');
  }
  expect(answer.status).toBe(400);
  expect(answer.json).toEqual({ error: { message: expected } });
  expect((await get(second.url, '/v1/tasks')).status).toBe(200);
}, 90_000);
