/**
 * The fake server's control surface: what a test needs beyond the public
 * APIs — reset, seeding, scripted outcomes, the simulated Consul, time, and
 * the journal. The same operations are served as HTTP under `/_taskport/`.
 */

import type { TaskRequestTask } from '../api/cts/types.ts';
import type { Clock } from '../engine/clock.ts';
import { VirtualClock } from '../engine/virtual-clock.ts';
import { CtsCluster } from './cts/cluster/cluster.ts';
import { type CtsControl, createCtsControl } from './cts/control.ts';
import { type CtsFake, type CtsFakeOptions, createCtsFake } from './cts/cts-fake.ts';
import { Journal, type JournalEntry, type JournalFilter } from './journal.ts';
import type { OnaControl } from './ona/control.ts';
import { createOnaFake, type OnaFake, type OnaFakeOptions } from './ona/ona-fake.ts';
import type { TfcControl } from './tfc/control.ts';
import { createTfcFake, type TfcFake, type TfcFakeOptions } from './tfc/tfc-fake.ts';

/** The dialects the fake serves. */
export type DialectName = 'cts' | 'tfc' | 'ona';

/** Every dialect the fake knows. */
export const ALL_DIALECTS: readonly DialectName[] = ['cts', 'tfc', 'ona'];

/** What `seed` creates. */
export interface SeedInput {
  readonly cts?: {
    /** Tasks as the `task` object of `POST /v1/tasks`. */
    readonly tasks: readonly TaskRequestTask[];
    /** `now` runs each task once, in order, as CTS's once mode does at start-up. @default 'none' */
    readonly run?: 'now' | 'none';
  };
}

/** A seeded task that was refused, with the status and message CTS answered. */
export interface SeedFailure {
  readonly name: string;
  readonly status: number;
  readonly message: string;
}

/** Options of {@link FakeControl}. */
export interface FakeControlOptions {
  readonly clock: Clock;
  readonly dialects: readonly DialectName[];
  readonly cts?: CtsFakeOptions;
  readonly tfc?: TfcFakeOptions;
  readonly ona?: OnaFakeOptions;
  readonly journalLimit?: number;
}

/** The dialect's world, or an error saying how to start a fake that serves it. */
function served<T>(dialect: DialectName, fake: T | undefined): T {
  if (fake === undefined) {
    throw new Error(
      `taskport: this fake server does not serve the '${dialect}' dialect; start it with dialects: ['${dialect}'].`,
    );
  }
  return fake;
}

/** The control surface of one fake server. */
export class FakeControl {
  readonly clock: Clock;
  readonly journal: Journal;
  readonly dialects: readonly DialectName[];
  readonly #ctsOptions: CtsFakeOptions;
  readonly #tfcOptions: TfcFakeOptions;
  readonly #onaOptions: OnaFakeOptions;
  #cts: CtsFake | undefined;
  #ctsCluster: CtsCluster | undefined;
  #tfc: TfcFake | undefined;
  #ona: OnaFake | undefined;

