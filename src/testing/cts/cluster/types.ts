/**
 * The simulated CTS cluster as the control surface shows it: members,
 * snapshots and transitions, and what the cluster is built from.
 */

import type { Hono } from 'hono';
import type { EffectiveBufferPeriod } from '../../../api/cts/types.ts';
import type { Clock } from '../../../engine/clock.ts';
import type { Engine } from '../../../engine/engine.ts';
import type { Journal } from '../../journal.ts';
import type { ConsulCatalog } from '../consul-catalog.ts';
import type { ScriptedOutcomes } from '../scripted-outcomes.ts';
import type { CtsClusterOptions } from './options.ts';

/** Where a member is in its life. */
export type CtsMemberState = 'up' | 'crashed' | 'stopped';

/** One member as the control surface shows it. */
export interface CtsClusterMemberInfo {
  readonly id: string;
  readonly serviceName: string;
  /** The address it advertises (`instance.address`), or null. */
  readonly address: string | null;
  /** The port it listens (or listened) on; null before the cluster listens. */
  readonly port: number | null;
  /** Its base URL, e.g. `http://127.0.0.1:50123`; null before the cluster listens. */
  readonly url: string | null;
  readonly state: CtsMemberState;
  /** What `/v1/status/cluster` says of its health. */
  readonly healthy: boolean;
  /** Whether `/v1/status/cluster` lists it (a gracefully stopped member deregisters). */
  readonly listed: boolean;
  /** Whether it leads: holds the lock and serves the API. */
  readonly leader: boolean;
  /** Whether the lock is held in its name (a crashed leader's session outlives it). */
  readonly holdsLock: boolean;
}

/** The cluster as the control surface shows it. */
export interface CtsClusterSnapshot {
  readonly name: string;
  /** The member that leads, or null during an election. */
  readonly leader: string | null;
  /** The member whose session holds the lock, or null. */
  readonly lockHolder: string | null;
  /** Members in join order. */
  readonly members: CtsClusterMemberInfo[];
}

/** What happened to the cluster. */
export type CtsClusterTransitionKind =
  | 'leader-elected'
  | 'member-crashed'
  | 'member-stopped'
  | 'member-started'
  | 'lock-released'
  | 'catch-up-started'
  | 'catch-up-task'
  | 'catch-up-finished'
  | 'triggers-resumed';

/** One transition, oldest first in {@link CtsCluster.transitions}. */
export interface CtsClusterTransition {
  readonly seq: number;
  /** On the fake's clock, epoch ms. */
  readonly atMs: number;
  readonly kind: CtsClusterTransitionKind;
  readonly member: string;
  /** catch-up-task: the task. */
  readonly task?: string;
  /** catch-up-task: what its run did. */
  readonly outcome?: 'succeeded' | 'failed' | 'skipped-disabled' | 'init-failed' | 'not-run';
  /** catch-up-task: the failure; lock-released: why. */
  readonly detail?: string;
}

/** The Node listener `startFakeServer` passes in (this module opens no socket itself). */
export type { ListenFunction } from '../../fake-dialect.ts';

/** The cluster as one CTS daemon: the API of whoever leads, the shared world. */
export interface CtsClusterView {
  readonly app: Hono;
  /** The leader's engine, or an idle standby one while nobody leads. */
  readonly engine: Engine;
  readonly catalog: ConsulCatalog;
  readonly outcomes: ScriptedOutcomes;
  /** Closes the cluster. */
  close(): Promise<void>;
}

/** Options of {@link CtsCluster}. */
export interface CtsClusterInit {
  readonly clock: Clock;
  readonly cluster: CtsClusterOptions;
  readonly globalBufferPeriod?: EffectiveBufferPeriod;
  /** Where member requests and transitions are journaled. */
  readonly journal?: Journal;
}
