/**
 * pg-boss 10: a change is `sendDebounced(queue, data, {}, 1, key)`, its
 * documented debounce: "like sendThrottled(), but instead of rejecting if a
 * job is already sent in the current interval, it will try to add the job to
 * the next interval if one hasn't already been sent". So the first change of
 * a key in a 1 s slot runs at once, one more waits for the next slot, and
 * later ones in that slot are dropped (the call resolves `null`); the slot
 * is whole seconds, there is no 50 ms. It has no wake-up on new jobs: a
 * worker fetches one batch per polling interval, or at once again when the
 * handler calls `notifyWorker` (it does after a full batch, see settings.ts).
 */

import PgBoss from 'pg-boss';
import {
  JOB_NAME,
  PG_BOSS_BATCH_SIZE,
  PG_BOSS_DEBOUNCE_SECONDS,
  POLL_MS,
  POOL_SIZE,
} from '../settings.ts';
import { type BenchSystem, withApplicationName } from './system.ts';

function open(url: string, application: string): PgBoss {
  const boss = new PgBoss({
    connectionString: withApplicationName(url, application),
    max: POOL_SIZE,
  });
  boss.on('error', (error) => console.error(`pg-boss (${application}):`, error.message));
  return boss;
}

export const pgBoss: BenchSystem = {
  pendingSql: `SELECT count(*) AS pending FROM pgboss.job
    WHERE name = '${JOB_NAME}' AND state IN ('created', 'retry', 'active')`,

  async openWorker(url, index, onRunStart) {
    const boss = open(url, `bench-pg-boss-worker-${index}`);
    await boss.start();
    let working = false;
    return {
      async start() {
        let workerId: string | undefined;
        workerId = await boss.work<object>(
          JOB_NAME,
          { batchSize: PG_BOSS_BATCH_SIZE, pollingIntervalSeconds: POLL_MS / 1000 },
          async (jobs) => {
            for (const job of jobs) onRunStart(job.data);
            // A full batch says more are due: fetch again rather than sleep out the interval.
            if (jobs.length === PG_BOSS_BATCH_SIZE && workerId !== undefined)
              boss.notifyWorker(workerId);
          },
        );
        working = true;
      },
      async stop() {
        if (!working) return;
        working = false;
        await boss.offWork(JOB_NAME);
        // offWork lets the current fetch and batch finish; a loop ends within one interval.
        await new Promise((resolve) => setTimeout(resolve, POLL_MS + 200));
      },
      async close() {
        await boss.stop({ graceful: true, wait: true, timeout: 5_000 });
      },
    };
  },

  async openProducer(url) {
    const boss = open(url, 'bench-pg-boss-generator');
    await boss.start();
    return {
      async setup() {
        await boss.createQueue(JOB_NAME);
      },
      async announce(key, data) {
        const id = await boss.sendDebounced(JOB_NAME, data, {}, PG_BOSS_DEBOUNCE_SECONDS, key);
        return id !== null;
      },
      async close() {
        await boss.stop({ graceful: true, wait: true, timeout: 5_000 });
      },
    };
  },
};
