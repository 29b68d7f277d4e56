/**
 * The CTS API served at the root by `Deno.serve`, with a graceful shutdown.
 *
 * Run: deno run --allow-net=127.0.0.1 --allow-env=PORT examples/deno-cts.ts
 * (next to a package.json with taskport and hono installed in node_modules)
 * Try: curl http://127.0.0.1:8558/v1/status
 */

import { type CtsRunOutput, createCtsEngine, ctsApi } from 'taskport/cts';

const engine = createCtsEngine({
  executor: {
    runStep({ task, mode }): CtsRunOutput {
      console.log(`${mode === 'plan' ? 'planning' : 'applying'} ${task.name}`);
      return { changesPresent: true, plan: `Plan: 1 to change (${task.name}).` };
    },
  },
});

const server = Deno.serve(
  { hostname: '127.0.0.1', port: Number(Deno.env.get('PORT') ?? 8558), onListen: () => {} },
  ctsApi({ engine }).fetch,
);

const shutdown = async (): Promise<void> => {
  await server.shutdown();
  await engine.close();
  Deno.exit(0);
};
Deno.addSignalListener('SIGINT', shutdown);
Deno.addSignalListener('SIGTERM', shutdown);
console.log(`CTS API listening on http://${server.addr.hostname}:${server.addr.port}`);
