/**
 * The Ona dialect's wire shapes (proto3 JSON, camelCase), a superset of
 * `@gitpod/sdk` 0.6.0's types: the triggers, `spec.env`,
 * `prebuildRequiresSuccess` and `runsOn.machine` added later are included.
 */

/** `gitpod.v1.TaskExecutionPhase`. */
export type TaskExecutionPhase =
  | 'TASK_EXECUTION_PHASE_UNSPECIFIED'
  | 'TASK_EXECUTION_PHASE_PENDING'
  | 'TASK_EXECUTION_PHASE_RUNNING'
  | 'TASK_EXECUTION_PHASE_SUCCEEDED'
  | 'TASK_EXECUTION_PHASE_FAILED'
  | 'TASK_EXECUTION_PHASE_STOPPED';

/** `gitpod.v1.Principal`. */
export type Principal =
  | 'PRINCIPAL_UNSPECIFIED'
  | 'PRINCIPAL_ACCOUNT'
  | 'PRINCIPAL_USER'
  | 'PRINCIPAL_RUNNER'
  | 'PRINCIPAL_ENVIRONMENT'
  | 'PRINCIPAL_SERVICE_ACCOUNT'
  | 'PRINCIPAL_RUNNER_MANAGER';

/** `gitpod.v1.Subject`: who did something. */
export interface OnaSubject {
  readonly id?: string;
  readonly principal?: Principal;
}

/** The keys of `AutomationTrigger`'s oneof. */
export type TriggerName =
  | 'manual'
  | 'postMachineStart'
  | 'postEnvironmentStart'
  | 'postDevcontainerStart'
  | 'prebuild'
  | 'beforeSnapshot';

/** `gitpod.v1.AutomationTrigger`: exactly one key. */
export type AutomationTrigger = { readonly [K in TriggerName]?: boolean };

/** `gitpod.v1.RunsOn`: `docker` or `machine`. */
export interface RunsOn {
  readonly docker?: { readonly image?: string; readonly environment?: readonly string[] };
  readonly machine?: Readonly<Record<string, never>>;
}

/** `gitpod.v1.EnvironmentVariableItem`. */
export interface EnvironmentVariableItem {
  readonly name?: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretRef?: { readonly id?: string } };
}

/** `gitpod.v1.TaskSpec`. */
export interface TaskSpec {
  readonly command?: string;
  readonly runsOn?: RunsOn;
  readonly env?: readonly EnvironmentVariableItem[];
  readonly prebuildRequiresSuccess?: boolean;
}

/** `gitpod.v1.TaskMetadata`. `createdAt` is an RFC 3339 string. */
export interface TaskMetadata {
  readonly reference?: string;
  readonly name?: string;
  readonly description?: string;
  readonly createdAt?: string;
  readonly creator?: OnaSubject;
  readonly triggeredBy?: readonly AutomationTrigger[];
}

/** `gitpod.v1.Task`. */
export interface OnaTask {
  readonly id: string;
  readonly environmentId: string;
  readonly metadata: TaskMetadata;
  readonly spec: TaskSpec;
  readonly dependsOn?: readonly string[];
}

/** `gitpod.v1.TaskExecutionSpec.Step`: a task step or a service step. */
export interface ExecutionStep {
  readonly id: string;
  readonly dependsOn?: readonly string[];
  readonly label?: string;
  readonly task?: { readonly id: string; readonly spec: TaskSpec };
  readonly serviceId?: string;
}

/** `gitpod.v1.TaskExecutionSpec.Group` (0.6.0 TS: `TaskExecutionSpec.Plan`). */
export interface ExecutionGroup {
  readonly steps: readonly ExecutionStep[];
}

/** `gitpod.v1.TaskExecutionStatus.Step`. */
export interface ExecutionStepStatus {
  readonly id: string;
  readonly phase: TaskExecutionPhase;
  readonly failureMessage?: string;
  readonly output?: Readonly<Record<string, string>>;
}

/** `gitpod.v1.TaskExecution`. `statusVersion` is a decimal string, timestamps RFC 3339. */
export interface OnaTaskExecution {
  readonly id: string;
  readonly metadata: {
    readonly taskId: string;
    readonly environmentId: string;
    readonly createdAt: string;
    readonly creator?: OnaSubject;
    readonly startedBy?: string;
    readonly startedAt?: string;
    readonly completedAt?: string;
  };
  readonly spec: {
    readonly plan: readonly ExecutionGroup[];
    readonly desiredPhase?: TaskExecutionPhase;
  };
  readonly status: {
    readonly statusVersion: string;
    readonly phase: TaskExecutionPhase;
    readonly failureMessage?: string;
    readonly steps?: readonly ExecutionStepStatus[];
    readonly logUrl?: string;
  };
}

/** The nine public methods of `gitpod.v1.EnvironmentAutomationService` for tasks. */
export type OnaMethod =
  | 'CreateTask'
  | 'GetTask'
  | 'UpdateTask'
  | 'ListTasks'
  | 'DeleteTask'
  | 'StartTask'
  | 'ListTaskExecutions'
  | 'GetTaskExecution'
  | 'StopTaskExecution';
