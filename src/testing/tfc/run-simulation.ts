/**
 * Runs of workspaces, as run tasks see them: a run walks pre_plan, plan,
 * post_plan, pre_apply, apply, post_apply; at each stage with tasks it sends
 * every task its signed request and waits for the callbacks, under the time
 * limits of research §4.5, all on the Clock.
 */

import { isFinalResultStatus } from '../../api/tfc/callback.ts';
import { newId, newSecret } from '../../api/tfc/ids.ts';
import { sendRunTaskRequest } from '../../api/tfc/run-task-request.ts';
import type { TfcState } from '../../api/tfc/state.ts';
import {
  type EnforcementLevel,
  type RunRecord,
  TASK_STAGE_NAMES,
  type TaskResultRecord,
  type TaskStageName,
  type TaskStageRecord,
} from '../../api/tfc/types.ts';
import type { Clock, ClockTimer } from '../../engine/clock.ts';
import { sleep } from '../../engine/clock.ts';
import { runTaskPayload } from './run-payload.ts';
import { allFinal, stageOutcome } from './stage-outcome.ts';

/** Input of {@link RunSimulation.startRun}. */
export interface StartRunInput {
  readonly workspaceId: string;
  /** @default 'Triggered via API' */
  readonly message?: string;
  /** A plan-only run: pre_plan and post_plan only. @default false */
  readonly speculative?: boolean;
  /** @default 'taskport' */
  readonly createdBy?: string;
}

type Phase = TaskStageName | 'plan' | 'apply';

const PHASES: readonly Phase[] = [
  'pre_plan',
  'plan',
  'post_plan',
  'pre_apply',
  'apply',
  'post_apply',
];

interface ResultTimers {
  idle?: ClockTimer;
  cap?: ClockTimer;
}

/** Run statuses after which nothing happens to a run any more. */
export const FINAL_RUN_STATUSES: ReadonlySet<string> = new Set([
  'applied',
  'planned_and_finished',
  'errored',
  'canceled',
]);

/** Messages the fake writes on results it ends itself. */
export const MESSAGE_TIMED_OUT = 'The run task did not report a result in time';
export const MESSAGE_UNREACHABLE = 'The run task did not accept the request with 200 OK';

/** Drives runs over a {@link TfcState}. */
export class RunSimulation {
  readonly #state: TfcState;
  readonly #clock: Clock;
  readonly #fetch: typeof fetch;
  readonly #timers = new Map<string, ResultTimers>();
  readonly #phase = new Map<string, number>();
  /** Per result: aborts its request and retry wait when the run is canceled. */
  readonly #dispatches = new Map<string, AbortController>();
  readonly #closing = new AbortController();
  readonly #unsubscribe: () => void;
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(state: TfcState, clock: Clock, fetchImpl: typeof fetch) {
    this.#state = state;
    this.#clock = clock;
    this.#fetch = fetchImpl;
    const onUpdated = (result: TaskResultRecord): void => this.#onResultUpdated(result);
    const onOverridden = (stage: TaskStageRecord): void => this.#onOverridden(stage);
    state.events.on('task-result:updated', onUpdated);
    state.events.on('task-stage:overridden', onOverridden);
    this.#unsubscribe = () => {
      state.events.off('task-result:updated', onUpdated);
      state.events.off('task-stage:overridden', onOverridden);
    };
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

