/**
 * The fake's environments: created through the control API, they are what
 * CreateTask accepts as `environmentId` (research Appendix B13).
 */

import type { OnaEnvironmentDirectory } from '../../api/ona/options.ts';
import { isUuid } from '../../api/ona/validate.ts';
import { RecordWriter } from '../../api/shared/record-writer.ts';
import type { RecordStore } from '../../engine/store.ts';

const COLLECTION = 'ona.environments';

/** A simulated Ona environment. */
export interface OnaEnvironment {
  readonly id: string;
  readonly name: string;
  readonly createdAtMs: number;
}

/** What {@link OnaEnvironments.create} takes. */
export interface OnaEnvironmentInput {
  /** A UUID. @default a random one */
  readonly id?: string;
  /** @default the id */
  readonly name?: string;
}

/**
 * The fake's environment registry. With a record store (a durable fake) the
 * environments live there too, as the collection `ona.environments`; the Map
 * is the index every check reads.
 */
export class OnaEnvironments implements OnaEnvironmentDirectory {
  readonly #environments = new Map<string, OnaEnvironment>();
  readonly #now: () => number;
  readonly #store: RecordStore | undefined;
  readonly #writer: RecordWriter | undefined;
  #loading: Promise<void> | undefined;

  constructor(now: () => number, store?: RecordStore) {
    this.#now = now;
    this.#store = store;
    this.#writer = store === undefined ? undefined : new RecordWriter(store);
  }

  /** Reads the stored environments, once; resolves at once without a store. */
  load(): Promise<void> {
    const store = this.#store;
    if (store === undefined) return Promise.resolve();
    this.#loading ??= store.listRecords<OnaEnvironment>(COLLECTION).then((stored) => {
      for (const environment of stored) this.#environments.set(environment.id, environment);
    });
    return this.#loading;
  }

  /** Resolves once every change so far is stored. */
  persisted(): Promise<void> {
    return this.#writer === undefined ? Promise.resolve() : this.#writer.settled();
  }

  /** Adds an environment; throws a TypeError for a bad or taken id. */
  create(input: OnaEnvironmentInput = {}): OnaEnvironment {
    const id = input.id ?? crypto.randomUUID();
    if (typeof id !== 'string' || !isUuid(id)) {
      throw new TypeError(`Expected \`id\` to be a UUID, got ${JSON.stringify(id)} (${typeof id})`);
    }
    if (this.#environments.has(id)) {
      throw new TypeError(`taskport: environment ${id} already exists; pick another id.`);
    }
    const environment: OnaEnvironment = {
      id,
      name: input.name ?? id,
      createdAtMs: this.#now(),
    };
    this.#environments.set(id, environment);
    this.#writer?.put(COLLECTION, id, environment);
    return environment;
  }

  has(id: string): boolean {
    return this.#environments.has(id);
  }

  get(id: string): OnaEnvironment | undefined {
    return this.#environments.get(id);
  }

  /** Every environment, oldest first. */
  list(): OnaEnvironment[] {
    return [...this.#environments.values()];
  }

  delete(id: string): boolean {
    if (!this.#environments.delete(id)) return false;
    this.#writer?.delete(COLLECTION, id);
    return true;
  }

  clear(): void {
    for (const id of this.#environments.keys()) this.#writer?.delete(COLLECTION, id);
    this.#environments.clear();
  }
}
