/**
 * The JSON text of a resource, kept per record and reused while everything
 * it is built from stays the same.
 *
 * Records are plain mutable objects (handlers, the fake's control and users
 * change their fields in place), so there is no version to key on. Instead
 * each cached text remembers its inputs: a flat list of every value the
 * resource is built from. A list request compares those (a few strict
 * equalities per record) instead of building the resource, formatting its
 * times and serialising it again.
 */

interface CachedJson {
  readonly inputs: readonly unknown[];
  readonly json: string;
}

/** Cached texts of one kind of resource, by record. */
export class JsonCache<R extends object> {
  readonly #entries = new WeakMap<R, CachedJson>();

  /**
   * `JSON.stringify(build())`, reused while `inputs` are the same values
   * (`Object.is`, item by item) as when it was built. `inputs` must list
   * everything `build` reads, in a fixed order.
   */
  json(record: R, inputs: readonly unknown[], build: () => unknown): string {
    const cached = this.#entries.get(record);
    if (cached !== undefined && sameInputs(cached.inputs, inputs)) return cached.json;
    const json = JSON.stringify(build());
    this.#entries.set(record, { inputs, json });
    return json;
  }
}

function sameInputs(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
