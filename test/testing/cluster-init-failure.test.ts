/**
 * The `initError` scripted outcome: a task whose driver cannot be
 * initialised. On `POST /v1/tasks` it is not created (research/cts.md §2.1);
 * on a CTS Enterprise leader's catch-up pass it gets no event, stays listed,
 * never runs there, and `PATCH` answers 500 (research/cts-ha.md §4.2,
 * checklist item 25c).
 */

import { afterEach, describe, expect, it } from 'vitest';
import { taskNoDriverMessage } from '../../src/api/cts/tasks.ts';
import { ScriptedOutcomes } from '../../src/testing/cts/scripted-outcomes.ts';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import { expectJson, http, json, parse, sendErrorBody } from '../contract/http.ts';

const servicesTask = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  module: 'org/mod/aws',
  condition: { services: { names: ['api'] } },
  buffer_period: { enabled: false },
  ...extra,
});

interface StatusEntry {
  status: string;
  events?: { success: boolean }[];
}

let fake: FakeServer | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function statusOf(base: string): Promise<Record<string, StatusEntry>> {
  const result = await http(base, 'GET', '/v1/status/tasks?include=events');
  expect(result.status, result.text).toBe(200);
  return parse(result);
}

async function taskNames(base: string): Promise<string[]> {
  const result = await http(base, 'GET', '/v1/tasks');
  expect(result.status, result.text).toBe(200);
  return parse<{ tasks: { name: string }[] }>(result).tasks.map((task) => task.name);
}

describe('ScriptedOutcomes with initError', () => {
  it('keeps runs and initialisations apart, each in queued order', () => {
    const outcomes = new ScriptedOutcomes();
    outcomes.push('t', { success: false }, { initError: 'first' }, { initError: 'second' });
    expect(outcomes.takeInitError('t')).toBe('first');
    expect(outcomes.take('t')).toEqual({ success: false });
    // Runs pass over initialisation outcomes: the default answers.
    expect(outcomes.take('t')).toEqual({});
    expect(outcomes.pending()).toEqual({ t: [{ initError: 'second' }] });
    expect(outcomes.takeInitError('t')).toBe('second');
    expect(outcomes.takeInitError('t')).toBeUndefined();
    expect(outcomes.pending()).toEqual({});
  });

  it('takes the default’s initError when none is queued', () => {
    const outcomes = new ScriptedOutcomes();
    outcomes.setDefault({ initError: 'always' });
    expect(outcomes.takeInitError('a')).toBe('always');
    expect(outcomes.takeInitError('b')).toBe('always');
  });
});

