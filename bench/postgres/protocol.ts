/**
 * What the bench (the parent) and its child processes, the workers and the
 * load generator, say to each other over the IPC channel. Every command gets
 * one reply with the same id.
 */

import type { SystemName } from './settings.ts';

/** The environment a child is started with. */
export interface ChildEnv {
  readonly BENCH_PG_SYSTEM: SystemName;
  readonly BENCH_PG_URL: string;
  /** 0, 1, …: names the worker in leases and `application_name`. */
  readonly BENCH_PG_INDEX: string;
}

/** CPU time a process used, ms (user + system), and the statements it sent, so far. */
export interface CpuSnapshot {
  readonly cpuMs: number;
  readonly queries: number;
}

/** Commands to a worker. */
export type WorkerCommand =
  /** Start taking jobs. */
  | { readonly id: number; readonly cmd: 'start' }
  /** Stop taking jobs; replies once the runs in flight ended. */
  | { readonly id: number; readonly cmd: 'stop' }
  /** Runs started so far, and the latencies since the last snapshot. */
  | { readonly id: number; readonly cmd: 'snapshot' }
  | { readonly id: number; readonly cmd: 'exit' };

export interface WorkerSnapshot extends CpuSnapshot {
  /** Runs started since the process began. */
  readonly runs: number;
  /** Change → run start of each run since the last snapshot, ms. */
  readonly latenciesMs: readonly number[];
}

/** Commands to the load generator. */
export type GeneratorCommand =
  /** Creates what the keys need (taskport: one task per key; the peers: their schema and queue). */
  | { readonly id: number; readonly cmd: 'setup'; readonly keys: number }
  /** One change for each key in turn, `concurrency` in flight. */
  | {
      readonly id: number;
      readonly cmd: 'prefill';
      readonly keys: number;
      readonly concurrency: number;
    }
  /** Changes at a fixed rate (open loop), keys in turn, for `durationMs`. */
  | {
      readonly id: number;
      readonly cmd: 'paced';
      readonly keys: number;
      readonly perSecond: number;
      readonly durationMs: number;
    }
  /**
   * As many changes as it can, `concurrency` in flight, keys in turn, for
   * `durationMs` and at least `minCount` changes.
   */
  | {
      readonly id: number;
      readonly cmd: 'flat';
      readonly keys: number;
      readonly concurrency: number;
      readonly durationMs: number;
      readonly minCount: number;
    }
  | { readonly id: number; readonly cmd: 'snapshot' }
  | { readonly id: number; readonly cmd: 'exit' };

/** What the generator reports after a burst of changes. */
export interface GeneratorReport extends CpuSnapshot {
  /** Changes the system accepted (the call resolved). */
  readonly accepted: number;
  /** Of those, the ones that made or moved a pending job (pg-boss returns null for the others). */
  readonly scheduled: number;
  /** Calls that failed. */
  readonly failed: number;
  readonly firstError?: string;
  readonly elapsedMs: number;
}

export type ChildCommand = WorkerCommand | GeneratorCommand;

/** What a child says: once `ready`, then one reply per command. */
export type ChildMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string };
