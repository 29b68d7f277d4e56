/**
 * A coordination for the load generator's engine: every verb of the real
 * one, except that it never claims work and never listens for wake-ups. So
 * the generator announces changes through `engine.notifyChange` exactly as
 * any engine would (the task read, the window's upsert, the NOTIFY) and runs
 * nothing itself: the runs are the workers' alone.
 */

import type {
  ClaimedRun,
  ClaimedTick,
  Coordination,
  CronSlot,
  ExpiredRun,
  Lease,
  LeasedRun,
  NextCronTick,
  NextDue,
  WindowState,
} from '../../../src/engine/coordination.ts';
import type { BufferPeriod } from '../../../src/engine/types.ts';

export class ProducerCoordination implements Coordination {
  readonly #inner: Coordination;

  constructor(inner: Coordination) {
    this.#inner = inner;
  }

  now(): Promise<number> {
    return this.#inner.now();
  }
  recordChange(
    taskId: string,
    data: unknown,
    bufferPeriod: BufferPeriod | undefined,
  ): Promise<WindowState> {
    return this.#inner.recordChange(taskId, data, bufferPeriod);
  }
  window(taskId: string): Promise<WindowState | undefined> {
    return this.#inner.window(taskId);
  }
  dropWindow(taskId: string): Promise<void> {
    return this.#inner.dropWindow(taskId);
  }
  async claimDueWindows(): Promise<ClaimedRun[]> {
    return [];
  }
  acquireLease(
    taskId: string,
    owner: string,
    leaseMs: number,
    run: LeasedRun,
  ): Promise<Lease | undefined> {
    return this.#inner.acquireLease(taskId, owner, leaseMs, run);
  }
  renewLease(lease: Lease, leaseMs: number): Promise<Lease | undefined> {
    return this.#inner.renewLease(lease, leaseMs);
  }
  releaseLease(lease: Lease): Promise<void> {
    return this.#inner.releaseLease(lease);
  }
  isLeased(taskId: string): Promise<boolean> {
    return this.#inner.isLeased(taskId);
  }
  async claimExpiredLeases(): Promise<ExpiredRun[]> {
    return [];
  }
  setCronSlots(
    taskId: string,
    slots: readonly Omit<CronSlot, 'taskId' | 'slot' | 'nextAtMs'>[],
    next: NextCronTick,
  ): Promise<CronSlot[]> {
    return this.#inner.setCronSlots(taskId, slots, next);
  }
  async claimCronTicks(): Promise<ClaimedTick[]> {
    return [];
  }
  async nextDue(): Promise<NextDue> {
    return { dueAtMs: undefined, nowMs: await this.#inner.now() };
  }
  async subscribe(): Promise<() => Promise<void>> {
    return async () => {};
  }
  wake(): Promise<void> {
    return this.#inner.wake();
  }
  forgetTask(taskId: string): Promise<void> {
    return this.#inner.forgetTask(taskId);
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}
