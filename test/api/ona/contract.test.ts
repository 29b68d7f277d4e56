/**
 * The Ona contract against the fake (mounted under `/api`) and against the
 * bare adapter on an engine (mounted at the root).
 */

import { Hono } from 'hono';
import { onaApi } from '../../../src/api/ona/app.ts';
import { createOnaEngine } from '../../../src/api/ona/ona-engine.ts';
import { VirtualClock } from '../../../src/engine/virtual-clock.ts';
import { listen } from '../../../src/node.ts';
import { createOnaFake } from '../../../src/testing/ona/ona-fake.ts';
import { ScriptedOnaExecutor } from '../../../src/testing/ona/scripted-executor.ts';
import { runOnaContract } from '../../contract/ona.contract.ts';

runOnaContract({
  name: 'the fake under /api',
  async createSubject() {
    const clock = new VirtualClock();
    const fake = createOnaFake(clock);
    const server = await listen(new Hono().route('/api', fake.app));
    return {
      baseUrl: `${server.url}/api`,
      token: 'contract',
      newEnvironment: async () => fake.control.createEnvironment().id,
      hangNext: (taskId) => fake.control.script(taskId, { kind: 'hang' }),
      settle: () => clock.runUntilIdle(),
      async close() {
        await server.close();
        await fake.close();
      },
    };
  },
});

runOnaContract({
  name: 'onaApi at the root',
  async createSubject() {
    const clock = new VirtualClock();
    const executor = new ScriptedOnaExecutor();
    const engine = createOnaEngine({ clock, executor });
    const server = await listen(onaApi({ engine }));
    return {
      baseUrl: server.url,
      token: 'contract',
      newEnvironment: async () => crypto.randomUUID(),
      hangNext: (taskId) => executor.push(taskId, { kind: 'hang' }),
      settle: () => clock.runUntilIdle(),
      async close() {
        await server.close();
        await engine.close();
      },
    };
  },
});
