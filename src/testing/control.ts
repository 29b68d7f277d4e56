/**
 * The fake server's control surface: what a test needs beyond the public
 * APIs — reset, seeding, scripted outcomes, the simulated worlds, time, and
 * the journal. The same operations are served as HTTP under `/_taskport/`.
 *
 * It knows the dialects only through the registry (`dialects.ts`): each
 * served dialect has one world, built, waited for, reset and closed the
 * same way. The per-dialect getters (`cts`, `tfcFake`, …) are shorthands
 * for {@link FakeControl.fake}.
 */

import { type AdvanceOptions, validateMaxTimers } from '../engine/advance-limit.ts';
import type { Clock } from '../engine/clock.ts';
import { VirtualClock } from '../engine/virtual-clock.ts';
import { ControlInputError } from './control-input.ts';
import { needsVirtualClockMessage } from './control-messages.ts';
import type { CtsCluster } from './cts/cluster/cluster.ts';
import type { CtsControl } from './cts/control.ts';
import { type CtsFake, clusterOf } from './cts/cts-fake.ts';
import {
  ALL_DIALECTS,
  type DialectName,
  type DialectOptionsMap,
  type DialectSeed,
  type DialectWorld,
  FAKE_DIALECTS,
} from './dialects.ts';
import type { AnyFakeDialect, FakeWorld, ListenFunction, SeedFailure } from './fake-dialect.ts';
import { type Fired, joinFired } from './fired.ts';
import { type IdleReport, idleReport } from './idle-report.ts';
import { Journal, type JournalEntry, type JournalFilter } from './journal.ts';
import type { OnaControl } from './ona/control.ts';
import type { OnaFake } from './ona/ona-fake.ts';
import type { TfcControl } from './tfc/control.ts';
import type { TfcFake } from './tfc/tfc-fake.ts';

/** What `seed` creates: each dialect's part, for the dialects that seed. */
export type SeedInput = {
  readonly [K in DialectName as [DialectSeed<K>] extends [never] ? never : K]?: DialectSeed<K>;
};

/** Options of {@link FakeControl}: each dialect's options under its name. */
export interface FakeControlOptions extends DialectOptionsMap {
  readonly clock: Clock;
  readonly dialects: readonly DialectName[];
  readonly journalLimit?: number;
  readonly journalMaxBytes?: number;
  /** Timers one `advance` may fire. @default {@link DEFAULT_ADVANCE_MAX_TIMERS} */
  readonly advanceMaxTimers?: number;
  /**
   * The path prefix of the namespace these worlds serve (`/ns/<name>`).
   * @default '' (the default namespace)
   */
  readonly pathPrefix?: string;
}

/**
 * Timers one `advance` fires at most (about ten seconds of a busy schedule);
 * past it, advance stops with an `AdvanceLimitError`, the clock at the last
 * timer that fired.
 */
export const DEFAULT_ADVANCE_MAX_TIMERS = 100_000;

/** The dialect's world, or an error saying how to start a fake that serves it. */
function served<T>(dialect: DialectName, fake: T | undefined): T {
  if (fake === undefined) {
    throw new Error(
      `taskport: this fake server does not serve the '${dialect}' dialect; start it with dialects: ['${dialect}'].`,
    );
  }
  return fake;
}

function dialectOf(name: DialectName): AnyFakeDialect {
  return FAKE_DIALECTS[name];
}

/** The control surface of one fake server. */
export class FakeControl {
  readonly clock: Clock;
  readonly journal: Journal;
  readonly dialects: readonly DialectName[];
  readonly #options: FakeControlOptions;
  readonly #advanceMaxTimers: number;
  /** The served dialects' worlds, in registry order. */
  readonly #worlds = new Map<DialectName, FakeWorld>();

