/** bench:runtimes on Node (20 or 24): `taskport/node`'s `listen()` (@hono/node-server). Prints its URL. */

import { listen } from '../../dist/node.js';
import { createBenchApp } from './app.mjs';

const { fetch, control } = createBenchApp();
const server = await listen({ fetch }, { host: '127.0.0.1', port: 0 });
const stop = async () => {
  await server.close();
  await control.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
console.log(`taskport (node ${process.version}) listening on ${server.url}`);