describe('a task whose driver cannot be initialised', () => {
  it('is not created by POST /v1/tasks: 500 in every run mode but inspect, which answers 400', async () => {
    fake = await startFakeServer({ clock: 'virtual', dialects: ['cts'] });
    const base = fake.url;
    const message = "error tf-init for 'web': module not found";
    for (const [query, status] of [
      ['', 500],
      ['?run=now', 500],
      ['?run=inspect', 400],
    ] as const) {
      fake.control.cts.script('web', { initError: 'module not found' });
      const result = await http(
        base,
        'POST',
        `/v1/tasks${query}`,
        json({ task: servicesTask('web') }),
      );
      expectJson(result, status, sendErrorBody(message));
    }
    // Disabled tasks are initialised too.
    fake.control.cts.script('web', { initError: 'module not found' });
    expectJson(
      await http(
        base,
        'POST',
        '/v1/tasks',
        json({ task: servicesTask('web', { enabled: false }) }),
      ),
      500,
      sendErrorBody(message),
    );
    expect(await taskNames(base)).toEqual([]);
    expect(fake.control.cts.pendingOutcomes()).toEqual({});
    // The next initialisation succeeds; a queued run outcome is left to the run.
    fake.control.cts.script('web', { success: false, error: 'apply broke' });
    const created = await http(
      base,
      'POST',
      '/v1/tasks?run=now',
      json({ task: servicesTask('web') }),
    );
    expect(created.status).toBe(500);
    expect(created.text).toContain("error tf-apply for 'web': apply broke");
    expect(
      (await http(base, 'POST', '/v1/tasks', json({ task: servicesTask('web') }))).status,
    ).toBe(201);
  });

  it('is reported by seeding, which creates the others', async () => {
    fake = await startFakeServer({ clock: 'virtual', dialects: ['cts'] });
    fake.control.cts.script('b', { initError: 'exit status 1' });
    const failures = await fake.control.seed({
      cts: { tasks: [servicesTask('a'), servicesTask('b'), servicesTask('c')], run: 'now' },
    });
    expect(failures).toEqual([
      { name: 'b', status: 500, message: "error tf-init for 'b': exit status 1" },
    ]);
    expect(await taskNames(fake.url)).toEqual(['a', 'c']);
  });

  it('on a new leader’s catch-up pass: no event, listed, not runnable; the next leader tries again (item 25c)', async () => {
    fake = await startFakeServer({
      clock: 'virtual',
      dialects: ['cts'],
      cts: { cluster: { name: 'cluster-a', members: 3 } },
    });
    const cluster = fake.control.ctsCluster;
    const [first, second, third] = cluster.members().map((member) => member.url as string) as [
      string,
      string,
      string,
    ];
    for (const task of [servicesTask('ran'), servicesTask('broken'), servicesTask('off')]) {
      expect((await http(first, 'POST', '/v1/tasks?run=now', json({ task }))).status).toBe(201);
    }
    expect((await http(first, 'PATCH', '/v1/tasks/off', json({ enabled: false }))).status).toBe(
      200,
    );
    // On the next leader `broken`'s driver fails; so does disabled `off`'s.
    fake.control.cts.script('broken', { initError: 'module missing on this instance' });
    fake.control.cts.script('off', { initError: 'module missing on this instance' });

    await cluster.failover();
    await fake.control.advance(15_000);
    await fake.control.waitForIdle();
    expect(cluster.leader()?.url).toBe(second);
    expect(
      cluster
        .transitions()
        .filter((transition) => transition.kind === 'catch-up-task')
        .map((transition) => [transition.task, transition.outcome, transition.detail]),
    ).toEqual([
      ['ran', 'succeeded', undefined],
      ['broken', 'init-failed', "error tf-init for 'broken': module missing on this instance"],
      ['off', 'init-failed', "error tf-init for 'off': module missing on this instance"],
    ]);

    // Still listed, with its stored events only.
    expect(await taskNames(second)).toEqual(['ran', 'broken', 'off']);
    let status = await statusOf(second);
    expect(status.ran?.events?.map((event) => event.success)).toEqual([true, true]);
    expect(status.broken?.status).toBe('successful');
    expect(status.broken?.events?.map((event) => event.success)).toEqual([true]);

    // Not runnable: PATCH answers 500 in every run mode, changes nothing.
    for (const query of ['', '?run=now', '?run=inspect']) {
      expectJson(
        await http(second, 'PATCH', `/v1/tasks/broken${query}`, json({ enabled: true })),
        500,
        sendErrorBody(taskNoDriverMessage('broken')),
      );
    }
    expectJson(
      await http(second, 'PATCH', '/v1/tasks/off', json({ enabled: true })),
      500,
      sendErrorBody(taskNoDriverMessage('off')),
    );
    // Catalog changes never run it, nor does a new POST replace it.
    fake.control.cts.registerService({ name: 'api' });
    await fake.control.advance(1_000);
    await fake.control.waitForIdle();
    status = await statusOf(second);
    expect(status.ran?.events?.length).toBe(3);
    expect(status.broken?.events?.length).toBe(1);
    expect(
      (await http(second, 'POST', '/v1/tasks', json({ task: servicesTask('broken') }))).status,
    ).toBe(400);
    // DELETE is accepted, but CTS's deletion returns early without a driver: it stays.
    expect((await http(second, 'DELETE', '/v1/tasks/broken')).status).toBe(202);
    await fake.control.waitForIdle();
    expect(await taskNames(second)).toEqual(['ran', 'broken', 'off']);

    // The next leader builds the driver again; this time it succeeds.
    await cluster.failover({ mode: 'graceful' });
    await fake.control.waitForIdle();
    expect(cluster.leader()?.url).toBe(third);
    status = await statusOf(third);
    expect(status.broken?.events?.map((event) => event.success)).toEqual([true, true]);
    expect(status.off?.events?.length).toBe(1);
    expect((await http(third, 'PATCH', '/v1/tasks/off', json({ enabled: true }))).status).toBe(200);
  });
});