  /** Creates a run, its task stages and results (from the associations now), and starts it. */
  startRun(input: StartRunInput): RunRecord {
    if (this.#closing.signal.aborted) throw new Error('taskport: the tfc fake is closed');
    const workspace = this.#state.workspaces.get(input.workspaceId);
    if (workspace === undefined) {
      throw new TypeError(
        `taskport: no workspace ${input.workspaceId}; create it with createWorkspace() first.`,
      );
    }
    const now = this.#clock.now();
    const run: RunRecord = {
      id: newId('run-'),
      workspaceId: workspace.id,
      organization: workspace.organization,
      message: input.message ?? 'Triggered via API',
      isSpeculative: input.speculative ?? false,
      createdBy: input.createdBy ?? 'taskport',
      createdAtMs: now,
      configurationVersionId: newId('cv-'),
      planId: newId('plan-'),
      status: 'pending',
      statusTimestamps: { pending: now },
      stageIds: [],
    };
    this.#state.runs.set(run.id, run);
    for (const stage of TASK_STAGE_NAMES) {
      // Speculative runs never reach pre_apply or post_apply (research §5.2).
      if (run.isSpeculative && (stage === 'pre_apply' || stage === 'post_apply')) continue;
      this.#createStage(run, stage);
    }
    this.#phase.set(run.id, 0);
    this.#walk(run);
    return run;
  }

  /**
   * Cancels a run that has not ended (research §5.3 item 5, §5.2): the stage
   * under way and its unfinished results become `canceled`, stages not yet
   * reached and their results `unreachable`, the run `canceled`. Time limits
   * and retry waits are cancelled on the Clock, requests in flight aborted.
   * Returns `false` (and changes nothing) when the run had already ended.
   */
  cancelRun(id: string): boolean {
    const run = this.#state.runs.get(id);
    if (run === undefined) throw new TypeError(`taskport: no run ${id}`);
    if (FINAL_RUN_STATUSES.has(run.status)) return false;
    const now = this.#clock.now();
    this.#phase.set(run.id, PHASES.length);
    for (const stageId of run.stageIds) {
      const stage = this.#state.stages.get(stageId);
      if (stage?.status !== 'running' && stage?.status !== 'awaiting_override') continue;
      this.#setStageStatus(stage, 'canceled', now);
      for (const resultId of stage.resultIds) {
        const result = this.#state.results.get(resultId);
        if (result === undefined || isFinalResultStatus(result.status)) continue;
        this.#clearTimers(result);
        this.#dispatches.get(result.id)?.abort(new Error('the run was canceled'));
        result.status = 'canceled';
        result.statusTimestamps.canceled = now;
        result.updatedAtMs = now;
      }
    }
    this.#markUnreachable(run, now);
    this.#setRunStatus(run, 'canceled');
    return true;
  }

  /** Stops timers and in-flight requests. */
  async close(): Promise<void> {
    this.#closing.abort();
    this.#unsubscribe();
    for (const timers of this.#timers.values()) {
      timers.idle?.cancel();
      timers.cap?.cancel();
    }
    this.#timers.clear();
    await this.whenIdle();
  }

  #applicableTasks(run: RunRecord, stage: TaskStageName) {
    const tasks: {
      taskId: string;
      workspaceTaskId: string | null;
      level: EnforcementLevel;
    }[] = [];
    for (const item of this.#state.workspaceTasksOf(run.workspaceId)) {
      const task = this.#state.tasks.get(item.taskId);
      // Disabled tasks do not run and get no result (research §5.2).
      if (task?.enabled !== true || !item.stages.includes(stage)) continue;
      tasks.push({ taskId: task.id, workspaceTaskId: item.id, level: item.enforcementLevel });
    }
    const organization = this.#state.organizations.get(run.organization);
    if (organization?.entitlements.globalRunTasks === true) {
      for (const task of this.#state.tasks.values()) {
        if (
          task.organization !== run.organization ||
          !task.enabled ||
          !task.global.enabled ||
          !task.global.stages.includes(stage) ||
          tasks.some((entry) => entry.taskId === task.id)
        ) {
          continue;
        }
        tasks.push({
          taskId: task.id,
          workspaceTaskId: null,
          level: task.global.enforcementLevel ?? 'advisory',
        });
      }
    }
    return tasks;
  }

