/**
 * `automations.yaml` seeding: parsing, upserts in dependency order, errors.
 */

import { beforeEach, expect, it } from 'vitest';
import type { OnaTask } from '../../../src/api/ona/types.ts';
import { VirtualClock } from '../../../src/engine/virtual-clock.ts';
import {
  AutomationsFileError,
  parseAutomationsYaml,
} from '../../../src/testing/ona/automations-file.ts';
import { createOnaFake, type OnaFake } from '../../../src/testing/ona/ona-fake.ts';

const FILE = `
services:
  database:
    name: Postgres
tasks:
  seed:
    name: Seed the database
    command: npm run seed
    dependsOn: [install]
    triggeredBy: [postEnvironmentStart]
  install:
    name: Install
    description: npm ci
    command: npm ci
    triggeredBy: [manual, prebuild]
    runsOn:
      docker:
        image: node:20
    prebuildRequiresSuccess: true
`;

let fake: OnaFake;
let environmentId: string;

beforeEach(() => {
  fake = createOnaFake(new VirtualClock());
  environmentId = fake.control.createEnvironment().id;
});

async function listed(): Promise<OnaTask[]> {
  const page = (await fake.service.call('ListTasks', {
    filter: { environmentIds: [environmentId] },
  })) as { tasks?: OnaTask[] };
  return page.tasks ?? [];
}

it('parses tasks and service names', () => {
  const file = parseAutomationsYaml(FILE);
  expect(file.services).toEqual(['database']);
  expect(file.tasks.map((task) => task.reference)).toEqual(['seed', 'install']);
  expect(file.tasks[1]).toEqual({
    reference: 'install',
    name: 'Install',
    description: 'npm ci',
    command: 'npm ci',
    dependsOn: [],
    triggeredBy: ['manual', 'prebuild'],
    runsOn: { docker: { image: 'node:20', environment: [] } },
    prebuildRequiresSuccess: true,
  });
});

it('creates dependencies first, resolving references to ids, then updates in place', async () => {
  const first = await fake.control.seedAutomations(environmentId, FILE);
  expect(first.tasks.map((t) => [t.reference, t.action])).toEqual([
    ['install', 'created'],
    ['seed', 'created'],
  ]);
  const tasks = await listed();
  const install = tasks.find((t) => t.metadata.reference === 'install')!;
  const seed = tasks.find((t) => t.metadata.reference === 'seed')!;
  expect(seed.dependsOn).toEqual([install.id]);
  expect(seed.metadata.triggeredBy).toEqual([{ postEnvironmentStart: true }]);
  expect(install.spec).toEqual({
    command: 'npm ci',
    runsOn: { docker: { image: 'node:20' } },
    prebuildRequiresSuccess: true,
  });

  const second = await fake.control.seedAutomations(
    environmentId,
    FILE.replace('npm run seed', 'npm run seed -- --fresh'),
  );
  expect(second.tasks.map((t) => t.action)).toEqual(['updated', 'updated']);
  const again = await listed();
  expect(again.map((t) => t.id)).toEqual(tasks.map((t) => t.id));
  expect(again.find((t) => t.id === seed.id)?.spec.command).toBe('npm run seed -- --fresh');
});

it('fires environment triggers for seeded tasks', async () => {
  await fake.control.seedAutomations(environmentId, FILE);
  const fired = await fake.control.fireTrigger(environmentId, 'postEnvironmentStart');
  expect(fired.failures).toEqual([]);
  expect(fired.executions.map((e) => e.metadata.startedBy)).toEqual(['postEnvironmentStart']);
  expect(fired.executions[0]?.spec.plan).toHaveLength(2);
  await fake.close();
});

it.each([
  ['not YAML', 'tasks: [', /not valid YAML/],
  ['an unknown top-level key', 'jobs: {}', /unknown field "jobs"/],
  [
    'an unknown task key',
    'tasks:\n  a:\n    name: A\n    command: x\n    when: now',
    /unknown field "when"/,
  ],
  ['a missing command', 'tasks:\n  a:\n    name: A', /command is required/],
  ['a bad reference', 'tasks:\n  "a.b":\n    name: A\n    command: x', /must match/],
  [
    'an unknown trigger',
    'tasks:\n  a:\n    name: A\n    command: x\n    triggeredBy: [daily]',
    /unknown trigger/,
  ],
])('refuses %s', (_label, text, message) => {
  expect(() => parseAutomationsYaml(text)).toThrow(message);
});

it.each([
  [
    'an unknown dependency',
    'tasks:\n  a:\n    name: A\n    command: x\n    dependsOn: [b]',
    /no task "b"/,
  ],
  [
    'a cycle',
    'tasks:\n  a:\n    name: A\n    command: x\n    dependsOn: [b]\n  b:\n    name: B\n    command: y\n    dependsOn: [a]',
    /cycle/,
  ],
])('refuses to seed %s', async (_label, text, message) => {
  const error = await fake.control.seedAutomations(environmentId, text).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AutomationsFileError);
  expect((error as Error).message).toMatch(message);
});

it('refuses an unknown environment through the API rules', async () => {
  await expect(
    fake.control.seedAutomations(crypto.randomUUID(), 'tasks:\n  a:\n    name: A\n    command: x'),
  ).rejects.toMatchObject({ code: 'not_found' });
});
