/** bench:runtimes on Deno: `Deno.serve` with the app's fetch. Prints its URL. */

import { createBenchApp } from './app.mjs';

const { fetch, control } = createBenchApp();
const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, fetch);
const stop = async () => {
  await server.shutdown();
  await control.close();
  Deno.exit(0);
};
Deno.addSignalListener('SIGTERM', stop);
Deno.addSignalListener('SIGINT', stop);
const { hostname, port } = server.addr;
console.log(`taskport (deno ${Deno.version.deno}) listening on http://${hostname}:${port}`);