  constructor(options: FakeControlOptions) {
    this.clock = options.clock;
    this.dialects = options.dialects;
    this.journal = new Journal(options.journalLimit, options.journalMaxBytes);
    this.#options = options;
    this.#advanceMaxTimers = validateMaxTimers(
      options.advanceMaxTimers ?? DEFAULT_ADVANCE_MAX_TIMERS,
    );
    for (const name of ALL_DIALECTS) {
      if (this.dialects.includes(name)) this.#worlds.set(name, this.#create(name));
    }
  }

  /** A served dialect's world; throws if the fake does not serve it. */
  fake<K extends DialectName>(name: K): DialectWorld<K> {
    return served(name, this.#worlds.get(name)) as DialectWorld<K>;
  }

  /** The simulated Ona automation service; throws if the fake does not serve `ona`. */
  get onaFake(): OnaFake {
    return this.fake('ona');
  }

  /** The Ona world: environments, automations.yaml seeding, scripted outcomes, triggers. */
  get ona(): OnaControl {
    return this.onaFake.control;
  }

  /** The simulated Terraform Cloud; throws if the fake does not serve `tfc`. */
  get tfcFake(): TfcFake {
    return this.fake('tfc');
  }

  /** The Terraform Cloud world: organizations, workspaces, tokens, runs, webhooks, knobs. */
  get tfc(): TfcControl {
    return this.tfcFake.control;
  }

  /** The simulated CTS daemon; throws if the fake does not serve `cts`. */
  get ctsFake(): CtsFake {
    return this.fake('cts');
  }

  /** Whether time only moves through `advance` (a virtual clock). */
  get controlsTime(): boolean {
    return this.clock.controlsTime;
  }

  /** The fake's time, epoch ms. */
  now(): number {
    return this.clock.now();
  }

  /**
   * Moves virtual time forward, running what falls due. Throws on a real
   * clock, and stops early (the clock at the last timer fired) after
   * `advanceMaxTimers` timers or when `options.signal` aborts. Answers what
   * fired on the way: triggers, runs started or finished, requests sent to run tasks.
   */
  async advance(ms: number, options: AdvanceOptions = {}): Promise<Fired> {
    const clock = this.#virtualClock('advance');
    // Watched from before the first timer, stopped even when the advance stops early.
    const watches = [...this.#worlds.values()].flatMap((world) => world.watchFired?.() ?? []);
    const stop = (): Fired => joinFired(watches.map((watch) => watch.stop()));
    try {
      await clock.advance(ms, { maxTimers: this.#advanceMaxTimers, ...options });
    } catch (error) {
      stop();
      throw error;
    }
    return stop();
  }

  /**
   * Resolves once no run is active. On a virtual clock it moves time while
   * runs wait on it (a buffer period, a retry's backoff), as
   * `VirtualClock.whenIdle()` does; on a real clock it only waits.
   */
  async whenIdle(): Promise<void> {
    for (;;) {
      const worlds = [...this.#worlds];
      // Work on real I/O (tfc's webhooks) is not on virtual time: let it land
      // before the virtual clock may jump to the next timer (a 10-minute limit).
      await Promise.all(
        worlds.filter(([name]) => dialectOf(name).waitsOn === 'io').map(([, w]) => w.whenIdle()),
      );
      // Engines on a virtual clock are tracked by it; on a real one, wait for each.
      if (this.clock instanceof VirtualClock) await this.clock.whenIdle();
      else
        await Promise.all(
          worlds
            .filter(([name]) => dialectOf(name).waitsOn === 'clock')
            .map(([, world]) => world.whenIdle()),
        );
      if (worlds.every(([, world]) => world.isIdle())) return;
    }
  }

  /** Whether anything is queued or running, per dialect; it waits for nothing and moves no time. */
  idle(): IdleReport {
    return idleReport(this.#worlds, this.clock);
  }

  /** @deprecated Use {@link whenIdle}, the one idle verb of the engine, the clock and the fake. */
  waitForIdle(): Promise<void> {
    return this.whenIdle();
  }

  /** The requests the fake received, oldest first. */
  calls(filter?: JournalFilter): JournalEntry[] {
    return this.journal.calls(filter);
  }

  /**
   * Forgets every task, event, run, scripted outcome, service, key and
   * journal entry, and rewinds a virtual clock to where it started, so a
   * test after a reset reads the times the first one did. What was given at
   * start-up (options such as tfc's `tokens`) is built again.
   */
  async reset(): Promise<void> {
    // First, so the new worlds are built at the start time.
    if (this.clock instanceof VirtualClock) this.clock.rewind();
    // A world that resets in place (a CTS cluster) keeps its ports; the others are rebuilt.
    const previous: FakeWorld[] = [];
    for (const [name, world] of this.#worlds) {
      if (world.resetInPlace !== undefined) await world.resetInPlace();
      else {
        previous.push(world);
        this.#worlds.set(name, this.#create(name));
      }
    }
    await Promise.all(previous.map((world) => world.close()));
    this.journal.clear();
  }

  /** Creates what `input` lists through each dialect's public API; returns what was refused. */
  async seed(input: SeedInput): Promise<SeedFailure[]> {
    const failures: SeedFailure[] = [];
    for (const name of ALL_DIALECTS) {
      const part: unknown = (input as Readonly<Record<string, unknown>>)[name];
      const { seed } = dialectOf(name);
      if (part === undefined || seed === undefined) continue;
      failures.push(...(await seed(this.fake(name), part as never)));
    }
    return failures;
  }

  /** The CTS world: catalog, KV and scripted outcomes. */
  get cts(): CtsControl {
    return this.ctsFake.control;
  }

  /** Whether the CTS dialect is a simulated HA cluster (`cts.cluster`). */
  get isCtsCluster(): boolean {
    return (this.#worlds.get('cts') as CtsFake | undefined)?.cluster !== undefined;
  }

  /** The simulated CTS Enterprise HA cluster; throws unless started with `cts.cluster`. */
  get ctsCluster(): CtsCluster {
    return clusterOf(this.#worlds.get('cts') as CtsFake | undefined);
  }

  /**
   * @internal Opens the ports of worlds that have their own (each member of
   * a simulated CTS cluster), once the fake listens. Closes nothing on failure.
   */
  async listenWorlds(listen: ListenFunction, options: { readonly host?: string }): Promise<void> {
    for (const world of this.#worlds.values()) await world.listen?.(listen, options);
  }

  /** Stops every dialect's timers and runs. */
  async close(): Promise<void> {
    await Promise.all([...this.#worlds.values()].map((world) => world.close()));
  }

  #create(name: DialectName): FakeWorld {
    const options: unknown = this.#options[name] ?? {};
    return dialectOf(name).create(
      { clock: this.clock, journal: this.journal, pathPrefix: this.#options.pathPrefix ?? '' },
      options as never,
    );
  }

  #virtualClock(operation: string): VirtualClock {
    if (!(this.clock instanceof VirtualClock)) {
      throw new ControlInputError(needsVirtualClockMessage(operation), 409);
    }
    return this.clock;
  }
}
