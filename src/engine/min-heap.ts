/**
 * An indexed binary min-heap: entries know their position, so a key can move
 * up or down in O(log n) without a new allocation. Both the virtual clock's
 * timers and the buffer-period deadlines sit in one.
 */

/** What an entry of a {@link MinHeap} carries. */
export interface HeapEntry {
  /** The ordering key (a due time in ms). */
  keyMs: number;
  /** Tie-breaker: smaller first (insertion order). */
  seq: number;
  /** Position in the heap, -1 when not in it. Owned by the heap. */
  heapIndex: number;
}

/** @internal */
export class MinHeap<T extends HeapEntry> {
  readonly #items: T[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(entry: T): void {
    entry.heapIndex = this.#items.length;
    this.#items.push(entry);
    this.#siftUp(entry.heapIndex);
  }

  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Removes `entry` if it is in the heap. */
  remove(entry: T): void {
    const index = entry.heapIndex;
    if (index < 0 || this.#items[index] !== entry) return;
    const last = this.#items.pop() as T;
    entry.heapIndex = -1;
    if (last === entry) return;
    this.#items[index] = last;
    last.heapIndex = index;
    this.#siftUp(index);
    this.#siftDown(last.heapIndex);
  }

  /** Moves `entry` to its place after its key changed. */
  update(entry: T): void {
    if (entry.heapIndex < 0) return;
    this.#siftUp(entry.heapIndex);
    this.#siftDown(entry.heapIndex);
  }

  /**
   * Moves every key by `deltaMs`. The order of the entries stays the same,
   * so the heap needs no repair.
   */
  shiftKeys(deltaMs: number): void {
    for (const item of this.#items) item.keyMs += deltaMs;
  }

  clear(): void {
    for (const item of this.#items) item.heapIndex = -1;
    this.#items.length = 0;
  }

  #less(a: T, b: T): boolean {
    return a.keyMs < b.keyMs || (a.keyMs === b.keyMs && a.seq < b.seq);
  }

  #siftUp(start: number): void {
    const items = this.#items;
    let index = start;
    const entry = items[index] as T;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex] as T;
      if (!this.#less(entry, parent)) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = entry;
    entry.heapIndex = index;
  }

  #siftDown(start: number): void {
    const items = this.#items;
    const length = items.length;
    let index = start;
    const entry = items[index] as T;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && this.#less(items[right] as T, items[left] as T)) child = right;
      const childEntry = items[child] as T;
      if (!this.#less(childEntry, entry)) break;
      items[index] = childEntry;
      childEntry.heapIndex = index;
      index = child;
    }
    items[index] = entry;
    entry.heapIndex = index;
  }
}
