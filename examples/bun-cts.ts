/**
 * The CTS API mounted under a prefix of a Hono app of your own, on Bun's
 * own server (`taskport/node` is not involved).
 *
 * Run: bun examples/bun-cts.ts
 * Try: curl -X POST 'http://127.0.0.1:8558/consul/cts/v1/tasks?run=now' \
 *        -H 'content-type: application/json' \
 *        -d '{"task":{"name":"web","module":"./web","condition":{"services":{"names":["api"]}}}}'
 */

import { Hono } from 'hono';
import { type CtsRunOutput, createCtsEngine, ctsApi } from 'taskport/cts';

// Your executor does what Terraform would: plan in `plan` mode, apply otherwise.
const engine = createCtsEngine({
  executor: {
    runStep({ task, mode }): CtsRunOutput {
      console.log(`${mode === 'plan' ? 'planning' : 'applying'} ${task.name}`);
      return { changesPresent: true, plan: `Plan: 1 to change (${task.name}).` };
    },
  },
});

const app = new Hono();
app.get('/', (c) => c.text('my service; CTS under /consul/cts\n'));
app.route('/consul/cts', ctsApi({ engine }));

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(Bun.env.PORT ?? 8558),
  fetch: app.fetch,
});
process.once('SIGTERM', async () => {
  await server.stop(true);
  await engine.close();
  process.exit(0);
});
console.log(`CTS API listening on http://${server.hostname}:${server.port}/consul/cts`);
