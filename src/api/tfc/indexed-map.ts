/**
 * A Map that keeps its values grouped by keys of theirs (run tasks by
 * organization, associations by task and by workspace), so that a list
 * request reads one group instead of filtering every record of the state.
 *
 * The groups are updated in `set`, `delete` and `clear`, the only ways to
 * change a Map, so whoever writes through the Map (handlers, the fake's
 * control, tests) keeps them in step without knowing about them. A value's
 * group key must not change while it is in the map (the keys used are
 * `readonly` fields of the records).
 */

/** The values of one grouping, each group in the map's own (insertion) order. */
export class MapGroups<K, V, G> {
  readonly #groupOf: (value: V) => G;
  readonly #owner: ReadonlyMap<K, V>;
  readonly #groups = new Map<G, Map<K, V>>();
  /** Arrays handed out by {@link list}, until the group changes. Never mutated. */
  readonly #lists = new Map<G, readonly V[]>();

  /** @internal Created by {@link IndexedMap.groupBy}. */
  constructor(owner: ReadonlyMap<K, V>, groupOf: (value: V) => G) {
    this.#owner = owner;
    this.#groupOf = groupOf;
    for (const [key, value] of owner) this.#added(key, value);
  }

  /** The values in `group`, in insertion order; a shared array, do not change it. */
  list(group: G): readonly V[] {
    let list = this.#lists.get(group);
    if (list === undefined) {
      list = [...(this.#groups.get(group)?.values() ?? [])];
      this.#lists.set(group, list);
    }
    return list;
  }

  /** How many values `group` holds. */
  count(group: G): number {
    return this.#groups.get(group)?.size ?? 0;
  }

  /** @internal `key` was set to `value`; `previous` is what it replaced, if anything. */
  set(key: K, value: V, previous: V | undefined, replaced: boolean): void {
    const group = this.#groupOf(value);
    if (replaced) {
      const before = this.#groupOf(previous as V);
      if (Object.is(before, group)) {
        // Same group: the key keeps its place there, as it does in the map.
        this.#groups.get(group)?.set(key, value);
        this.#lists.delete(group);
        return;
      }
      this.#removed(key, previous as V);
      this.#rebuild(group);
      return;
    }
    this.#added(key, value);
  }

  /** @internal `key` (holding `value`) was deleted. */
  delete(key: K, value: V): void {
    this.#removed(key, value);
  }

  /** @internal The map was cleared. */
  clear(): void {
    this.#groups.clear();
    this.#lists.clear();
  }

  #added(key: K, value: V): void {
    const group = this.#groupOf(value);
    let members = this.#groups.get(group);
    if (members === undefined) {
      members = new Map();
      this.#groups.set(group, members);
    }
    members.set(key, value);
    this.#lists.delete(group);
  }

  #removed(key: K, value: V): void {
    const group = this.#groupOf(value);
    const members = this.#groups.get(group);
    if (members === undefined) return;
    members.delete(key);
    if (members.size === 0) this.#groups.delete(group);
    this.#lists.delete(group);
  }

  /**
   * A replaced value moved to another group: it keeps its place in the map,
   * so its new group is rebuilt in map order (rare: group keys are readonly).
   */
  #rebuild(group: G): void {
    const members = new Map<K, V>();
    for (const [key, value] of this.#owner)
      if (Object.is(this.#groupOf(value), group)) members.set(key, value);
    if (members.size === 0) this.#groups.delete(group);
    else this.#groups.set(group, members);
    this.#lists.delete(group);
  }
}

/** Told of every write to an {@link IndexedMap}: a set value, or `undefined` for a delete. */
export type MapObserver<K, V> = (key: K, value: V | undefined) => void;

/**
 * A Map with groupings kept in step on every write; see {@link MapGroups}.
 * An observer (the state's record writer) sees the same writes.
 */
export class IndexedMap<K, V> extends Map<K, V> {
  readonly #groupings: MapGroups<K, V, unknown>[] = [];
  #observer: MapObserver<K, V> | undefined;

  // biome-ignore lint/complexity/noUselessConstructor: it takes no entries on purpose, as Map's constructor would call the overridden `set` before the private fields exist
  constructor() {
    super();
  }

  /** A grouping of the values by `groupOf(value)`, built from the current entries. */
  groupBy<G>(groupOf: (value: V) => G): MapGroups<K, V, G> {
    const groups = new MapGroups(this, groupOf);
    this.#groupings.push(groups as MapGroups<K, V, unknown>);
    return groups;
  }

  /** Reports every later set, delete and clear to `observer` (one observer; `undefined` stops). */
  observe(observer: MapObserver<K, V> | undefined): void {
    this.#observer = observer;
  }

  override set(key: K, value: V): this {
    const replaced = super.has(key);
    const previous = replaced ? super.get(key) : undefined;
    super.set(key, value);
    for (const groups of this.#groupings) groups.set(key, value, previous, replaced);
    this.#observer?.(key, value);
    return this;
  }

  override delete(key: K): boolean {
    if (!super.has(key)) return false;
    const value = super.get(key) as V;
    super.delete(key);
    for (const groups of this.#groupings) groups.delete(key, value);
    this.#observer?.(key, undefined);
    return true;
  }

  override clear(): void {
    if (this.#observer !== undefined)
      for (const key of super.keys()) this.#observer(key, undefined);
    super.clear();
    for (const groups of this.#groupings) groups.clear();
  }
}
