/**
 * The fake of a soak, in a child process pinned to the server core
 * (soak-child.ts), driven over IPC: shared by soak.bench.ts and
 * hostile.bench.ts.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinned, REPO_DIR } from '../http/harness.ts';
import type {
  ChildSample,
  JournalProbe,
  SoakChildMessage,
  SoakParentMessage,
} from './soak-child.ts';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'soak-child.ts');

/** A running soak fake. */
export interface SoakServer {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  sample(): Promise<ChildSample>;
  journalProbe(): Promise<JournalProbe>;
  snapshot(path: string): Promise<string>;
  close(): Promise<void>;
}

export async function startSoakServer(childArgs: readonly string[] = []): Promise<SoakServer> {
  const [command, args] = pinned(process.execPath, [
    '--expose-gc',
    ...childArgs,
    '--import',
    'tsx',
    CHILD,
  ]);
  const child = spawn(command, args, {
    cwd: REPO_DIR,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting: ((message: SoakChildMessage) => void)[] = [];
  child.on('message', (message: SoakChildMessage) => waiting.shift()?.(message));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = <T extends SoakChildMessage['type']>(
    message: SoakParentMessage,
    expected: T,
    timeoutMs = 120_000,
  ): Promise<Extract<SoakChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`soak child: no answer to ${message.type}`)),
        timeoutMs,
      );
      waiting.push((answer) => {
        clearTimeout(timer);
        if (answer.type === expected) resolve(answer as Extract<SoakChildMessage, { type: T }>);
        else
          reject(
            new Error(
              `soak child: ${message.type} → ${answer.type === 'failed' ? answer.message : answer.type}`,
            ),
          );
      });
      child.send(message);
    });
  const ready = await ask({ type: 'start' }, 'ready').catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  // taskset execs node, so the child's pid is the server's.
  if (ready.pid !== child.pid)
    console.warn(`note: the server's pid ${ready.pid} is not the child's ${child.pid}`);
  return {
    url: `http://127.0.0.1:${ready.port}`,
    pid: ready.pid,
    child,
    sample: async () => (await ask({ type: 'sample' }, 'sample')).sample,
    journalProbe: async () => (await ask({ type: 'journal-probe' }, 'journal-probe')).probe,
    snapshot: async (path) => (await ask({ type: 'snapshot', path }, 'snapshot', 600_000)).path,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'exit' } satisfies SoakParentMessage);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
