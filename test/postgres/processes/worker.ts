/**
 * One taskport process for the fault tests: an engine on the test database
 * with the real clock and short leases, whose executor logs each step to
 * the run log and holds it for as long as the test says. Started by
 * fleet.ts with `node --import tsx` and an IPC channel; it obeys
 * {@link WorkerCommand}s and reports what it saw (protocol.ts).
 *
 * Every status event is recorded, stopped runs included (the default policy
 * drops those): so when a run whose lease was lost leaves no second event,
 * that is the shared scheduler's doing, not the policy's.
 */

import pg from 'pg';
import type { Coordination, ExpiredRun } from '../../../src/engine/coordination.ts';
import { createEngine } from '../../../src/engine/engine.ts';
import type { Executor, StepContext } from '../../../src/engine/executor.ts';
import type { Store } from '../../../src/engine/store.ts';
import { createPostgresStorage } from '../../../src/postgres/storage.ts';
import {
  type RunLogKind,
  type RunOrder,
  runLogTable,
  type WorkerCommand,
  type WorkerEnv,
  type WorkerReport,
} from './protocol.ts';

function setting(name: keyof WorkerEnv): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`worker: ${name} is not set`);
  return value;
}

function report(message: WorkerReport): void {
  // After a disconnect there is no one to tell (and send would throw).
  if (process.connected) process.send?.(message);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The database URL with this worker's application_name, to find its sessions in pg_stat_activity. */
function urlFor(application: string): string {
  const url = new URL(setting('TASKPORT_DATABASE_URL'));
  url.searchParams.set('application_name', application);
  return url.toString();
}

const name = setting('TASKPORT_WORKER');
const schema = setting('TASKPORT_SCHEMA');

/** The run log's own pool, so that the test can drop the engine's connections and not these. */
const logPool = new pg.Pool({ connectionString: urlFor(`taskport-log-${name}`), max: 2 });
logPool.on('error', () => {});

async function log(context: StepContext, order: RunOrder, kind: RunLogKind, detail?: string) {
  await logPool.query(
    `INSERT INTO ${runLogTable(schema)}
      (worker, task_id, execution_id, label, change_count, kind, detail)
      VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      name,
      context.task.id,
      context.execution.id,
      order.label,
      context.trigger.changeCount,
      kind,
      detail ?? null,
    ],
  );
}

function orderOf(data: unknown): RunOrder {
  if (typeof data === 'object' && data !== null && typeof (data as RunOrder).label === 'string') {
    return data as RunOrder;
  }
  return { label: 'unlabelled' };
}

/** Held steps by task: `release` ends one. */
const holds = new Map<string, () => void>();

/** Resolves on `release`, rejects with the signal's reason when the engine stops the run. */
function hold(taskId: string, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      holds.delete(taskId);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    holds.set(taskId, () => {
      holds.delete(taskId);
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

const executor: Executor = {
  async runStep(context) {
    const order = orderOf(context.trigger.data);
    await log(context, order, 'started');
    try {
      if (order.hold === true) await hold(context.task.id, context.signal);
    } catch (reason) {
      // The engine already moved on; this row only says when the work saw the stop.
      await log(context, order, 'stopped', messageOf(reason));
      throw reason;
    }
    await log(context, order, 'finished');
    return { label: order.label, worker: name };
  },
};

const storage = createPostgresStorage({
  connectionString: urlFor(`taskport-worker-${name}`),
  schema,
  maxConnections: 4,
});

/** Store and coordination calls under way: a pump, a renewal, a command is in flight while not 0. */
let inFlight = 0;

/**
 * `target` with every method counted in {@link inFlight}; `seen` is shown
 * each call's result. Between two calls of a pump the engine runs only
 * promise continuations, so an IPC message (a macrotask) never finds a pump
 * "between" calls with the count at 0.
 */
function counted<T extends object>(
  target: T,
  seen: (method: PropertyKey, result: unknown) => void = () => {},
): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        inFlight++;
        try {
          const result: unknown = await value.apply(object, args);
          seen(property, result);
          return result;
        } finally {
          inFlight--;
        }
      };
    },
  });
}

const store: Store = counted(storage.store);

/** The storage's coordination, also reporting the expired leases this engine claims. */
const coordination: Coordination = counted(storage.coordination, (method, result) => {
  if (method !== 'claimExpiredLeases') return;
  for (const { lease, run } of result as ExpiredRun[]) {
    report({
      type: 'recovered',
      taskId: lease.taskId,
      executionId: run.executionId,
      owner: lease.owner,
      expiresAtMs: lease.expiresAtMs,
    });
  }
});

const engine = createEngine({
  store,
  coordination,
  ownerId: name,
  leaseMs: Number(setting('TASKPORT_LEASE_MS')),
  pollIntervalMs: Number(setting('TASKPORT_POLL_MS')),
  executor,
  eventPolicy: () => ({}),
});

engine.events.on('engine:error', (error) => {
  report({ type: 'engine-error', message: messageOf(error) });
});
engine.events.on('execution:finished', (execution) => {
  report({
    type: 'finished',
    executionId: execution.id,
    taskId: execution.taskId,
    phase: execution.phase,
    failureMessage: execution.failureMessage,
  });
});

async function shutdown(code: number): Promise<never> {
  await engine.close().catch(() => {});
  await storage.close().catch(() => {});
  await logPool.end().catch(() => {});
  process.exit(code);
}

async function obey(command: WorkerCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'createTask':
      return (await engine.createTask(command.input)).id;
    case 'notify':
      await engine.notifyChange(command.taskId, command.data);
      return null;
    case 'release': {
      const release = holds.get(command.taskId);
      release?.();
      return release !== undefined;
    }
    case 'quiet':
      return inFlight === 0 && engine.isIdle();
    case 'close':
      return null;
  }
}

process.on('message', (message: WorkerCommand) => {
  obey(message).then(
    (value) => {
      report({ type: 'reply', id: message.id, ok: true, value });
      if (message.cmd === 'close') void shutdown(0);
    },
    (error: unknown) =>
      report({ type: 'reply', id: message.id, ok: false, error: messageOf(error) }),
  );
});
// The test process is gone: so is this one.
process.on('disconnect', () => void shutdown(0));

await engine.ready();
report({ type: 'ready', pid: process.pid });
