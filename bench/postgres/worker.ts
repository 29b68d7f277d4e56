/**
 * A worker process of the PostgreSQL bench: one system's worker (a taskport
 * engine, a graphile-worker runner, a pg-boss `work()` loop) on that
 * system's database, whose job does nothing but note when it started and
 * how long after the change it carries. Started by the bench with
 * `node --import tsx`; obeys {@link WorkerCommand}s.
 */

import { BENCH_SYSTEMS, cpuMs, queriesSent, serve, setting, systemName } from './child-channel.ts';
import type { WorkerCommand, WorkerSnapshot } from './protocol.ts';
import { nowMs } from './settings.ts';

let runs = 0;
let latencies: number[] = [];

function onRunStart(data: unknown): void {
  const startedAt = nowMs();
  runs += 1;
  const t = (data as { t?: unknown } | null)?.t;
  if (typeof t === 'number') latencies.push(startedAt - t);
}

const worker = await BENCH_SYSTEMS[systemName()].openWorker(
  setting('BENCH_PG_URL'),
  Number(setting('BENCH_PG_INDEX')),
  onRunStart,
);

serve<WorkerCommand>(
  async (command) => {
    switch (command.cmd) {
      case 'start':
        return worker.start();
      case 'stop':
        return worker.stop();
      case 'snapshot': {
        const snapshot: WorkerSnapshot = {
          runs,
          latenciesMs: latencies,
          cpuMs: cpuMs(),
          queries: queriesSent(),
        };
        latencies = [];
        return snapshot;
      }
      default:
        throw new Error(`worker: unknown command ${command.cmd}`);
    }
  },
  () => worker.close(),
);
