/**
 * The fake under soak: `startFakeServer()` with every dialect, on a real
 * clock, in its own process (started with --expose-gc), driven over IPC:
 *
 *   → { type: 'start' }                     ← { type: 'ready', port, pid }
 *   → { type: 'sample' }                    ← { type: 'sample', sample }
 *       waits until no run is active and every requested deletion has finished,
 *       forces full GCs, then reports the heap and what the fake holds
 *   → { type: 'journal-probe' }             ← { type: 'journal-probe', probe }
 *       empties the journal and reports the heap it held (destructive: last)
 *   → { type: 'snapshot', path }            ← { type: 'snapshot', path }  (a .heapsnapshot)
 *   → { type: 'exit' }
 */

import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import type { FakeServer } from '../../src/testing/index.ts';

/** What the fake holds and how much memory it takes, after a forced GC. */
export interface ChildSample {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  readonly arrayBuffersBytes: number;
  /** `space_used_size` per V8 heap space. */
  readonly heapSpaces: Record<string, number>;
  readonly journalEntries: number;
  /** Tasks in the CTS engine, pending deletions included. */
  readonly tasks: number;
  readonly tasksBeingDeleted: number;
  /** Finished executions the runner keeps for reads. */
  readonly executionsKept: number;
  readonly activeExecutions: number;
  readonly catalogServices: number;
  readonly statusSummary: unknown;
  /** process.cpuUsage(), µs. */
  readonly cpuUserMicros: number;
  readonly cpuSystemMicros: number;
}

export interface JournalProbe {
  readonly entries: number;
  readonly heapWithJournalBytes: number;
  readonly heapWithoutJournalBytes: number;
}

export type SoakParentMessage =
  | { type: 'start' }
  | { type: 'sample' }
  | { type: 'journal-probe' }
  | { type: 'snapshot'; path: string }
  | { type: 'exit' };

export type SoakChildMessage =
  | { type: 'ready'; port: number; pid: number }
  | { type: 'sample'; sample: ChildSample }
  | { type: 'journal-probe'; probe: JournalProbe }
  | { type: 'snapshot'; path: string }
  | { type: 'failed'; message: string };

let fake: FakeServer | undefined;

function reply(message: SoakChildMessage): void {
  process.send?.(message);
}

function running(): FakeServer {
  if (fake === undefined) throw new Error('the fake is not started');
  return fake;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Full GCs with event-loop turns between them, so finalizers and weak maps settle too. */
async function collect(): Promise<void> {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('the soak child must run with --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await turn();
  }
}

async function settle(): Promise<void> {
  const { control } = running();
  await control.whenIdle();
  const engine = control.ctsFake.engine;
  // The front door has no "deletions settled": join each pending one (a second
  // deleteTask of a task being deleted resolves with the same removal). One that
  // finished meanwhile answers not_found, which is as settled.
  const deleting = (await engine.listTasks()).filter((task) => engine.isDeleting(task.id));
  await Promise.all(deleting.map((task) => engine.deleteTask(task.id).catch(() => undefined)));
  await turn();
}

async function sample(): Promise<ChildSample> {
  await settle();
  await collect();
  const { control } = running();
  const engine = control.ctsFake.engine;
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  const tasks = await engine.listTasks();
  const executions = engine.executions();
  return {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    arrayBuffersBytes: memory.arrayBuffers,
    heapSpaces: Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]),
    ),
    journalEntries: control.calls().length,
    tasks: tasks.length,
    tasksBeingDeleted: tasks.filter((task) => engine.isDeleting(task.id)).length,
    executionsKept: executions.length,
    // An active execution is the one its task's activeExecution() returns.
    activeExecutions: executions.filter(
      (execution) => engine.activeExecution(execution.taskId) === execution,
    ).length,
    catalogServices: control.cts.services().length,
    statusSummary: await engine.summary(),
    cpuUserMicros: cpu.user,
    cpuSystemMicros: cpu.system,
  };
}

async function journalProbe(): Promise<JournalProbe> {
  await settle();
  const { control } = running();
  const entries = control.calls().length;
  await collect();
  const heapWithJournalBytes = process.memoryUsage().heapUsed;
  control.journal.clear();
  await collect();
  return {
    entries,
    heapWithJournalBytes,
    heapWithoutJournalBytes: process.memoryUsage().heapUsed,
  };
}

function failed(error: unknown): void {
  reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}

process.on('message', (message: SoakParentMessage) => {
  if (message.type === 'start') {
    import('../../src/testing/index.ts')
      .then(({ startFakeServer }) => startFakeServer())
      .then((started) => {
        fake = started;
        reply({ type: 'ready', port: started.port, pid: process.pid });
      }, failed);
  } else if (message.type === 'sample') {
    sample().then((result) => reply({ type: 'sample', sample: result }), failed);
  } else if (message.type === 'journal-probe') {
    journalProbe().then((probe) => reply({ type: 'journal-probe', probe }), failed);
  } else if (message.type === 'snapshot') {
    settle()
      .then(collect)
      .then(() => reply({ type: 'snapshot', path: writeHeapSnapshot(message.path) }), failed);
  } else if (message.type === 'exit') {
    const closing = fake?.close() ?? Promise.resolve();
    closing.finally(() => process.exit(0)).catch(() => process.exit(1));
  }
});
// The parent going away takes the server with it.
process.on('disconnect', () => process.exit(0));
