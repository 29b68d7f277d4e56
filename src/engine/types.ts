/**
 * The engine's data contracts: tasks, triggers, executions and their plans,
 * and the status events recorded from finished executions.
 */

/** A buffer period: change triggers wait `minMs` of quiet, at most `maxMs` after the first. */
export interface BufferPeriod {
  readonly minMs: number;
  readonly maxMs: number;
}

/** What makes a task run besides a manual request. */
export type TaskTrigger =
  /** Changes announced with `engine.notifyChange()`; they pass through the buffer period. */
  | { readonly kind: 'change' }
  /** A cron schedule (hashicorp/cronexpr syntax); ticks are never buffered. */
  | { readonly kind: 'cron'; readonly expression: string; readonly timezone?: string };

/** A stored task. `spec` is the dialect's payload, opaque to the engine. */
export interface Task<TSpec = unknown> {
  readonly id: string;
  readonly name: string;
  /** A dialect's namespace: an organization, an environment. */
  readonly scope: string;
  readonly enabled: boolean;
  readonly spec: TSpec;
  readonly triggers: readonly TaskTrigger[];
  /** Ids of tasks that must run before this one in a plan. */
  readonly dependsOn: readonly string[];
  /** Undefined: change triggers run at once. */
  readonly bufferPeriod: BufferPeriod | undefined;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  /** Set once deletion was requested; the task stays readable until it is gone. */
  readonly deletionRequestedAtMs: number | undefined;
}

/** What `engine.createTask` takes. */
export interface TaskInput<TSpec = unknown> {
  readonly id?: string;
  readonly name: string;
  /** @default '' */
  readonly scope?: string;
  /** @default true */
  readonly enabled?: boolean;
  readonly spec?: TSpec;
  /** @default [{ kind: 'change' }] */
  readonly triggers?: readonly TaskTrigger[];
  /** @default [] */
  readonly dependsOn?: readonly string[];
  readonly bufferPeriod?: BufferPeriod;
}

/** What `TaskManager.update` takes: each field present replaces the stored one. */
export interface TaskPatch<TSpec = unknown> {
  readonly name?: string;
  readonly enabled?: boolean;
  readonly spec?: TSpec;
  readonly triggers?: readonly TaskTrigger[];
  readonly dependsOn?: readonly string[];
  /** `null` removes the buffer period. */
  readonly bufferPeriod?: BufferPeriod | null;
}

/** Why an execution runs. */
export type TriggerKind = 'change' | 'cron' | 'manual';

/** The trigger an execution was started by. */
export interface TriggerInfo {
  readonly kind: TriggerKind;
  /** The latest data announced with the change (the last one of a burst). */
  readonly data?: unknown;
  /** When the trigger fired (epoch ms). */
  readonly firedAtMs: number;
  /** How many change notifications this run stands for. */
  readonly changeCount: number;
}

/** `apply` changes the world; `plan` only says what would change and leaves no trace. */
export type ExecutionMode = 'apply' | 'plan';

/** The phases of an execution and of each of its steps. */
export type Phase = 'pending' | 'running' | 'succeeded' | 'failed' | 'stopped' | 'skipped';

/** One step of a plan as an executor declares it. */
export interface StepDefinition {
  /** Unique within the plan. */
  readonly id: string;
  /** @default the id */
  readonly name?: string;
  /** Anything the executor wants to find again in `runStep`. */
  readonly payload?: unknown;
}

/** A plan as an executor declares it: groups run in order, the steps of a group concurrently. */
export type PlanDefinition = readonly (readonly StepDefinition[])[];

/** A step of a running or finished execution. */
export interface StepState {
  readonly id: string;
  readonly name: string;
  readonly group: number;
  readonly payload: unknown;
  phase: Phase;
  startedAtMs: number | undefined;
  finishedAtMs: number | undefined;
  failureMessage: string | undefined;
  output: unknown;
}

/** One attempt of an execution with a retry policy. */
export interface AttemptRecord {
  readonly attempt: number;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly failureMessage: string | undefined;
}

/** An execution: one run of a task's plan. */
export interface Execution {
  readonly id: string;
  readonly taskId: string;
  readonly mode: ExecutionMode;
  readonly trigger: TriggerInfo;
  phase: Phase;
  /** Set when a stop was requested. */
  desiredPhase: 'stopped' | undefined;
  readonly createdAtMs: number;
  startedAtMs: number | undefined;
  finishedAtMs: number | undefined;
  failureMessage: string | undefined;
  steps: StepState[];
  attempts: AttemptRecord[];
  /** Whatever the executor's `finish` hook or its last step returned. */
  output: unknown;
  /** Bumped on every change of phase, of a step, or of the desired phase. */
  statusVersion: number;
}

/** A finished execution as recorded in a task's history. */
export interface StatusEvent {
  readonly id: string;
  readonly taskId: string;
  readonly executionId: string;
  readonly success: boolean;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly failureMessage: string | undefined;
  readonly trigger: TriggerKind;
  /** What the dialect keeps with the event (CTS's `config`). */
  readonly details: unknown;
}

/** The health of a task from its history (CTS `api/task_status.go`). */
export type Health = 'successful' | 'errored' | 'critical' | 'unknown';

/** Counts over every task, kept incrementally. */
export interface StatusSummary {
  readonly health: Readonly<Record<Health, number>>;
  readonly enabled: { readonly true: number; readonly false: number };
}