  #createStage(run: RunRecord, stage: TaskStageName): void {
    const tasks = this.#applicableTasks(run, stage);
    if (tasks.length === 0) return;
    const now = this.#clock.now();
    const record: TaskStageRecord = {
      id: newId('ts-'),
      runId: run.id,
      stage,
      status: 'pending',
      statusTimestamps: {},
      createdAtMs: now,
      updatedAtMs: now,
      resultIds: [],
    };
    for (const entry of tasks) {
      const task = this.#state.tasks.get(entry.taskId);
      if (task === undefined) continue;
      const result: TaskResultRecord = {
        id: newId('taskrs-'),
        stageId: record.id,
        runId: run.id,
        taskId: task.id,
        taskName: task.name,
        taskUrl: task.url,
        hmacKey: task.hmacKey,
        agentPoolId: task.agentPoolId,
        workspaceTaskId: entry.workspaceTaskId,
        enforcementLevel: entry.level,
        stage,
        isSpeculative: run.isSpeculative,
        status: 'pending',
        message: null,
        url: null,
        statusTimestamps: {},
        createdAtMs: now,
        updatedAtMs: now,
        callbackGuid: crypto.randomUUID(),
        accessToken: null,
        tokenExpiresAtMs: 0,
        outcomes: [],
      };
      this.#state.results.set(result.id, result);
      this.#state.resultsByCallback.set(result.callbackGuid, result);
      record.resultIds.push(result.id);
    }
    this.#state.stages.set(record.id, record);
    run.stageIds.push(record.id);
  }

  #setRunStatus(run: RunRecord, status: string): void {
    run.status = status;
    run.statusTimestamps[status] = this.#clock.now();
  }

  #stageOf(run: RunRecord, stage: TaskStageName): TaskStageRecord | undefined {
    for (const id of run.stageIds) {
      const record = this.#state.stages.get(id);
      if (record?.stage === stage) return record;
    }
    return undefined;
  }

  /** Moves the run through phases until one waits on a run task or the run ends. */
  #walk(run: RunRecord): void {
    let index = this.#phase.get(run.id) ?? 0;
    while (index < PHASES.length) {
      const phase = PHASES[index] as Phase;
      if (run.isSpeculative && (phase === 'pre_apply' || phase === 'apply')) break;
      if (phase === 'plan') {
        this.#setRunStatus(run, 'planned');
      } else if (phase === 'apply') {
        this.#setRunStatus(run, 'applied');
      } else {
        const stage = this.#stageOf(run, phase);
        if (stage !== undefined && stage.status === 'pending') {
          this.#phase.set(run.id, index);
          this.#startStage(run, stage);
          return;
        }
      }
      index++;
    }
    this.#phase.set(run.id, PHASES.length);
    this.#setRunStatus(run, run.isSpeculative ? 'planned_and_finished' : 'applied');
  }

  #startStage(run: RunRecord, stage: TaskStageRecord): void {
    const now = this.#clock.now();
    stage.status = 'running';
    stage.statusTimestamps.running = now;
    stage.updatedAtMs = now;
    this.#setRunStatus(run, `${stage.stage}_running`);
    for (const id of stage.resultIds) {
      const result = this.#state.results.get(id);
      if (result !== undefined) void this.#dispatch(run, stage, result);
    }
  }

  async #dispatch(run: RunRecord, stage: TaskStageRecord, result: TaskResultRecord): Promise<void> {
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
    this.#armIdleTimer(result);
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

  #armIdleTimer(result: TaskResultRecord): void {
    const timers = this.#timers.get(result.id) ?? {};
    timers.idle?.cancel();
    timers.idle = this.#clock.setTimer(
      () => this.#finish(result, 'errored', MESSAGE_TIMED_OUT),
      this.#state.settings.callbackIdleTimeoutMs,
    );
    this.#timers.set(result.id, timers);
  }

  #clearTimers(result: TaskResultRecord): void {
    const timers = this.#timers.get(result.id);
    timers?.idle?.cancel();
    timers?.cap?.cancel();
    this.#timers.delete(result.id);
  }

  /** Ends a result the integration did not end (timeout, unreachable). */
  #finish(result: TaskResultRecord, status: 'errored', message: string): void {
    if (isFinalResultStatus(result.status)) return;
    const now = this.#clock.now();
    result.status = status;
    result.message = message;
    result.statusTimestamps[status] = now;
    result.updatedAtMs = now;
    this.#onResultFinal(result);
  }

  #onResultUpdated(result: TaskResultRecord): void {
    if (result.status === 'running') {
      this.#armIdleTimer(result);
      return;
    }
    this.#onResultFinal(result);
  }

  #onResultFinal(result: TaskResultRecord): void {
    this.#clearTimers(result);
    const stage = this.#state.stages.get(result.stageId);
    const run = this.#state.runs.get(result.runId);
    if (stage === undefined || run === undefined || stage.status !== 'running') return;
    const results = stage.resultIds
      .map((id) => this.#state.results.get(id))
      .filter((item) => item !== undefined);
    if (!allFinal(results)) return;
    const outcome = stageOutcome(
      stage.stage,
      results,
      this.#state.settings.mandatoryFailureOverridable,
    );
    const now = this.#clock.now();
    stage.status = outcome;
    stage.statusTimestamps[outcome] = now;
    stage.updatedAtMs = now;
    if (outcome === 'awaiting_override') {
      this.#setRunStatus(run, `${stage.stage}_awaiting_decision`);
    } else if (outcome === 'failed') {
      this.#failRun(run);
    } else {
      this.#completeStage(run, stage);
    }
  }

  #completeStage(run: RunRecord, stage: TaskStageRecord): void {
    this.#setRunStatus(run, `${stage.stage}_completed`);
    this.#phase.set(run.id, (this.#phase.get(run.id) ?? 0) + 1);
    this.#walk(run);
  }

  /** A mandatory failure: the run errors and later stages are never reached. */
  #failRun(run: RunRecord): void {
    this.#setRunStatus(run, 'errored');
    this.#phase.set(run.id, PHASES.length);
    this.#markUnreachable(run, this.#clock.now());
  }

  #setStageStatus(stage: TaskStageRecord, status: TaskStageRecord['status'], now: number): void {
    stage.status = status;
    stage.statusTimestamps[status] = now;
    stage.updatedAtMs = now;
  }

  /** Stages the run will never reach, and their results, become `unreachable`. */
  #markUnreachable(run: RunRecord, now: number): void {
    for (const id of run.stageIds) {
      const stage = this.#state.stages.get(id);
      if (stage?.status !== 'pending') continue;
      this.#setStageStatus(stage, 'unreachable', now);
      for (const resultId of stage.resultIds) {
        const result = this.#state.results.get(resultId);
        if (result === undefined) continue;
        result.status = 'unreachable';
        result.statusTimestamps.unreachable = now;
        result.updatedAtMs = now;
      }
    }
  }

  #onOverridden(stage: TaskStageRecord): void {
    const run = this.#state.runs.get(stage.runId);
    if (run === undefined) return;
    // The API answered with `running`; the stage then passes and the run goes on.
    queueMicrotask(() => {
      if (stage.status !== 'running') return;
      const now = this.#clock.now();
      stage.status = 'passed';
      stage.statusTimestamps.passed = now;
      stage.updatedAtMs = now;
      this.#completeStage(run, stage);
    });
  }
}
