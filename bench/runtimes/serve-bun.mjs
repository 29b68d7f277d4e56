/** bench:runtimes on Bun: `Bun.serve` with the app's fetch. Prints its URL. */

import { createBenchApp } from './app.mjs';

const { fetch, control } = createBenchApp();
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch });
const stop = async () => {
  await server.stop(true);
  await control.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
console.log(`taskport (bun ${Bun.version}) listening on http://${server.hostname}:${server.port}`);
