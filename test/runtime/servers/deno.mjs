/**
 * Serves the runtime app on Deno with `Deno.serve`; nothing of `taskport/node`
 * is loaded. Usage: `deno run --allow-net=127.0.0.1 deno.mjs [port]`.
 */

import { createRuntimeApp, portArgument } from './app.mjs';

const { fetch, control } = createRuntimeApp();
const server = Deno.serve(
  // Quiet: the URL line below comes once the signal handlers are in place.
  { hostname: '127.0.0.1', port: portArgument(Deno.args), onListen: () => {} },
  fetch,
);
const stop = async () => {
  await server.shutdown();
  await control.close();
  Deno.exit(0);
};
Deno.addSignalListener('SIGTERM', stop);
Deno.addSignalListener('SIGINT', stop);

const { hostname, port } = server.addr;
console.log(`taskport (deno ${Deno.version.deno}) listening on http://${hostname}:${port}`);
