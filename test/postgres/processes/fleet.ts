/**
 * Real worker processes (worker.ts) on one schema of a test database, for
 * the fault tests: start them, command them over IPC, signal and kill them,
 * and read what they left in the database (run log, events, windows,
 * leases). Every child is SIGKILLed by {@link Fleet.killAll} (call it in
 * afterEach) and, should the test process exit first, on its exit.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import type { TaskInput } from '../../../src/engine/types.ts';
import { migrate } from '../../../src/postgres/migrations.ts';
import { schemaNames } from '../../../src/postgres/names.ts';
import {
  createRunLogSql,
  type ReplyReport,
  type RunLogKind,
  type RunOrder,
  runLogTable,
  type WorkerCommand,
  type WorkerEnv,
  type WorkerReport,
} from './protocol.ts';

const WORKER_SCRIPT = join(import.meta.dirname, 'worker.ts');
/** Generous: a worker's start compiles the engine with tsx on a shared machine. */
const START_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 5_000;
/** How long {@link until} waits by default. */
export const WAIT_MS = 8_000;

/** Every child any fleet started and that has not exited, for the exit hook. */
const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

/** Waits, polling every 25 ms of real time, until `check` holds; fails after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A command without its id (the harness numbers them). */
type CommandBody = WorkerCommand extends infer C
  ? C extends unknown
    ? Omit<C, 'id'>
    : never
  : never;

/** A worker process and its reports. */
export interface Worker {
  readonly name: string;
  readonly pid: number;
  /** Every report so far, oldest first. */
  readonly reports: readonly WorkerReport[];
  /** Its stderr so far, for failure messages. */
  stderr(): string;
  readonly exited: Promise<void>;
  hasExited(): boolean;
  createTask(input: TaskInput): Promise<string>;
  notify(taskId: string, data: RunOrder): Promise<void>;
  /** Ends the task's held step in this worker; whether it held one. */
  release(taskId: string): Promise<boolean>;
  /** Whether nothing of its engine touches the database right now (see worker.ts). */
  quiet(): Promise<boolean>;
  /** Sends a signal (SIGSTOP, SIGCONT…) to the process. */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

/** A row of the run log. */
export interface RunLogRow {
  readonly seq: number;
  readonly worker: string;
  readonly taskId: string;
  readonly executionId: string;
  readonly label: string;
  readonly changeCount: number;
  readonly kind: RunLogKind;
  readonly detail: string | null;
  readonly atMs: number;
}

/** A stored status event, as the table holds it. */
export interface EventRow {
  readonly executionId: string;
  readonly success: boolean;
  readonly failureMessage: string | null;
  readonly trigger: string;
}

/** A task's open window, as the table holds it. */
export interface WindowRow {
  readonly fireAtMs: number;
  readonly changeCount: number;
  readonly data: unknown;
}

/** Workers on one fresh schema, and reads of what they stored. */
export interface Fleet {
  readonly schema: string;
  /** The test's own pool on the database (not any worker's). */
  readonly pool: pg.Pool;
  readonly workers: readonly Worker[];
  start(name: string): Promise<Worker>;
  /** SIGKILLs every worker still running (stopped ones too) and waits for their exits. */
  killAll(): Promise<void>;
  runLog(taskId: string): Promise<RunLogRow[]>;
  /** The task's events, oldest first. */
  events(taskId: string): Promise<EventRow[]>;
  window(taskId: string): Promise<WindowRow | undefined>;
  /** Whether the task holds a lease row (valid or not). */
  leased(taskId: string): Promise<boolean>;
  taskIds(): Promise<string[]>;
  /** Kills the workers and ends the pool; the schema stays (the database is dropped later). */
  close(): Promise<void>;
}

export interface FleetOptions {
  readonly leaseMs?: number;
  readonly pollIntervalMs?: number;
}

/** A fleet on a fresh schema of the database at `url`, migrated, with its run log. */
export async function createFleet(url: string, options: FleetOptions = {}): Promise<Fleet> {
  const schema = `procs_${randomBytes(4).toString('hex')}`;
  const names = schemaNames(schema);
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  // The database-fault tests terminate sessions and restart the server.
  pool.on('error', () => {});
  await migrate(pool, { schema });
  await pool.query(createRunLogSql(schema));
  const workers: Worker[] = [];
  const env: Omit<WorkerEnv, 'TASKPORT_WORKER'> = {
    TASKPORT_DATABASE_URL: url,
    TASKPORT_SCHEMA: schema,
    TASKPORT_LEASE_MS: String(options.leaseMs ?? 1_000),
    TASKPORT_POLL_MS: String(options.pollIntervalMs ?? 100),
  };

  const killAll = async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
  };

