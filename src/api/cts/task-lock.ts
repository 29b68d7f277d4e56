/**
 * CTS's task-lifecycle lock (`api/task_create.go`): create and delete hold it
 * exclusively, GET /v1/tasks[/name] shared, so reads wait while a create
 * (which may run the task) is in flight. PATCH and status do not take it.
 */

/** A readers–writer lock on promises, writers served in arrival order. */
export class TaskLock {
  #readers = 0;
  #writer = false;
  readonly #queue: { exclusive: boolean; grant: () => void }[] = [];

  /** Runs `work` while holding the lock shared. */
  shared<T>(work: () => Promise<T>): Promise<T> {
    return this.#hold(false, work);
  }

  /** Runs `work` while holding the lock exclusively. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.#hold(true, work);
  }

  async #hold<T>(exclusive: boolean, work: () => Promise<T>): Promise<T> {
    if (!exclusive && !this.#writer && this.#queue.length === 0) {
      // The common case, a read with no writer about: no queueing, no extra promise.
      this.#readers++;
    } else {
      await new Promise<void>((grant) => {
        this.#queue.push({ exclusive, grant });
        this.#drain();
      });
    }
    try {
      return await work();
    } finally {
      if (exclusive) this.#writer = false;
      else this.#readers--;
      this.#drain();
    }
  }

  #drain(): void {
    while (this.#queue.length > 0 && !this.#writer) {
      const next = this.#queue[0] as { exclusive: boolean; grant: () => void };
      if (next.exclusive && this.#readers > 0) return;
      this.#queue.shift();
      if (next.exclusive) this.#writer = true;
      else this.#readers++;
      next.grant();
    }
  }
}
