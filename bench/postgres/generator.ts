/**
 * The load generator of the PostgreSQL bench: one process that announces
 * changes of keys to one system (taskport: `engine.notifyChange`;
 * graphile-worker: `addJob` with a job key; pg-boss: `sendDebounced`), each
 * carrying the time it was announced. Keys are taken in turn, and the turn
 * carries on from one command to the next, so a key changes as seldom as the
 * key count allows. Started by the bench with `node --import tsx`; obeys
 * {@link GeneratorCommand}s.
 */

import { BENCH_SYSTEMS, cpuMs, queriesSent, serve, setting, systemName } from './child-channel.ts';
import type { GeneratorCommand, GeneratorReport } from './protocol.ts';
import { keyName, nowMs } from './settings.ts';

const producer = await BENCH_SYSTEMS[systemName()].openProducer(setting('BENCH_PG_URL'));

/** The next key's number. */
let turn = 0;

interface Tally {
  accepted: number;
  scheduled: number;
  failed: number;
  firstError: string | undefined;
}

function newTally(): Tally {
  return { accepted: 0, scheduled: 0, failed: 0, firstError: undefined };
}

async function announceNext(keys: number, tally: Tally): Promise<void> {
  const key = keyName(turn % keys);
  turn += 1;
  try {
    if (await producer.announce(key, { t: nowMs() })) tally.scheduled += 1;
    tally.accepted += 1;
  } catch (error) {
    tally.failed += 1;
    tally.firstError ??= error instanceof Error ? error.message : String(error);
  }
}

function report(tally: Tally, startedAt: number): GeneratorReport {
  return {
    accepted: tally.accepted,
    scheduled: tally.scheduled,
    failed: tally.failed,
    ...(tally.firstError === undefined ? {} : { firstError: tally.firstError }),
    elapsedMs: nowMs() - startedAt,
    cpuMs: cpuMs(),
    queries: queriesSent(),
  };
}

/** `concurrency` loops announcing one change after another while `more()` holds. */
async function closedLoop(
  keys: number,
  concurrency: number,
  more: (tally: Tally) => boolean,
): Promise<GeneratorReport> {
  const tally = newTally();
  const startedAt = nowMs();
  const loop = async (): Promise<void> => {
    while (more(tally)) await announceNext(keys, tally);
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return report(tally, startedAt);
}

/** `perSecond` changes a second on a 10 ms tick, whatever the answers' pace (open loop). */
async function paced(
  keys: number,
  perSecond: number,
  durationMs: number,
): Promise<GeneratorReport> {
  const tally = newTally();
  const startedAt = nowMs();
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  while (nowMs() - startedAt < durationMs) {
    const due = Math.floor(((nowMs() - startedAt) / 1000) * perSecond);
    for (; sent < due; sent += 1) {
      const call = announceNext(keys, tally).finally(() => inFlight.delete(call));
      inFlight.add(call);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(inFlight);
  return report(tally, startedAt);
}

serve<GeneratorCommand>(
  async (command) => {
    switch (command.cmd) {
      case 'setup':
        return producer.setup(Array.from({ length: command.keys }, (_, index) => keyName(index)));
      case 'prefill': {
        let started = 0;
        return closedLoop(command.keys, command.concurrency, () => started++ < command.keys);
      }
      case 'paced':
        return paced(command.keys, command.perSecond, command.durationMs);
      case 'flat': {
        const endAt = nowMs() + command.durationMs;
        let started = 0;
        return closedLoop(
          command.keys,
          command.concurrency,
          () => started++ < command.minCount || nowMs() < endAt,
        );
      }
      case 'snapshot':
        return { cpuMs: cpuMs(), queries: queriesSent() };
      default:
        throw new Error(`generator: unknown command ${command.cmd}`);
    }
  },
  () => producer.close(),
);
