/**
 * What each of the 8 parallel workers does against the one fake server at
 * `TASKPORT_URL`, in its own namespace `worker-<n>` (odd workers by the path
 * prefix, even ones by the header): create tasks and a service, move its
 * clock, wait until every worker has done the same (so they overlap), then
 * check it sees only its own tasks, services, clock and journal.
 */

import { expect, test } from 'vitest';

/** How many workers the spawning test runs. */
export const WORKERS = 8;

/** How long a worker waits for the others to get going. */
const RENDEZVOUS_MS = 45_000;

const BASE = process.env.TASKPORT_URL ?? '';

interface Journal {
  readonly calls: readonly {
    readonly method: string;
    readonly path: string;
    readonly body: string;
  }[];
}

export function isolationSuite(index: number): void {
  const name = `worker-${index}`;
  const byPrefix = index % 2 === 1;
  const root = byPrefix ? `${BASE}/ns/${name}` : BASE;
  const startMs = index * 1_000_000_000;

  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const headers: Record<string, string> = {};
    if (!byPrefix) headers['x-taskport-namespace'] = name;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${root}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    expect(response.status, `${method} ${path}: ${text}`).toBeLessThan(300);
    return text === '' ? undefined : JSON.parse(text);
  };

  /** Resolves once every worker's namespace has its clock moved (bounded). */
  const allWorkersUnderWay = async (): Promise<void> => {
    const deadline = Date.now() + RENDEZVOUS_MS;
    for (;;) {
      const response = await fetch(`${BASE}/_taskport/namespaces`);
      const { namespaces } = (await response.json()) as {
        namespaces: { name: string; nowMs: number }[];
      };
      const moved = namespaces.filter(
        (namespace) =>
          /^worker-\d$/.test(namespace.name) &&
          namespace.nowMs > Number(namespace.name.slice(7)) * 1_000_000_000,
      );
      if (moved.length === WORKERS) return;
      if (Date.now() > deadline) {
        throw new Error(`only ${moved.length} of ${WORKERS} workers got going in time`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  test(`${name} (${byPrefix ? 'by prefix' : 'by header'}) sees only its own world`, async () => {
    expect(BASE).not.toBe('');
    const created = await fetch(`${BASE}/_taskport/namespaces/${name}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clock: 'virtual', startMs }),
    });
    expect(created.status).toBe(201);

    const tasks = [`w${index}-a`, `w${index}-b`];
    for (const task of tasks) {
      await call('POST', '/v1/tasks', {
        task: { name: task, module: 'm', condition: { services: { names: [`svc-${index}`] } } },
      });
    }
    await call('POST', '/_taskport/cts/services', { name: `svc-${index}`, port: 8000 + index });
    await call('POST', '/_taskport/clock/advance', { ms: index * 1_000 });

    await allWorkersUnderWay();

    const listed = (await call('GET', '/v1/tasks')) as { tasks: { name: string }[] };
    expect(listed.tasks.map((task) => task.name).sort()).toEqual(tasks);
    const services = (await call('GET', '/_taskport/cts/services')) as {
      services: { name: string }[];
    };
    expect([...new Set(services.services.map((service) => service.name))]).toEqual([
      `svc-${index}`,
    ]);
    const clock = (await call('GET', '/_taskport/clock')) as { nowMs: number };
    expect(clock.nowMs).toBe(startMs + index * 1_000);

    const journal = (await call('GET', '/_taskport/journal')) as Journal;
    expect(journal.calls.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      'POST /v1/tasks',
      'POST /v1/tasks',
      'POST /_taskport/cts/services',
      'POST /_taskport/clock/advance',
      'GET /v1/tasks',
      'GET /_taskport/cts/services',
      'GET /_taskport/clock',
    ]);
    for (const entry of journal.calls.filter(
      (call) => call.path === '/v1/tasks' && call.method === 'POST',
    )) {
      expect(entry.body).toContain(`"w${index}-`);
    }
  });
}
