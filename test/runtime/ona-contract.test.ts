/**
 * The Ona contract (test/contract/ona.contract.ts, driven by @gitpod/sdk)
 * against each runtime's server from the packed package, over HTTP: the
 * environments, the scripted hang and the clock through the control API.
 * One server per runtime, reset before each test.
 */

import { afterAll, describe, inject, it } from 'vitest';
import { type OnaContractSubject, runOnaContract } from '../contract/ona.contract.ts';
import type { ServerProcess } from './process.ts';
import { type Runtime, runtimes, startRuntimeServer } from './runtimes.ts';
import { SyncHttp } from './sync-http.ts';

const packed = inject('packed');
const servers = new Map<Runtime['id'], Promise<ServerProcess>>();
const sync = new SyncHttp();

afterAll(async () => {
  for (const server of servers.values()) await (await server).stop();
  await sync.close();
});

async function post(url: string, body: unknown = {}): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${text}`);
  return JSON.parse(text);
}

async function subjectOn(runtime: Runtime): Promise<OnaContractSubject> {
  let started = servers.get(runtime.id);
  if (started === undefined) {
    started = startRuntimeServer(runtime, packed);
    servers.set(runtime.id, started);
  }
  const { url } = await started;
  await post(`${url}/_taskport/reset`);
  return {
    baseUrl: `${url}/api`,
    token: 'contract',
    async newEnvironment() {
      const { environment } = (await post(`${url}/_taskport/ona/environments`)) as {
        environment: { id: string };
      };
      return environment.id;
    },
    hangNext(taskId) {
      const response = sync.request('POST', `${url}/_taskport/ona/outcomes`, {
        task: taskId,
        outcomes: [{ kind: 'hang' }],
      });
      if (response.status !== 200) throw new Error(`hangNext: ${response.status} ${response.text}`);
    },
    async settle() {
      await post(`${url}/_taskport/wait-for-idle`);
    },
    // The server outlives the test; the next one resets it.
    async close() {},
  };
}

for (const runtime of runtimes()) {
  if (runtime.unavailable !== undefined) {
    describe(`Ona contract: ${runtime.label}`, () => {
      it.skip(`skipped: ${runtime.unavailable}`, () => {});
    });
    continue;
  }
  runOnaContract({
    name: `${runtime.label}, packed, over HTTP`,
    createSubject: () => subjectOn(runtime),
  });
}
