/**
 * Step outputs are kept within the API's bounds (issue #14, item 5): an
 * executor returning megabytes of output, or thousands of keys, had it all
 * kept with every finished execution.
 */

import { afterAll, beforeAll, expect, it } from 'vitest';
import { onaStateOf } from '../../../src/api/ona/state.ts';
import {
  OUTPUT_KEY_MAX_CHARS,
  OUTPUT_MAX_KEYS,
  OUTPUT_VALUE_MAX_CHARS,
} from '../../../src/api/ona/step-output.ts';
import { type Harness, startHarness, taskBody } from './harness.ts';

const HUGE = 'x'.repeat(2_000_000);
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    executor: {
      runStep: () => ({
        log: HUGE,
        [`${'k'.repeat(OUTPUT_KEY_MAX_CHARS + 1)}`]: 'too long a key',
        exit: 0,
        ...Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`key-${i}`, 'v'])),
      }),
    },
  });
});
afterAll(async () => {
  await h.close();
});

it('an executor’s output is cut to 4096-character values, 128-character keys, 64 keys', async () => {
  const task = (await h.tasks.create(taskBody(h.environmentId, 'big'))).task!;
  const started = await h.tasks.start({ id: task.id });
  await h.clock.runUntilIdle();
  const read = await h.executions.retrieve({ id: started.taskExecution!.id });
  const output = read.taskExecution?.status?.steps?.[0]?.output ?? {};
  expect(output.log).toBe('x'.repeat(OUTPUT_VALUE_MAX_CHARS));
  expect(Object.keys(output)).toHaveLength(OUTPUT_MAX_KEYS);
  expect(Object.keys(output).every((key) => key.length <= OUTPUT_KEY_MAX_CHARS)).toBe(true);
  expect(output.exit).toBeUndefined();
  // What is kept (the record's live execution, and anything the engine still
  // holds) is the bounded output, not the executor's.
  const records = [...onaStateOf(h.fake.engine).executions.values()];
  expect(records).toHaveLength(1);
  const runs = [...records.map((record) => record.run), ...h.fake.engine.executions()];
  const kept = runs.flatMap((execution) => execution?.steps ?? []);
  expect(kept.length).toBeGreaterThan(0);
  for (const step of kept) {
    const text = JSON.stringify(step.output);
    expect(text.length).toBeLessThan(OUTPUT_MAX_KEYS * (OUTPUT_VALUE_MAX_CHARS + 200));
  }
});