  return {
    schema,
    pool,
    workers,
    async start(name) {
      const worker = await startWorker({ ...env, TASKPORT_WORKER: name });
      workers.push(worker);
      return worker;
    },
    killAll,
    async runLog(taskId) {
      const { rows } = await pool.query<Record<string, unknown>>(
        `SELECT seq, worker, task_id, execution_id, label, change_count, kind, detail, at_ms
        FROM ${runLogTable(schema)} WHERE task_id = $1 ORDER BY seq`,
        [taskId],
      );
      return rows.map((row) => ({
        seq: Number(row.seq),
        worker: String(row.worker),
        taskId: String(row.task_id),
        executionId: String(row.execution_id),
        label: String(row.label),
        changeCount: Number(row.change_count),
        kind: row.kind as RunLogKind,
        detail: row.detail === null ? null : String(row.detail),
        atMs: Number(row.at_ms),
      }));
    },
    async events(taskId) {
      const { rows } = await pool.query<Record<string, unknown>>(
        `SELECT execution_id, success, failure_message, trigger FROM ${names.events}
        WHERE task_id = $1 ORDER BY seq`,
        [taskId],
      );
      return rows.map((row) => ({
        executionId: String(row.execution_id),
        success: row.success === true,
        failureMessage: row.failure_message === null ? null : String(row.failure_message),
        trigger: String(row.trigger),
      }));
    },
    async window(taskId) {
      const { rows } = await pool.query<Record<string, unknown>>(
        `SELECT fire_at_ms, change_count, data::text AS data FROM ${names.windows} WHERE task_id = $1`,
        [taskId],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      return {
        fireAtMs: Number(row.fire_at_ms),
        changeCount: Number(row.change_count),
        data: row.data === null ? undefined : JSON.parse(String(row.data)),
      };
    },
    async leased(taskId) {
      const { rows } = await pool.query(`SELECT 1 FROM ${names.leases} WHERE task_id = $1`, [
        taskId,
      ]);
      return rows.length > 0;
    },
    async taskIds() {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT id FROM ${names.tasks} ORDER BY position`,
      );
      return rows.map((row) => row.id);
    },
    async close() {
      await killAll();
      await pool.end();
    },
  };
}

async function startWorker(env: WorkerEnv): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  alive.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      alive.delete(child);
      resolve();
    });
  });
  const reports: WorkerReport[] = [];
  const pending = new Map<number, (reply: ReplyReport) => void>();
  child.on('message', (message: WorkerReport) => {
    reports.push(message);
    if (message.type === 'reply') pending.get(message.id)?.(message);
  });
  let nextId = 1;
  const name = env.TASKPORT_WORKER;

  const request = (command: CommandBody): Promise<unknown> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`worker ${name}: no reply to ${command.cmd} in ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      pending.set(id, (reply) => {
        clearTimeout(timer);
        pending.delete(id);
        if (reply.ok) resolve(reply.value);
        else reject(new Error(`worker ${name}: ${command.cmd} failed: ${reply.error}`));
      });
      child.send({ ...command, id } as WorkerCommand);
    });
  };

  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!reports.some((report) => report.type === 'ready')) {
    if (hasExited()) throw new Error(`worker ${name} exited while starting:\n${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker ${name} did not start in ${START_TIMEOUT_MS} ms:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const ready = reports.find((report) => report.type === 'ready');

  return {
    name,
    pid: ready?.type === 'ready' ? ready.pid : (child.pid ?? 0),
    reports,
    stderr: () => stderr,
    exited,
    hasExited,
    createTask: async (input) => String(await request({ cmd: 'createTask', input })),
    notify: async (taskId, data) => {
      await request({ cmd: 'notify', taskId, data });
    },
    release: async (taskId) => (await request({ cmd: 'release', taskId })) === true,
    quiet: async () => (await request({ cmd: 'quiet' })) === true,
    signal: (signal) => {
      if (!hasExited()) child.kill(signal);
    },
    async kill() {
      // SIGKILL ends a stopped process too.
      if (!hasExited()) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Waits until every worker is quiet twice in a row, 50 ms apart: the
 * second look lets a wake-up NOTIFY that was in transit at the first one
 * start its pump. For workers with a long poll interval, which then touch
 * the database only when woken.
 */
export async function untilQuiet(workers: readonly Worker[]): Promise<void> {
  let quietBefore = false;
  await until(async () => {
    const quiet = (await Promise.all(workers.map((worker) => worker.quiet()))).every(Boolean);
    const settled = quiet && quietBefore;
    quietBefore = quiet;
    if (!settled) await new Promise((resolve) => setTimeout(resolve, 50));
    return settled;
  }, 'the workers to be quiet');
}

/** One run of a task as the run log tells it. */
export interface LoggedRun {
  readonly executionId: string;
  readonly worker: string;
  readonly label: string;
  readonly changeCount: number;
  readonly startedAtMs: number;
  /** When the step finished or saw its stop; undefined while it runs (or if its process died). */
  readonly endedAtMs: number | undefined;
  readonly end: 'finished' | 'stopped' | undefined;
  readonly stopReason: string | null;
}

/** The task's runs, in the order they started. */
export function runsOf(rows: readonly RunLogRow[]): LoggedRun[] {
  const runs: LoggedRun[] = [];
  for (const start of rows.filter((row) => row.kind === 'started')) {
    const end = rows.find((row) => row.executionId === start.executionId && row.kind !== 'started');
    runs.push({
      executionId: start.executionId,
      worker: start.worker,
      label: start.label,
      changeCount: start.changeCount,
      startedAtMs: start.atMs,
      endedAtMs: end?.atMs,
      end: end?.kind === 'finished' || end?.kind === 'stopped' ? end.kind : undefined,
      stopReason: end?.detail ?? null,
    });
  }
  return runs;
}

/**
 * What breaks "a task runs at most once at a time", as descriptions:
 *
 * - two runs overlap when one starts before the other's right to run ended:
 *   its step's end, or, for a run whose lease another engine recovered, that
 *   lease's last expiry if sooner (a dead or stalled holder's step may end
 *   later, or never);
 * - a recovered run that still finished its work after that expiry: its
 *   holder went on as if it held the task (its step may see the stop late,
 *   but must not complete).
 */
export function exclusionViolations(
  runs: readonly LoggedRun[],
  recoveredExpiry: ReadonlyMap<string, number>,
): string[] {
  const found: string[] = [];
  const sorted = [...runs].sort((a, b) => a.startedAtMs - b.startedAtMs);
  sorted.forEach((run, index) => {
    const expiry = recoveredExpiry.get(run.executionId);
    const rightEndsAtMs = Math.min(
      run.endedAtMs ?? Number.POSITIVE_INFINITY,
      expiry ?? Number.POSITIVE_INFINITY,
    );
    for (const later of sorted.slice(index + 1)) {
      if (later.startedAtMs < rightEndsAtMs) {
        found.push(
          `${later.label}@${later.worker} started at ${later.startedAtMs}, before ${run.label}@${run.worker}'s right to run ended at ${rightEndsAtMs}`,
        );
      }
    }
    if (expiry !== undefined && run.end === 'finished' && (run.endedAtMs ?? 0) > expiry) {
      found.push(
        `${run.label}@${run.worker} finished its work at ${run.endedAtMs}, after its lease expired at ${expiry} and was recovered`,
      );
    }
  });
  return found;
}

/** The last lease expiry of each run some worker of the fleet recovered, by execution id. */
export function recoveredExpiries(workers: readonly Worker[]): Map<string, number> {
  const expiries = new Map<string, number>();
  for (const worker of workers) {
    for (const report of worker.reports) {
      if (report.type === 'recovered') expiries.set(report.executionId, report.expiresAtMs);
    }
  }
  return expiries;
}

/** The reports of one type from every worker. */
export function reportsOf<T extends WorkerReport['type']>(
  workers: readonly Worker[],
  type: T,
): (Extract<WorkerReport, { type: T }> & { readonly worker: string })[] {
  return workers.flatMap((worker) =>
    worker.reports
      .filter((report): report is Extract<WorkerReport, { type: T }> => report.type === type)
      .map((report) => ({ ...report, worker: worker.name })),
  );
}