  constructor(options: FakeControlOptions) {
    this.clock = options.clock;
    this.dialects = options.dialects;
    this.journal = new Journal(options.journalLimit);
    this.#ctsOptions = options.cts ?? {};
    this.#tfcOptions = options.tfc ?? {};
    this.#onaOptions = options.ona ?? {};
    this.#cts = this.dialects.includes('cts') ? this.#newCtsFake() : undefined;
    this.#tfc = this.dialects.includes('tfc')
      ? createTfcFake(this.clock, this.#tfcOptions)
      : undefined;
    this.#ona = this.dialects.includes('ona')
      ? createOnaFake(this.clock, this.#onaOptions)
      : undefined;
  }

  /** The simulated Ona automation service; throws if the fake does not serve `ona`. */
  get onaFake(): OnaFake {
    return served('ona', this.#ona);
  }

  /** The Ona world: environments, automations.yaml seeding, scripted outcomes, triggers. */
  get ona(): OnaControl {
    return this.onaFake.control;
  }

  /** The simulated Terraform Cloud; throws if the fake does not serve `tfc`. */
  get tfcFake(): TfcFake {
    return served('tfc', this.#tfc);
  }

  /** The Terraform Cloud world: organizations, workspaces, tokens, runs, webhooks, knobs. */
  get tfc(): TfcControl {
    return this.tfcFake.control;
  }

  /** The simulated CTS daemon; throws if the fake does not serve `cts`. */
  get ctsFake(): CtsFake {
    return served('cts', this.#cts);
  }

  /** Whether time only moves through `advance` (a virtual clock). */
  get controlsTime(): boolean {
    return this.clock.controlsTime;
  }

  /** The fake's time, epoch ms. */
  now(): number {
    return this.clock.now();
  }

  /** Moves virtual time forward, running what falls due. Throws on a real clock. */
  async advance(ms: number): Promise<void> {
    await this.#virtualClock('advance').advance(ms);
  }

  /** Waits until no run is active (on a virtual clock, moving time while runs wait on it). */
  async waitForIdle(): Promise<void> {
    // Webhooks in flight wait on real I/O, not on virtual time: let them land
    // before the virtual clock may jump to the next timer (a 10-minute limit).
    for (;;) {
      await this.#tfc?.whenIdle();
      // Engines on a virtual clock are tracked by it; on a real one, wait for each.
      if (this.clock instanceof VirtualClock) await this.clock.runUntilIdle();
      else
        await Promise.all([
          this.#cts?.engine.whenIdle(),
          this.#ctsCluster?.whenIdle(),
          this.#ona?.whenIdle(),
        ]);
      if (
        (this.#tfc?.isIdle() ?? true) &&
        (this.#cts?.engine.isIdle() ?? true) &&
        (this.#ctsCluster?.isIdle() ?? true) &&
        (this.#ona?.isIdle() ?? true)
      ) {
        return;
      }
    }
  }

  /** The requests the fake received, oldest first. */
  calls(filter?: JournalFilter): JournalEntry[] {
    return this.journal.calls(filter);
  }

  /** Forgets every task, event, run, scripted outcome, service, key and journal entry. */
  async reset(): Promise<void> {
    // A cluster resets in place: its members keep their ports.
    const previous = [this.#ctsCluster === undefined ? this.#cts : undefined, this.#tfc, this.#ona];
    if (this.#ctsCluster !== undefined) await this.#ctsCluster.reset();
    else if (this.#cts !== undefined) this.#cts = createCtsFake(this.clock, this.#ctsOptions);
    if (this.#tfc !== undefined) this.#tfc = createTfcFake(this.clock, this.#tfcOptions);
    if (this.#ona !== undefined) this.#ona = createOnaFake(this.clock, this.#onaOptions);
    await Promise.all(previous.map((fake) => fake?.close()));
    this.journal.clear();
  }

  /** Creates tasks through the public API's own validation; returns what was refused. */
  async seed(input: SeedInput): Promise<SeedFailure[]> {
    const failures: SeedFailure[] = [];
    if (input.cts === undefined) return failures;
    const query = input.cts.run === 'now' ? '?run=now' : '';
    for (const task of input.cts.tasks) {
      // Once mode runs tasks sequentially, in order.
      const response = await this.ctsFake.app.request(`/v1/tasks${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ task }),
      });
      if (response.status >= 300) {
        const body = (await response.json()) as { error?: { message?: string } };
        failures.push({
          name: String((task as { name?: unknown }).name),
          status: response.status,
          message: body.error?.message ?? '',
        });
      }
    }
    return failures;
  }

  /** The CTS world: catalog, KV and scripted outcomes. */
  get cts(): CtsControl {
    return createCtsControl(this.ctsFake);
  }

  /** Whether the CTS dialect is a simulated HA cluster (`cts.cluster`). */
  get isCtsCluster(): boolean {
    return this.#ctsCluster !== undefined;
  }

  /** The simulated CTS Enterprise HA cluster; throws unless started with `cts.cluster`. */
  get ctsCluster(): CtsCluster {
    if (this.#ctsCluster === undefined) {
      throw new Error(
        "taskport: this fake server does not simulate a CTS cluster; start it with cts: { cluster: { name: '…', members: 3 } }.",
      );
    }
    return this.#ctsCluster;
  }

  /** A single CTS daemon, or with `cts.cluster` the cluster's view (the leader's API). */
  #newCtsFake(): CtsFake {
    const { cluster, globalBufferPeriod } = this.#ctsOptions;
    if (cluster === undefined) return createCtsFake(this.clock, this.#ctsOptions);
    this.#ctsCluster = new CtsCluster({
      clock: this.clock,
      cluster,
      globalBufferPeriod,
      journal: this.journal,
    });
    return this.#ctsCluster.fake;
  }

  /** Stops every dialect's timers and runs. */
  async close(): Promise<void> {
    await Promise.all([this.#cts?.close(), this.#tfc?.close(), this.#ona?.close()]);
  }

  #virtualClock(operation: string): VirtualClock {
    if (!(this.clock instanceof VirtualClock)) {
      throw new Error(
        `taskport: ${operation}() needs a virtual clock; start the fake server with clock: 'virtual' (or --virtual-clock).`,
      );
    }
    return this.clock;
  }
}
