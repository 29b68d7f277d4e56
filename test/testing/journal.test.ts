import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/testing/journal.ts';

function entry(path: string) {
  return { method: 'GET', path, query: {}, body: '', status: 200, atMs: 0, dialect: 'cts' };
}

describe('Journal', () => {
  it('keeps the newest `limit` entries, oldest first, with their sequence numbers', () => {
    const journal = new Journal(3);
    for (const path of ['/a', '/b', '/c', '/d', '/e']) journal.record(entry(path));
    expect(journal.calls().map((call) => [call.seq, call.path])).toEqual([
      [3, '/c'],
      [4, '/d'],
      [5, '/e'],
    ]);
    journal.record(entry('/f'));
    expect(journal.calls().map((call) => call.path)).toEqual(['/d', '/e', '/f']);
  });

  it('filters in order, and clear() starts an empty ring that numbering carries on from', () => {
    const journal = new Journal(2);
    journal.record(entry('/a'));
    journal.record({ ...entry('/b'), method: 'POST' });
    journal.record(entry('/c'));
    expect(journal.calls({ method: 'get' }).map((call) => call.path)).toEqual(['/c']);
    journal.clear();
    expect(journal.calls()).toEqual([]);
    journal.record(entry('/d'));
    expect(journal.calls().map((call) => [call.seq, call.path])).toEqual([[4, '/d']]);
  });

  it('newest(n) reads the newest entries newest first across the ring; lastSeq and size count', () => {
    const journal = new Journal(3);
    expect([journal.lastSeq, journal.size, journal.newest(5)]).toEqual([0, 0, []]);
    for (const path of ['/a', '/b', '/c', '/d']) journal.record(entry(path));
    expect(journal.newest(2).map((call) => call.path)).toEqual(['/d', '/c']);
    expect(journal.newest(10).map((call) => call.path)).toEqual(['/d', '/c', '/b']);
    expect([journal.lastSeq, journal.size]).toEqual([4, 3]);
    journal.clear();
    expect([journal.lastSeq, journal.size, journal.newest(1)]).toEqual([4, 0, []]);
  });

  it('a limit of 0 keeps nothing', () => {
    const journal = new Journal(0);
    journal.record(entry('/a'));
    expect(journal.calls()).toEqual([]);
  });
});
