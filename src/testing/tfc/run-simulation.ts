/**
 * Runs of workspaces, as run tasks see them: a run walks pre_plan, plan,
 * post_plan, pre_apply, apply, post_apply; at each stage with tasks it sends
 * every task its signed request and waits for the callbacks, under the time
 * limits of research §4.5, all on the Clock. The stages a run gets are made
 * in `run-stages.ts`, the requests sent in `result-delivery.ts`.
 */

import { isFinalResultStatus } from '../../api/tfc/callback.ts';
import { newId } from '../../api/tfc/ids.ts';
import type { TfcState } from '../../api/tfc/state.ts';
import {
  type RunRecord,
  TASK_STAGE_NAMES,
  type TaskResultRecord,
  type TaskStageName,
  type TaskStageRecord,
} from '../../api/tfc/types.ts';
import type { Clock } from '../../engine/clock.ts';
import { ResultDelivery } from './result-delivery.ts';
import { createStage } from './run-stages.ts';
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

/** Run statuses after which nothing happens to a run any more. */
export const FINAL_RUN_STATUSES: ReadonlySet<string> = new Set([
  'applied',
  'planned_and_finished',
  'errored',
  'canceled',
]);

/** Drives runs over a {@link TfcState}. */
export class RunSimulation {
  readonly #state: TfcState;
  readonly #clock: Clock;
  readonly #delivery: ResultDelivery;
  readonly #phase = new Map<string, number>();
  readonly #unsubscribe: () => void;

  constructor(state: TfcState, clock: Clock, fetchImpl: typeof fetch) {
    this.#state = state;
    this.#clock = clock;
    this.#delivery = new ResultDelivery(state, clock, fetchImpl, (result, status, message) =>
      this.#finish(result, status, message),
    );
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
    return this.#delivery.isIdle();
  }

  /** Resolves once no request is in flight. */
  whenIdle(): Promise<void> {
    return this.#delivery.whenIdle();
  }

  /** Creates a run, its task stages and results (from the associations now), and starts it. */
  startRun(input: StartRunInput): RunRecord {
    if (this.#delivery.closed) throw new Error('taskport: the tfc fake is closed');
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
      createStage(this.#state, run, stage, this.#clock.now());
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
        this.#delivery.clearTimers(result);
        this.#delivery.abort(result, new Error('the run was canceled'));
        result.status = 'canceled';
        result.statusTimestamps.canceled = now;
        result.updatedAtMs = now;
        this.#state.touch('results', result);
      }
    }
    this.#markUnreachable(run, now);
    this.#setRunStatus(run, 'canceled');
    return true;
  }

  /** Stops timers and in-flight requests and forgets every run's phase, staying open. */
  async reset(): Promise<void> {
    await this.#delivery.reset();
    this.#phase.clear();
  }

  /** Stops timers and in-flight requests. */
  async close(): Promise<void> {
    this.#unsubscribe();
    await this.#delivery.close();
  }

  #setRunStatus(run: RunRecord, status: string): void {
    run.status = status;
    run.statusTimestamps[status] = this.#clock.now();
    this.#state.touch('runs', run);
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
    this.#state.touch('stages', stage);
    this.#setRunStatus(run, `${stage.stage}_running`);
    for (const id of stage.resultIds) {
      const result = this.#state.results.get(id);
      if (result !== undefined) void this.#delivery.dispatch(run, stage, result);
    }
  }

  /** Ends a result the integration did not end (timeout, unreachable). */
  #finish(result: TaskResultRecord, status: 'errored', message: string): void {
    if (isFinalResultStatus(result.status)) return;
    const now = this.#clock.now();
    result.status = status;
    result.message = message;
    result.statusTimestamps[status] = now;
    result.updatedAtMs = now;
    this.#state.touch('results', result);
    this.#onResultFinal(result);
  }

  #onResultUpdated(result: TaskResultRecord): void {
    if (result.status === 'running') {
      this.#delivery.armIdleTimer(result);
      return;
    }
    this.#onResultFinal(result);
  }

  #onResultFinal(result: TaskResultRecord): void {
    this.#delivery.clearTimers(result);
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
    this.#state.touch('stages', stage);
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
    // A run that outlived a restart of a durable fake has no phase here: its stage tells it.
    const index = this.#phase.get(run.id) ?? PHASES.indexOf(stage.stage);
    this.#phase.set(run.id, index + 1);
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
    this.#state.touch('stages', stage);
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
        this.#state.touch('results', result);
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
      this.#state.touch('stages', stage);
      this.#completeStage(run, stage);
    });
  }
}
