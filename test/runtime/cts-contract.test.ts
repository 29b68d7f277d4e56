/**
 * The whole CTS contract (test/contract/cts.contract.ts, research/cts.md §10)
 * against each runtime's server from the packed package, driven over HTTP:
 * the API through `fetch`, the simulated Consul, the scripted outcomes and
 * the virtual clock through the control API under `/_taskport/`.
 */

import { describe, inject, it } from 'vitest';
import {
  type CtsContractControl,
  type CtsContractSubject,
  runCtsContract,
} from '../contract/cts.contract.ts';
import { type Runtime, runtimes, startRuntimeServer } from './runtimes.ts';
import { SyncHttp, type SyncResponse } from './sync-http.ts';

const packed = inject('packed');

function expectOk(response: SyncResponse, what: string): unknown {
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${response.text}`);
  return JSON.parse(response.text);
}

/** `FakeControl`'s contract subset, as calls to the control API of the server at `url`. */
function controlOver(url: string, sync: SyncHttp): CtsContractControl {
  const post = async (path: string, body?: unknown): Promise<void> => {
    const response = await fetch(`${url}/_taskport${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST /_taskport${path}: ${response.status} ${text}`);
  };
  const node = (name: string | undefined): string =>
    name === undefined ? '' : `?node=${encodeURIComponent(name)}`;
  const service = (id: string): string => `${url}/_taskport/cts/services/${encodeURIComponent(id)}`;
  return {
    advance: (ms) => post('/clock/advance', { ms }),
    waitForIdle: () => post('/wait-for-idle'),
    reset: () => post('/reset'),
    cts: {
      registerService: (registration) =>
        (
          expectOk(
            sync.request('POST', `${url}/_taskport/cts/services`, registration),
            'registerService',
          ) as { service: ReturnType<CtsContractControl['cts']['registerService']> }
        ).service,
      deregisterService: (id, nodeName) =>
        sync.request('DELETE', `${service(id)}${node(nodeName)}`).status === 200,
      setHealth: (id, status, nodeName) => {
        const response = sync.request('PUT', `${service(id)}/health${node(nodeName)}`, { status });
        if (response.status === 404) return undefined;
        return (
          expectOk(response, 'setHealth') as {
            service: ReturnType<CtsContractControl['cts']['registerService']>;
          }
        ).service;
      },
      script: (task, ...outcomes) => {
        expectOk(
          sync.request('POST', `${url}/_taskport/cts/outcomes`, { task, outcomes }),
          'script',
        );
      },
    },
  };
}

async function subjectOn(runtime: Runtime): Promise<CtsContractSubject> {
  const server = await startRuntimeServer(runtime, packed);
  const sync = new SyncHttp();
  return {
    url: server.url,
    control: controlOver(server.url, sync),
    async close() {
      await server.stop();
      await sync.close();
    },
  };
}

for (const runtime of runtimes()) {
  if (runtime.unavailable !== undefined) {
    describe(`CTS contract: ${runtime.label}`, () => {
      it.skip(`skipped: ${runtime.unavailable}`, () => {});
    });
    continue;
  }
  runCtsContract({
    name: `${runtime.label}, packed, over HTTP`,
    createSubject: () => subjectOn(runtime),
  });
}
