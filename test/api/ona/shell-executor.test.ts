/**
 * The shell executor runs real commands: output captured, exit codes mapped,
 * a stop kills the process. (No test sleeps: the long command is killed.)
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { OnaStepRun } from '../../../src/api/ona/ona-engine.ts';
import { createRealClock } from '../../../src/engine/clock.ts';
import { createShellExecutor } from '../../../src/testing/ona/shell-executor.ts';

function run(
  command: string,
  signal = new AbortController().signal,
  env?: OnaStepRun['spec']['env'],
): OnaStepRun {
  return {
    executionId: 'e',
    stepId: 's',
    taskId: 't',
    environmentId: 'env',
    reference: 'r',
    label: 'l',
    spec: { command, env },
    signal,
    clock: createRealClock(),
    attempt: 1,
  };
}

it('runs in the working directory and captures output', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'ona-shell-'));
  writeFileSync(join(cwd, 'hello.txt'), 'hi there');
  const executor = createShellExecutor({ cwd, env: { WHO: 'world' } });
  const output = await executor.runStep(
    run('cat hello.txt; echo " $WHO $STEP"; echo oops >&2', undefined, [
      { name: 'STEP', value: 'one' },
    ]),
  );
  expect(output).toEqual({ stdout: 'hi there world one\n', stderr: 'oops\n', exitCode: '0' });
});

it('fails with the exit code and the end of stderr', async () => {
  await expect(createShellExecutor().runStep(run('echo broken >&2; exit 3'))).rejects.toThrow(
    'command exited with code 3: broken',
  );
});

it('stops the process when the signal aborts', async () => {
  const controller = new AbortController();
  const pending = Promise.resolve(
    createShellExecutor().runStep(run('sleep 30', controller.signal)),
  );
  controller.abort(new Error('stopped'));
  await expect(pending).rejects.toThrow('stopped');
});
