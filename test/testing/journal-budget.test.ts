/**
 * The journal's byte budget (issue #14, item 1): refused bodies must not
 * keep their whole text alive through the journal, and the journal keeps
 * no more bytes than it counts.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../src/testing/fake-server.ts';
import {
  DEFAULT_JOURNAL_MAX_BYTES,
  JOURNAL_BODY_LIMIT,
  Journal,
} from '../../src/testing/journal.ts';
import { JOURNAL_ENTRY_OVERHEAD_BYTES } from '../../src/testing/journal-budget.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function entry(path: string, body = '') {
  return { method: 'POST', path, query: {}, body, status: 200, atMs: 0, dialect: 'cts' };
}

describe('Journal byte budget', () => {
  it('evicts the oldest entries to stay under maxBytes, and counts what it keeps', () => {
    const perEntry = JOURNAL_ENTRY_OVERHEAD_BYTES + 1000 + '/a'.length;
    const journal = new Journal(100, perEntry * 3);
    for (const path of ['/a', '/b', '/c', '/d']) journal.record(entry(path, 'x'.repeat(1000)));
    expect(journal.calls().map((call) => call.path)).toEqual(['/b', '/c', '/d']);
    expect(journal.retainedBytes).toBe(perEntry * 3);
    journal.clear();
    expect(journal.retainedBytes).toBe(0);
  });

  it('cuts bodies at JOURNAL_BODY_LIMIT bytes of UTF-8, on a character boundary', () => {
    const journal = new Journal();
    // 'é' is 2 bytes of UTF-8: the limit falls between two characters or on one.
    const [kept] = [journal.record(entry('/x', 'é'.repeat(JOURNAL_BODY_LIMIT)))];
    expect(new TextEncoder().encode(kept?.body).byteLength).toBe(JOURNAL_BODY_LIMIT);
    expect(kept?.body).toBe('é'.repeat(JOURNAL_BODY_LIMIT / 2));
    const odd = journal.record(entry('/y', `a${'é'.repeat(JOURNAL_BODY_LIMIT)}`));
    expect(odd.body).toBe(`a${'é'.repeat(JOURNAL_BODY_LIMIT / 2 - 1)}`);
  });

  it('an entry larger than the whole budget is not kept', () => {
    const journal = new Journal(10, 100);
    journal.record(entry('/big', 'x'.repeat(1000)));
    expect(journal.calls()).toEqual([]);
    expect(journal.retainedBytes).toBe(0);
  });

  it('keeps 16 MiB by default', () => {
    expect(DEFAULT_JOURNAL_MAX_BYTES).toBe(16 * 1024 * 1024);
  });
});

describe('refused bodies through a listening fake', () => {
  let fake: FakeServer;
  beforeAll(async () => {
    fake = await startFakeServer({ clock: 'virtual' });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it.each([
    ['cts', '/v1/tasks', 1_000_000, 400],
    ['ona', '/api/gitpod.v1.EnvironmentAutomationService/CreateTask', 4_000_000, 400],
  ])(
    '%s: 1 MB-class bodies answered %s keep at most the journal cut each',
    async (_dialect, path, size, status) => {
      const body = `{"task":"${'x'.repeat(size - 20)}"}`;
      const post = () =>
        fetch(`${fake.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
          body,
        });
      // Warm up whatever is allocated once.
      expect((await post()).status).toBe(status);
      fake.control.journal.clear();
      const before = heapAfterGc();
      const count = 30;
      for (let i = 0; i < count; i++) {
        const response = await post();
        expect(response.status).toBe(status);
        await response.arrayBuffer();
      }
      const grown = heapAfterGc() - before;
      // Pinning the whole bodies would keep count × size (30 MB to 120 MB).
      expect(grown).toBeLessThan(count * JOURNAL_BODY_LIMIT * 2 + 8 * 1024 * 1024);
      expect(fake.control.calls({ path })).toHaveLength(count);
      expect(fake.control.journal.retainedBytes).toBeLessThanOrEqual(
        count * (JOURNAL_BODY_LIMIT + JOURNAL_ENTRY_OVERHEAD_BYTES + 2 * path.length),
      );
    },
  );
});
