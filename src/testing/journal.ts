/**
 * The fake server's journal: every request it received and what it answered,
 * so a test can assert what its client sent.
 */

import { JOURNAL_ENTRY_OVERHEAD_BYTES, retainedCopy, retainedQuery } from './journal-budget.ts';

/** Bodies longer than this many bytes (of UTF-8) are cut in the journal. */
export const JOURNAL_BODY_LIMIT = 64 * 1024;

/** One received request. */
export interface JournalEntry {
  /** Sequence number, from 1. */
  readonly seq: number;
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  /** Query parameters; repeated ones keep every value. */
  readonly query: Readonly<Record<string, string | string[]>>;
  /** The request body as text (cut at {@link JOURNAL_BODY_LIMIT}). */
  readonly body: string;
  readonly status: number;
  /** When it was received, on the fake's clock (epoch ms). */
  readonly atMs: number;
  /** The dialect that answered, or `control` / `none`. */
  readonly dialect: string;
}

/** Filters of {@link Journal.calls}; each present field must match. */
export interface JournalFilter {
  readonly method?: string;
  /** An exact path, or a RegExp tested against it. */
  readonly path?: string | RegExp;
  readonly status?: number;
  readonly dialect?: string;
}

/** Entries the journal keeps by default. */
export const DEFAULT_JOURNAL_LIMIT = 10_000;

/** Bytes the journal keeps by default (see {@link Journal}). */
export const DEFAULT_JOURNAL_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Bounded, newest last: at most `limit` entries and `maxBytes` bytes, the
 * oldest evicted first. Each entry's strings are copied when recorded, cut
 * at {@link JOURNAL_BODY_LIMIT} bytes of UTF-8 for the body, so an entry
 * holds no more than it counts (its strings plus
 * {@link JOURNAL_ENTRY_OVERHEAD_BYTES}); an entry larger than `maxBytes`
 * alone is not kept.
 */
export class Journal {
  /** A ring: `#size` entries from `#oldest`, wrapping at `#limit`. */
  readonly #ring: (JournalEntry | undefined)[] = [];
  readonly #bytesOf: number[] = [];
  readonly #limit: number;
  readonly #maxBytes: number;
  #oldest = 0;
  #size = 0;
  #bytes = 0;
  #seq = 0;

  constructor(limit = DEFAULT_JOURNAL_LIMIT, maxBytes = DEFAULT_JOURNAL_MAX_BYTES) {
    this.#limit = limit;
    this.#maxBytes = maxBytes;
  }

  /** The bytes the kept entries hold, as counted (see {@link Journal}). */
  get retainedBytes(): number {
    return this.#bytes;
  }

  record(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const body = retainedCopy(entry.body, JOURNAL_BODY_LIMIT);
    const path = retainedCopy(entry.path, Number.POSITIVE_INFINITY);
    const query = retainedQuery(entry.query);
    const stored: JournalEntry = {
      ...entry,
      path: path.text,
      query: query.query,
      body: body.text,
      seq: ++this.#seq,
    };
    const bytes = JOURNAL_ENTRY_OVERHEAD_BYTES + body.bytes + path.bytes + query.bytes;
    if (this.#limit <= 0 || bytes > this.#maxBytes) return stored;
    while (this.#size > 0 && (this.#size >= this.#limit || this.#bytes + bytes > this.#maxBytes)) {
      this.#evictOldest();
    }
    const slot = (this.#oldest + this.#size) % this.#limit;
    this.#ring[slot] = stored;
    this.#bytesOf[slot] = bytes;
    this.#size++;
    this.#bytes += bytes;
    return stored;
  }

  /** The sequence number of the latest entry recorded (0 before any); a clear keeps it. */
  get lastSeq(): number {
    return this.#seq;
  }

  /** How many entries are kept. */
  get size(): number {
    return this.#size;
  }

  /** The newest `count` entries, newest first, without copying the rest. */
  newest(count: number): JournalEntry[] {
    const entries: JournalEntry[] = [];
    for (let i = this.#size - 1; i >= 0 && entries.length < count; i--) {
      entries.push(this.#ring[(this.#oldest + i) % this.#limit] as JournalEntry);
    }
    return entries;
  }

  calls(filter: JournalFilter = {}): JournalEntry[] {
    const inOrder: JournalEntry[] = [];
    for (let i = 0; i < this.#size; i++) {
      inOrder.push(this.#ring[(this.#oldest + i) % this.#limit] as JournalEntry);
    }
    return inOrder.filter(
      (entry) =>
        (filter.method === undefined || entry.method === filter.method.toUpperCase()) &&
        (filter.path === undefined ||
          (typeof filter.path === 'string'
            ? entry.path === filter.path
            : filter.path.test(entry.path))) &&
        (filter.status === undefined || entry.status === filter.status) &&
        (filter.dialect === undefined || entry.dialect === filter.dialect),
    );
  }

  clear(): void {
    this.#ring.length = 0;
    this.#bytesOf.length = 0;
    this.#oldest = 0;
    this.#size = 0;
    this.#bytes = 0;
  }

  #evictOldest(): void {
    const slot = this.#oldest;
    this.#bytes -= this.#bytesOf[slot] ?? 0;
    // Let the entry go now, not when its slot is written again.
    this.#ring[slot] = undefined;
    this.#oldest = (slot + 1) % this.#limit;
    this.#size--;
  }
}

/** Query parameters of a URL, repeated ones as arrays. */
export function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
}
