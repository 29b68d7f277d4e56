/**
 * The engine embedded in a Node program, with an executor of your own: a
 * burst of changes becomes one run of a plan of concurrent steps.
 *
 * Run (after `npm run build` in this repository, or with taskport installed):
 *   node --import tsx examples/node-embed.ts     # Node 20
 *   node examples/node-embed.ts                  # Node ≥ 22.18 strips the types itself
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { createEngine, type Execution, type Executor } from 'taskport';

/** What a change of the watched data carries. */
interface Rollout {
  readonly services: readonly string[];
}

const executor: Executor = {
  // One group: every service of the latest change, rolled out concurrently.
  plan: ({ trigger }) => [
    (trigger.data as Rollout).services.map((service) => ({ id: service, payload: service })),
  ],
  // The real work: a deploy, an API call… `signal` aborts on stop or timeout.
  async runStep({ step, signal }) {
    await sleep(20, undefined, { signal });
    return `rolled out ${String(step.payload)}`;
  },
};

const engine = createEngine({ executor, stepConcurrency: 4 });
await engine.createTask({
  id: 'rollout',
  name: 'rollout',
  // Runs 100 ms after the last change of a burst, and never later than 400 ms after its first.
  bufferPeriod: { minMs: 100, maxMs: 400 },
});
engine.events.on('execution:step', (_execution, step) => {
  if (step.phase === 'succeeded') console.log(`  ${step.name}: ${String(step.output)}`);
});
const finished = new Promise<Execution>((resolve) => {
  engine.events.once('execution:finished', resolve);
});

for (const services of [['api'], ['api', 'web'], ['api', 'web', 'worker']]) {
  await engine.notifyChange('rollout', { services } satisfies Rollout);
  await sleep(30);
}

const execution = await finished;
console.log(
  `rollout ${execution.phase}: one run for ${execution.trigger.changeCount} changes, ` +
    `${execution.steps.length} steps; health ${(await engine.taskStatus('rollout'))?.health}`,
);
await engine.close();
