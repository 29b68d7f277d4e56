/**
 * `taskport/vitest` without a URL: the worker starts a fake of its own on
 * 127.0.0.1, and each test still gets a namespace of its own on it.
 */

import { expect } from 'vitest';
import { createTaskportTest } from '../../src/vitest/index.ts';

const test = createTaskportTest({ url: undefined });
const names: string[] = [];

test('a namespace on the worker’s own fake', async ({ namespace, clock }) => {
  expect(namespace.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(namespace.url).toBe(`${namespace.serverUrl}/ns/${namespace.name}`);
  const listed = (await (await fetch(`${namespace.serverUrl}/_taskport/namespaces`)).json()) as {
    namespaces: { name: string; clock: string }[];
  };
  expect(listed.namespaces.map((item) => [item.name, item.clock])).toEqual([
    ['default', 'virtual'],
    [namespace.name, 'virtual'],
  ]);
  const before = await clock.now();
  expect(await clock.advance(60_000)).toBe(before + 60_000);
  names.push(namespace.serverUrl, namespace.name);
});

test('the next test: the same fake, a new namespace, the last one gone', async ({ namespace }) => {
  const [serverUrl, previous] = names;
  expect(namespace.serverUrl).toBe(serverUrl);
  expect(namespace.name).not.toBe(previous);
  const listed = (await (await fetch(`${namespace.serverUrl}/_taskport/namespaces`)).json()) as {
    namespaces: { name: string }[];
  };
  expect(listed.namespaces.map((item) => item.name)).toEqual(['default', namespace.name]);
});
