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

/** Bounded, newest last. */
export class Journal {
  readonly #entries: JournalEntry[] = [];
  readonly #limit: number;
  #seq = 0;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  record(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const stored = { ...entry, seq: ++this.#seq };
    this.#entries.push(stored);
    if (this.#entries.length > this.#limit) this.#entries.shift();
    return stored;
  }

  calls(filter: JournalFilter = {}): JournalEntry[] {
    return this.#entries.filter(
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
    this.#entries.length = 0;
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
