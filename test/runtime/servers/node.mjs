/**
 * Serves the runtime app on Node with `taskport/node`'s `listen()`
 * (`@hono/node-server`). Usage: `node node.mjs [port]`.
 */

import { listen } from 'taskport/node';
import { createRuntimeApp, portArgument } from './app.mjs';

const { fetch, control } = createRuntimeApp();
let server;
// Ready for a stop before the URL is out: whoever reads it may stop us at once.
const stop = async () => {
  await server?.close();
  await control.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

server = await listen({ fetch }, { host: '127.0.0.1', port: portArgument(process.argv.slice(2)) });
console.log(`taskport (node ${process.version}) listening on ${server.url}`);
