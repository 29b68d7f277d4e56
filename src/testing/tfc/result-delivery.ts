/**
 * Sending run tasks their requests: one signed request per result, retried
 * as the settings say, under the callback time limits of research §4.5 on
 * the Clock. Counts the requests in flight, which is what the fake's
 * `whenIdle()` waits for: they wait on real I/O, not on virtual time.
 */

import { isFinalResultStatus } from '../../api/tfc/callback.ts';
import { newSecret } from '../../api/tfc/ids.ts';
import { sendRunTaskRequest } from '../../api/tfc/run-task-request.ts';
import type { TfcState } from '../../api/tfc/state.ts';
import type { RunRecord, TaskResultRecord, TaskStageRecord } from '../../api/tfc/types.ts';
import type { Clock, ClockTimer } from '../../engine/clock.ts';
import { sleep } from '../../engine/clock.ts';
import { MESSAGE_TIMED_OUT, MESSAGE_UNREACHABLE } from './messages.ts';
import { runTaskPayload } from './run-payload.ts';

interface ResultTimers {
  idle?: ClockTimer;
  cap?: ClockTimer;
}

/** Ends a result the integration did not end, with the fake's message. */
export type EndResult = (result: TaskResultRecord, status: 'errored', message: string) => void;

/** Delivers results' requests and keeps their time limits. */
export class ResultDelivery {
  readonly #state: TfcState;
  readonly #clock: Clock;
  readonly #fetch: typeof fetch;
  readonly #finish: EndResult;
  readonly #timers = new Map<string, ResultTimers>();
  /** Per result: aborts its request and retry wait when the run is canceled. */
  readonly #dispatches = new Map<string, AbortController>();
  readonly #closing = new AbortController();
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(state: TfcState, clock: Clock, fetchImpl: typeof fetch, finish: EndResult) {
    this.#state = state;
    this.#clock = clock;
    this.#fetch = fetchImpl;
    this.#finish = finish;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closing.signal.aborted;
  }

  /** True when no request to a run task is in flight (waiting for callbacks is idle). */
  isIdle(): boolean {
    return this.#inFlight === 0;
  }

  /** Resolves once no request is in flight. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Starts `result`: arms its time limits and sends its request (and retries). */
  async dispatch(run: RunRecord, stage: TaskStageRecord, result: TaskResultRecord): Promise<void> {
    const workspace = this.#state.workspaces.get(run.workspaceId);
    if (workspace === undefined) return;
    const settings = this.#state.settings;
    const now = this.#clock.now();
    const accessToken = newSecret();
    result.accessToken = accessToken;
    result.tokenExpiresAtMs = now + settings.callbackIdleTimeoutMs;
    result.status = 'running';
    result.statusTimestamps.running = now;
    result.updatedAtMs = now;
    this.#state.touch('results', result);
    this.armIdleTimer(result);
    this.#timers.get(result.id)!.cap = this.#clock.setTimer(
      () => this.#finish(result, 'errored', MESSAGE_TIMED_OUT),
      settings.callbackMaxDurationMs,
    );
    const payload = runTaskPayload({
      baseUrl: this.#state.baseUrl,
      run,
      workspace,
      result,
      stage: stage.stage,
      accessToken,
    });
    const cancel = new AbortController();
    this.#dispatches.set(result.id, cancel);
    const signal = AbortSignal.any([this.#closing.signal, cancel.signal]);
    try {
      await this.#deliver(result, payload, signal);
    } finally {
      this.#dispatches.delete(result.id);
    }
  }

  /** Aborts the result's request in flight and its retry wait, if any. */
  abort(result: TaskResultRecord, reason: Error): void {
    this.#dispatches.get(result.id)?.abort(reason);
  }

  /** (Re)starts the result's idle time limit: a `running` callback extends it. */
  armIdleTimer(result: TaskResultRecord): void {
    const timers = this.#timers.get(result.id) ?? {};
    timers.idle?.cancel();
    timers.idle = this.#clock.setTimer(
      () => this.#finish(result, 'errored', MESSAGE_TIMED_OUT),
      this.#state.settings.callbackIdleTimeoutMs,
    );
    this.#timers.set(result.id, timers);
  }

  /** Cancels the result's time limits. */
  clearTimers(result: TaskResultRecord): void {
    const timers = this.#timers.get(result.id);
    timers?.idle?.cancel();
    timers?.cap?.cancel();
    this.#timers.delete(result.id);
  }

  /**
   * Aborts every request and cancels every time limit, and waits for the
   * requests in flight, staying open (a reset in place).
   */
  async reset(): Promise<void> {
    for (const cancel of this.#dispatches.values()) cancel.abort(new Error('the fake was reset'));
    for (const timers of this.#timers.values()) {
      timers.idle?.cancel();
      timers.cap?.cancel();
    }
    this.#timers.clear();
    await this.whenIdle();
  }

  /** Aborts every request, cancels every time limit, and waits for requests in flight. */
  async close(): Promise<void> {
    this.#closing.abort();
    for (const timers of this.#timers.values()) {
      timers.idle?.cancel();
      timers.cap?.cancel();
    }
    this.#timers.clear();
    await this.whenIdle();
  }

  async #deliver(
    result: TaskResultRecord,
    payload: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<void> {
    const settings = this.#state.settings;
    const attempts = settings.dispatchRetries + 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (isFinalResultStatus(result.status) || signal.aborted) return;
      this.#inFlight++;
      let accepted = false;
      try {
        const delivery = await sendRunTaskRequest(
          { state: this.#state, clock: this.#clock, fetch: this.#fetch },
          {
            kind: 'run-task',
            taskId: result.taskId,
            resultId: result.id,
            url: result.taskUrl,
            hmacKey: result.hmacKey,
            payload,
            attempt,
            signal,
          },
        );
        accepted = delivery.accepted;
      } finally {
        this.#settleOne();
      }
      if (accepted) return;
      if (attempt < attempts) {
        try {
          await sleep(this.#clock, settings.dispatchRetryDelayMs, signal);
        } catch {
          return;
        }
      }
    }
    this.#finish(result, 'errored', MESSAGE_UNREACHABLE);
  }

  #settleOne(): void {
    this.#inFlight--;
    if (this.#inFlight > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
