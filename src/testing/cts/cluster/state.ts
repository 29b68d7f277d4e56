/**
 * @internal What the cluster's parts share: the world every member sees
 * (the store that plays Consul KV, the catalog, the Terraform model), a
 * leadership term, and a member.
 */

import type { Hono } from 'hono';
import type { CtsLeadership } from '../../../api/cts/ha/leadership.ts';
import type { TaskConfig } from '../../../api/cts/types.ts';
import type { Engine } from '../../../engine/engine.ts';
import { MemoryStore } from '../../../engine/store.ts';
import type { Listening } from '../../../node.ts';
import { ConsulCatalog } from '../consul-catalog.ts';
import { ScriptedOutcomes } from '../scripted-outcomes.ts';
import { createTerraformModel, type TerraformModel } from '../terraform-model.ts';
import type { CtsMemberState } from './types.ts';

export interface World {
  readonly store: MemoryStore;
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
  open(): void;
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

export function createWorld(): World {
  const catalog = new ConsulCatalog();
  const outcomes = new ScriptedOutcomes();
  return {
    store: new MemoryStore(),
    catalog,
    outcomes,
    model: createTerraformModel({ catalog, outcomes }),
  };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
