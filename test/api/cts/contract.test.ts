/**
 * The CTS contract against the fake server, and against `ctsApi` mounted
 * under a prefix in a plain Hono app of one's own (served with `listen()`).
 * One server per subject; `control.reset()` gives each test a fresh daemon.
 */

import { Hono } from 'hono';
import { VirtualClock } from '../../../src/engine/virtual-clock.ts';
import { listen } from '../../../src/node.ts';
import { type CtsFake, createCtsFake } from '../../../src/testing/cts/cts-fake.ts';
import { startFakeServer } from '../../../src/testing/fake-server.ts';
import {
  type CtsContractControl,
  type CtsContractSubject,
  runCtsContract,
} from '../../contract/cts.contract.ts';

runCtsContract({
  name: 'startFakeServer (virtual clock)',
  createSubject: () => startFakeServer({ clock: 'virtual', dialects: ['cts'] }),
});

const PREFIX = '/consul/cts';

/** `ctsApi` (through `createCtsFake`) mounted at {@link PREFIX}; a reset mounts a fresh daemon. */
async function mountedSubject(): Promise<CtsContractSubject> {
  const clock = new VirtualClock();
  let fake: CtsFake = createCtsFake(clock);
  const mount = (daemon: CtsFake): Hono =>
    new Hono().get('/other', (c) => c.text('not CTS')).route(PREFIX, daemon.app);
  let app = mount(fake);
  // The listener asks for the current app, so a reset keeps the port.
  const server = await listen({ fetch: (request) => app.fetch(request) });
  const control: CtsContractControl = {
    advance: (ms) => clock.advance(ms),
    waitForIdle: () => clock.runUntilIdle(),
    async reset() {
      const previous = fake;
      fake = createCtsFake(clock);
      app = mount(fake);
      await previous.close();
    },
    get cts(): CtsContractControl['cts'] {
      return {
        registerService: (registration) => fake.catalog.register(registration),
        deregisterService: (id, node) => fake.catalog.deregister(id, node),
        setHealth: (id, status, node) => fake.catalog.setHealth(id, status, node),
        script: (taskName, ...outcomes) => fake.outcomes.push(taskName, ...outcomes),
      };
    },
  };
  return {
    url: `${server.url}${PREFIX}`,
    control,
    async close() {
      await server.close();
      await fake.close();
    },
  };
}

runCtsContract({ name: `ctsApi mounted at ${PREFIX}`, createSubject: mountedSubject });
