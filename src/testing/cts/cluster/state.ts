/**
 * @internal What the cluster's parts share: the world every member sees
 * (the store that plays Consul KV, the catalog, the Terraform model), a
 * leadership term, a member, and the cluster's state.
 */

import type { Hono } from 'hono';
import { createCtsEngine } from '../../../api/cts/cts-engine.ts';
import type { CtsLeadership, CtsRedirectOptions } from '../../../api/cts/ha/leadership.ts';
import type { EffectiveBufferPeriod, TaskConfig } from '../../../api/cts/types.ts';
import type { Clock, ClockTimer } from '../../../engine/clock.ts';
import type { Engine } from '../../../engine/engine.ts';
import { MemoryStore } from '../../../engine/memory-store.ts';
import type { Store } from '../../../engine/store.ts';
import type { Listening } from '../../../node.ts';
import type { Journal } from '../../journal.ts';
import { ConsulCatalog } from '../consul-catalog.ts';
import { ScriptedOutcomes } from '../scripted-outcomes.ts';
import { createTerraformModel, type TerraformModel } from '../terraform-model.ts';
import { CtsClusterError } from './errors.ts';
import type { CtsClusterOptions } from './options.ts';
import type { CtsClusterTransition, CtsMemberState, ListenFunction } from './types.ts';

export interface World {
  /** Consul KV: a MemoryStore in the simulation, the database with `--cts-ha`. */
  readonly store: Store;
  readonly catalog: ConsulCatalog;
  readonly outcomes: ScriptedOutcomes;
  readonly model: TerraformModel;
}

export interface Term {
  readonly engine: Engine;
  readonly app: Hono;
  /** Initialises a task's driver (the shared Terraform model's scripted outcomes). */
  initTask(config: TaskConfig): void;
  /** Tasks whose driver failed to initialise in the catch-up pass: never run on this term. */
  readonly noDriver: Set<string>;
  ended: boolean;
  /** Forwards catalog changes held back during the catch-up pass, from then on all. */
  open(): Promise<void>;
  disconnect(): void;
}

export interface Member {
  readonly id: string;
  readonly serviceName: string;
  readonly addressSetting: string | null | undefined;
  readonly requestedPort: number;
  port: number | undefined;
  server: Listening | undefined;
  state: CtsMemberState;
  portMode: 'close' | 'unhealthy';
  healthyFromMs: number;
  downSinceMs: number | undefined;
  term: Term | undefined;
  readonly leadership: CtsLeadership;
  readonly followerApp: Hono;
  /** The journaled app its port serves. */
  readonly serverApp: Hono;
}

/** A new world on `store` (Consul KV): a fresh MemoryStore by default. */
export function createWorld(store: Store = new MemoryStore()): World {
  const catalog = new ConsulCatalog();
  const outcomes = new ScriptedOutcomes();
  return {
    store,
    catalog,
    outcomes,
    model: createTerraformModel({ catalog, outcomes }),
  };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The cluster's timings and names, defaults filled in. */
export type ResolvedClusterSettings = Required<
  Omit<CtsClusterOptions, 'members' | 'redirect' | 'name'>
> & {
  readonly redirect: CtsRedirectOptions;
};

/**
 * Everything the cluster's parts read and change: the members, the world,
 * the lock and its timers, the transitions. One record, owned by
 * {@link CtsCluster}, handed to the election, term, serving and snapshot
 * functions.
 */
export interface ClusterState {
  readonly name: string;
  readonly clock: Clock;
  readonly options: ResolvedClusterSettings;
  readonly globalBufferPeriod: EffectiveBufferPeriod | undefined;
  readonly journal: Journal | undefined;
  readonly members: Member[];
  /** Followers never reach an engine (the guard answers first); they share this idle one. */
  readonly standby: Engine;
  /** Catch-up passes under way. */
  readonly pending: Set<Promise<void>>;
  world: World;
  transitions: CtsClusterTransition[];
  seq: number;
  lockHolder: string | undefined;
  lockFreeAtMs: number;
  lockReleaseTimer: ClockTimer | undefined;
  electionTimer: ClockTimer | undefined;
  successor: string | undefined;
  listen: ListenFunction | undefined;
  host: string | undefined;
  closed: boolean;
}

/** What a cluster's state is made from; the rest starts empty. */
export type ClusterStateInit = Pick<
  ClusterState,
  'name' | 'clock' | 'options' | 'globalBufferPeriod' | 'journal' | 'world'
>;

/** A cluster's state before any member joins: no members, no lock, no transitions. */
export function newClusterState(init: ClusterStateInit): ClusterState {
  return {
    ...init,
    members: [],
    standby: createCtsEngine({ clock: init.clock, store: new MemoryStore() }),
    pending: new Set(),
    transitions: [],
    seq: 0,
    lockHolder: undefined,
    lockFreeAtMs: 0,
    lockReleaseTimer: undefined,
    electionTimer: undefined,
    successor: undefined,
    listen: undefined,
    host: undefined,
    closed: false,
  };
}

/** The member with that id; throws CtsClusterError (404) for an unknown one. */
export function memberOf(state: ClusterState, id: string): Member {
  const member = state.members.find((candidate) => candidate.id === id);
  if (member === undefined) throw new CtsClusterError(`no cluster member ${id}`, 404);
  return member;
}

/** The member that leads (has a term), if any. */
export function leadingMember(state: ClusterState): Member | undefined {
  return state.members.find((member) => member.term !== undefined);
}
