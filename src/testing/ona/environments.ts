/**
 * The fake's environments: created through the control API, they are what
 * CreateTask accepts as `environmentId` (research Appendix B13).
 */

import type { OnaEnvironmentDirectory } from '../../api/ona/options.ts';
import { isUuid } from '../../api/ona/validate.ts';

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

/** The fake's environment registry. */
export class OnaEnvironments implements OnaEnvironmentDirectory {
  readonly #environments = new Map<string, OnaEnvironment>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
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
    return this.#environments.delete(id);
  }

  clear(): void {
    this.#environments.clear();
  }
}
