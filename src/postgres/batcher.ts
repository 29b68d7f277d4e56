/**
 * Group commit: calls that arrive while a batch is on its way to the
 * database wait and go together in the next one, so that N runs finishing
 * at once cost one round trip instead of N, and a lone call waits for
 * nothing but the turn of the event loop it arrived in.
 *
 * Each caller's promise settles with its own item's result once the
 * statement that carried it has returned (committed): a caller that awaits
 * it knows its write is durable, exactly as with a statement of its own.
 * A batch that fails is sent again one item at a time, so that one item the
 * database refuses (a NUL in a message, say) fails its own caller only and
 * loses nothing of the others; the next batch goes on meanwhile.
 */

/** Sends one batch; returns one result per item, in order. */
export type SendBatch<I, R> = (items: readonly I[]) => Promise<readonly R[]>;

interface Pending<I, R> {
  readonly item: I;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

export class Batcher<I, R> {
  readonly #send: SendBatch<I, R>;
  readonly #maxItems: number;
  #queue: Pending<I, R>[] = [];
  #scheduled = false;
  #inFlight = false;
  #idle: (() => void)[] = [];

  constructor(send: SendBatch<I, R>, maxItems: number) {
    this.#send = send;
    this.#maxItems = Math.max(1, Math.floor(maxItems));
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves once every item submitted so far was sent and answered (for close()). */
  settled(): Promise<void> {
    if (!this.#inFlight && !this.#scheduled && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight || this.#queue.length === 0) return;
    this.#scheduled = true;
    // One turn of the event loop: calls made by runs that end together join.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #sendAlone(pending: Pending<I, R>): Promise<void> {
    try {
      const [result] = await this.#send([pending.item]);
      pending.resolve(result as R);
    } catch (error) {
      pending.reject(error);
    }
  }

  async #flush(): Promise<void> {
    if (this.#inFlight || this.#queue.length === 0) return;
    this.#inFlight = true;
    const batch = this.#queue.splice(0, this.#maxItems);
    try {
      const results = await this.#send(batch.map((pending) => pending.item));
      batch.forEach((pending, index) => {
        pending.resolve(results[index] as R);
      });
    } catch (error) {
      if (batch.length === 1) batch[0]?.reject(error);
      else await Promise.all(batch.map((pending) => this.#sendAlone(pending)));
    } finally {
      this.#inFlight = false;
      this.#schedule();
      if (!this.#scheduled && this.#queue.length === 0) {
        for (const resolve of this.#idle.splice(0)) resolve();
      }
    }
  }
}
