/**
 * Several "processes" on one test database: each coordination (or store)
 * gets a pool of its own, all on one fresh schema, reading one VirtualClock.
 */

import { randomBytes } from 'node:crypto';
import type { NextCronTick } from '../../src/engine/coordination.ts';
import { VirtualClock } from '../../src/engine/virtual-clock.ts';
import { PostgresCoordination } from '../../src/postgres/postgres-coordination.ts';
import type { TestDatabase } from '../support/postgres.ts';

export const T0 = Date.UTC(2030, 0, 1);

/** A schema name no other test uses. */
export function freshSchema(prefix = 'coord'): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

export interface Processes {
  readonly clock: VirtualClock;
  readonly schema: string;
  /** One coordination per simulated process, each on its own pool. */
  readonly all: readonly PostgresCoordination[];
  close(): Promise<void>;
}

/** `count` coordinations on fresh pools of `db`, one schema, one virtual clock. */
export async function processes(db: TestDatabase, count: number): Promise<Processes> {
  const clock = new VirtualClock({ startMs: T0 });
  const schema = freshSchema();
  const pools = Array.from({ length: count }, () => db.pool());
  const all = pools.map(
    (pool) => new PostgresCoordination({ pool, schema, now: () => clock.now() }),
  );
  // Migrate up front so the races below race on the verbs, not on the schema.
  await Promise.all(all.map((coordination) => coordination.isLeased('none')));
  return {
    clock,
    schema,
    all,
    close: async () => {
      await Promise.all(all.map((coordination) => coordination.close()));
      // Hand the connections back now rather than at the end of the file.
      await Promise.all(pools.map((pool) => pool.end()));
    },
  };
}

/** A cron "parser" ticking every `periodMs`, aligned on the epoch. */
export function every(periodMs: number): NextCronTick {
  return (_expression, _timezone, afterMs) => (Math.floor(afterMs / periodMs) + 1) * periodMs;
}

/** Runs `count` calls at once, the i-th on `all[i % all.length]`. */
export function race<C, R>(
  all: readonly C[],
  count: number,
  call: (c: C, i: number) => Promise<R>,
) {
  return Promise.all(Array.from({ length: count }, (_, i) => call(all[i % all.length] as C, i)));
}
