/**
 * The child side of the IPC channel: the system and database from the
 * environment, `ready` once prepared, then one reply per command. A child
 * whose parent went away exits.
 */

import pg from 'pg';
import type { ChildCommand, ChildEnv, ChildMessage } from './protocol.ts';
import { SELECTABLE_SYSTEMS, type SystemName } from './settings.ts';
import { graphileWorker } from './systems/graphile-worker.ts';
import { pgBoss } from './systems/pg-boss.ts';
import type { BenchSystem } from './systems/system.ts';
import { taskport, taskportBaseline } from './systems/taskport.ts';

export const BENCH_SYSTEMS: Readonly<Record<SystemName, BenchSystem>> = {
  taskport,
  'graphile-worker': graphileWorker,
  'pg-boss': pgBoss,
  'taskport-baseline': taskportBaseline,
};

export function setting(name: keyof ChildEnv): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`bench child: ${name} is not set`);
  return value;
}

export function systemName(): SystemName {
  const name = setting('BENCH_PG_SYSTEM');
  if (!(SELECTABLE_SYSTEMS as readonly string[]).includes(name))
    throw new Error(`bench child: unknown system ${name}`);
  return name as SystemName;
}

function send(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

let queries = 0;
/** With BENCH_PG_STATEMENTS=1: statements by their first words, printed when the child exits. */
const byStatement = process.env.BENCH_PG_STATEMENTS === '1' ? new Map<string, number>() : undefined;
{
  // All three systems talk through the one node-postgres of node_modules: each
  // `Client.query` is one round trip to the server. Counted, not changed.
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
    queries += 1;
    if (byStatement !== undefined) {
      const first = args[0];
      const text = typeof first === 'string' ? first : (first as { text?: string })?.text;
      const head = (text ?? '?').replace(/\s+/g, ' ').trim().slice(0, 90);
      byStatement.set(head, (byStatement.get(head) ?? 0) + 1);
    }
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}

function printStatements(): void {
  if (byStatement === undefined) return;
  const lines = [...byStatement].sort((a, b) => b[1] - a[1]).slice(0, 20);
  console.error(
    `statements of ${process.env.BENCH_PG_SYSTEM} child ${process.env.BENCH_PG_INDEX} (pid ${process.pid}):\n${lines
      .map(([head, n]) => `  ${String(n).padStart(7)}  ${head}`)
      .join('\n')}`,
  );
}

/** Statements this process sent so far (`pg.Client#query` calls). */
export function queriesSent(): number {
  return queries;
}

/** CPU this process used so far, ms. */
export function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * Answers the parent's commands with `handle` (one at a time, in order) and
 * says `ready`. `exit` ends the process after `close`.
 */
export function serve<C extends ChildCommand>(
  handle: (command: C) => Promise<unknown>,
  close: () => Promise<void>,
): void {
  let queue: Promise<void> = Promise.resolve();
  process.on('message', (raw) => {
    const command = raw as C;
    queue = queue.then(async () => {
      if (command.cmd === 'exit') {
        await close().catch((error: unknown) => console.error('bench child: close:', error));
        printStatements();
        send({ type: 'reply', id: command.id, ok: true, value: null });
        process.disconnect?.();
        // A pool or a timer of a peer's may keep the loop alive: the process is done.
        setTimeout(() => process.exit(0), 200).unref();
        return;
      }
      try {
        send({ type: 'reply', id: command.id, ok: true, value: (await handle(command)) ?? null });
      } catch (error) {
        send({
          type: 'reply',
          id: command.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
    });
  });
  process.once('disconnect', () => {
    setTimeout(() => process.exit(0), 1_000).unref();
  });
  send({ type: 'ready' });
}
