/**
 * `GET /_taskport/snapshot`: everything the dashboard shows of one fake
 * (one namespace), as JSON: the clock, each served dialect's world, and the
 * newest journal entries with their bodies.
 */

import type { FakeControl } from '../control.ts';
import { ALL_DIALECTS, type DialectName, FAKE_DIALECTS } from '../dialects.ts';
import type { AnyFakeDialect } from '../fake-dialect.ts';
import type { WorldSnapshot } from '../world-snapshot.ts';

/** Journal entries a snapshot shows, newest first. */
export const SNAPSHOT_JOURNAL_LIMIT = 100;
/** Characters of a body a snapshot shows; the whole body is in `GET /_taskport/journal`. */
export const SNAPSHOT_BODY_LIMIT = 4096;

/** A journal entry as the dashboard shows it. */
export interface JournalView {
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly body: string;
  /** The body was longer than {@link SNAPSHOT_BODY_LIMIT} characters. */
  readonly bodyCut: boolean;
  readonly status: number;
  readonly atMs: number;
  readonly dialect: string;
}

/** One served dialect in a snapshot. */
export interface DialectSnapshot extends WorldSnapshot {
  readonly name: DialectName;
  readonly title: string;
}

/** What `GET /_taskport/snapshot` answers. */
export interface FakeSnapshot {
  readonly clock: { readonly nowMs: number; readonly controlsTime: boolean };
  readonly dialects: readonly DialectSnapshot[];
  readonly journal: {
    /** Entries the journal keeps. */
    readonly count: number;
    /** The newest, at most {@link SNAPSHOT_JOURNAL_LIMIT}. */
    readonly entries: readonly JournalView[];
  };
}

const EMPTY_WORLD: WorldSnapshot = {
  taskCount: 0,
  tasks: [],
  events: [],
  executions: [],
  windows: [],
};

/** The snapshot of `control`'s fake now. */
export async function fakeSnapshot(control: FakeControl): Promise<FakeSnapshot> {
  const dialects: DialectSnapshot[] = [];
  for (const name of ALL_DIALECTS.filter((served) => control.dialects.includes(served))) {
    const dialect = FAKE_DIALECTS[name] as AnyFakeDialect;
    const world =
      dialect.snapshot === undefined
        ? EMPTY_WORLD
        : await dialect.snapshot(control.fake(name) as never);
    dialects.push({ name, title: dialect.title, ...world });
  }
  return {
    clock: { nowMs: control.now(), controlsTime: control.controlsTime },
    dialects,
    journal: {
      count: control.journal.size,
      entries: control.journal.newest(SNAPSHOT_JOURNAL_LIMIT).map((entry) => ({
        seq: entry.seq,
        method: entry.method,
        path: entry.path,
        query: entry.query,
        body:
          entry.body.length > SNAPSHOT_BODY_LIMIT
            ? entry.body.slice(0, SNAPSHOT_BODY_LIMIT)
            : entry.body,
        bodyCut: entry.body.length > SNAPSHOT_BODY_LIMIT,
        status: entry.status,
        atMs: entry.atMs,
        dialect: entry.dialect,
      })),
    },
  };
}
