/**
 * Writes a dialect's records to a {@link RecordStore} behind its in-memory
 * index (tfc's state, Ona's executions), in the order they were changed.
 *
 * The dialects read their records synchronously from Maps, the index the
 * handlers were written against; the store is where the records live
 * between processes. Each change marks its record dirty; a drain started on
 * the next microtask writes the latest value of every dirty record, one
 * write at a time, so the store sees first puts in the order the records
 * were created (its listing order) and a record changed five times in one
 * request is written once. A request that changed records awaits
 * {@link RecordWriter.settled} before it answers, so what a client was told
 * is in the store.
 */

import type { RecordStore } from '../../engine/store.ts';

interface PendingWrite {
  readonly collection: string;
  readonly key: string;
  /** `undefined`: delete the record. */
  readonly value: unknown;
  readonly scope: string | undefined;
}

/** The write-behind queue of one dialect world's records. */
export class RecordWriter {
  readonly #store: RecordStore;
  /** Dirty records by collection and key, in the order they were first marked. */
  readonly #pending = new Map<string, PendingWrite>();
  #draining: Promise<void> | undefined;
  #failure: unknown;

  constructor(store: RecordStore) {
    this.#store = store;
  }

  /** Marks `value` as the record's new content (JSON: no Sets, no Dates). */
  put(collection: string, key: string, value: unknown, scope?: string): void {
    this.#mark({ collection, key, value, scope });
  }

  /** Marks the record as deleted. */
  delete(collection: string, key: string): void {
    this.#mark({ collection, key, value: undefined, scope: undefined });
  }

  /**
   * Resolves once every change marked so far is written; rejects (once)
   * with the error of a write that failed since the last call.
   */
  async settled(): Promise<void> {
    while (this.#draining !== undefined) await this.#draining;
    const failure = this.#failure;
    if (failure !== undefined) {
      this.#failure = undefined;
      throw failure;
    }
  }

  #mark(write: PendingWrite): void {
    this.#pending.set(`${write.collection}\u0000${write.key}`, write);
    this.#draining ??= this.#drain();
  }

  async #drain(): Promise<void> {
    // Let the rest of this turn's changes join the batch first.
    await Promise.resolve();
    try {
      while (this.#pending.size > 0) {
        const batch = [...this.#pending.values()];
        this.#pending.clear();
        for (const write of batch) {
          if (write.value === undefined)
            await this.#store.deleteRecord(write.collection, write.key);
          else await this.#store.putRecord(write.collection, write.key, write.value, write.scope);
        }
      }
    } catch (error) {
      // The failed batch's rest is lost with it; say so to the next settled().
      // Changes marked since wait for the next change to start a drain.
      this.#failure ??= error;
    } finally {
      this.#draining = undefined;
    }
  }
}
