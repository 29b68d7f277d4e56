/**
 * The fake server's journal: every request it received and what it answered,
 * so a test can assert what its client sent.
 */

/** Bodies longer than this many bytes are cut in the journal. */
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

/** Bounded, newest last: a ring of `limit` entries, the oldest overwritten. */
export class Journal {
  readonly #ring: JournalEntry[] = [];
  readonly #limit: number;
  /** Where the oldest entry is once the ring is full. */
  #oldest = 0;
  #seq = 0;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  record(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const stored = { ...entry, seq: ++this.#seq };
    if (this.#ring.length < this.#limit) {
      this.#ring.push(stored);
    } else if (this.#limit > 0) {
      this.#ring[this.#oldest] = stored;
      this.#oldest = (this.#oldest + 1) % this.#limit;
    }
    return stored;
  }

  calls(filter: JournalFilter = {}): JournalEntry[] {
    const inOrder =
      this.#oldest === 0
        ? this.#ring
        : [...this.#ring.slice(this.#oldest), ...this.#ring.slice(0, this.#oldest)];
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
    this.#oldest = 0;
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
