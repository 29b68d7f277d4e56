/**
 * Serves the runtime app on Bun with `Bun.serve`; nothing of `taskport/node`
 * is loaded. Usage: `bun bun.mjs [port]`.
 */

import { createRuntimeApp, portArgument } from './app.mjs';

const { fetch, control } = createRuntimeApp();
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: portArgument(Bun.argv.slice(2)),
  fetch,
});
// Ready for a stop before the URL is out: whoever reads it may stop us at once.
const stop = async () => {
  await server.stop(true);
  await control.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

console.log(`taskport (bun ${Bun.version}) listening on http://${server.hostname}:${server.port}`);
