/**
 * graphile-worker 0.17: a change is `addJob` with the key as `jobKey`,
 * `jobKeyMode: 'replace'` and `runAt` 50 ms on, so that each change pushes
 * the pending job back and replaces its payload: its documented debounce
 * (website/docs/job-key.md: "replace … primarily useful for … debouncing").
 * Unlike taskport's buffer period it has no deadline; the bench's keys never
 * change often enough for that to matter. A change while the key's job runs
 * schedules a second job, as taskport owes one follow-up run.
 */

import { Logger, makeWorkerUtils, type Runner, run, runMigrations } from 'graphile-worker';
import pg from 'pg';
import { DEBOUNCE, JOB_NAME, PER_PROCESS_CONCURRENCY, POLL_MS, POOL_SIZE } from '../settings.ts';
import { type BenchSystem, withApplicationName } from './system.ts';

/** Its errors only: the info lines (one per worker start) would drown the bench's output. */
const logger = new Logger(() => (level, message) => {
  if (level === 'error') console.error(`graphile-worker: ${message}`);
});

export const graphileWorker: BenchSystem = {
  pendingSql: 'SELECT count(*) AS pending FROM graphile_worker._private_jobs',

  async openWorker(url, index, onRunStart) {
    const pgPool = new pg.Pool({
      connectionString: withApplicationName(url, `bench-graphile-worker-${index}`),
      max: POOL_SIZE,
    });
    // graphile-worker checks that a given pool handles errors of idle and of checked-out clients.
    const onError = (error: Error) => console.error('graphile-worker pool:', error.message);
    pgPool.on('error', onError);
    pgPool.on('connect', (client) => client.on('error', onError));
    await pgPool.query('SELECT 1');
    let runner: Runner | undefined;
    return {
      async start() {
        runner = await run({
          pgPool,
          logger,
          concurrency: PER_PROCESS_CONCURRENCY,
          pollInterval: POLL_MS,
          noHandleSignals: true,
          taskList: {
            [JOB_NAME]: async (payload) => {
              onRunStart(payload);
            },
          },
        });
      },
      async stop() {
        await runner?.stop();
        runner = undefined;
      },
      async close() {
        await runner?.stop();
        await pgPool.end();
      },
    };
  },

  async openProducer(url) {
    const connectionString = withApplicationName(url, 'bench-graphile-worker-generator');
    await runMigrations({ connectionString, logger });
    const utils = await makeWorkerUtils({ connectionString, logger, maxPoolSize: POOL_SIZE });
    return {
      async setup() {},
      async announce(key, data) {
        await utils.addJob(JOB_NAME, data, {
          jobKey: key,
          jobKeyMode: 'replace',
          runAt: new Date(data.t + DEBOUNCE.minMs),
        });
        return true;
      },
      async close() {
        await utils.release();
      },
    };
  },
};
