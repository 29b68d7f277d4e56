/**
 * The messages of `gitpod/v1/environment_automation.proto` (tasks part) as
 * descriptors: field names, JSON names, oneofs, presence and `buf.validate`
 * rules (research/ona-automation-tasks.md §3, Appendix A).
 */

import type { EnumType, FieldDescriptor, MessageDescriptor } from './proto-json.ts';

const UUID = { uuid: true } as const;
/** `TaskMetadata.reference`'s pattern. */
export const REFERENCE_PATTERN = '^[a-zA-Z0-9_-]{1,128}$';
/** Filter lists hold at most this many entries. */
export const MAX_FILTER_ITEMS = 25;

/** `gitpod.v1.TaskExecutionPhase`. */
export const TASK_EXECUTION_PHASE: EnumType = {
  fullName: 'gitpod.v1.TaskExecutionPhase',
  values: [
    'TASK_EXECUTION_PHASE_UNSPECIFIED',
    'TASK_EXECUTION_PHASE_PENDING',
    'TASK_EXECUTION_PHASE_RUNNING',
    'TASK_EXECUTION_PHASE_SUCCEEDED',
    'TASK_EXECUTION_PHASE_FAILED',
    'TASK_EXECUTION_PHASE_STOPPED',
  ],
};

/** `gitpod.v1.Principal`. */
export const PRINCIPAL: EnumType = {
  fullName: 'gitpod.v1.Principal',
  values: [
    'PRINCIPAL_UNSPECIFIED',
    'PRINCIPAL_ACCOUNT',
    'PRINCIPAL_USER',
    'PRINCIPAL_RUNNER',
    'PRINCIPAL_ENVIRONMENT',
    'PRINCIPAL_SERVICE_ACCOUNT',
    'PRINCIPAL_RUNNER_MANAGER',
  ],
};

function f(
  json: string,
  proto: string,
  type: FieldDescriptor['type'],
  extra: Omit<FieldDescriptor, 'json' | 'proto' | 'type'> = {},
): FieldDescriptor {
  return { json, proto, type, ...extra };
}

function message(fullName: string, fields: FieldDescriptor[]): MessageDescriptor {
  return { fullName, fields };
}

export const Subject = message('gitpod.v1.Subject', [
  f('id', 'id', 'string', { rules: { uuid: true, ignoreEmpty: true } }),
  f('principal', 'principal', PRINCIPAL, { rules: { definedOnly: true } }),
]);

/** The trigger keys of `AutomationTrigger`'s oneof, in field-number order. */
export const TRIGGER_KEYS = [
  'manual',
  'postMachineStart',
  'postEnvironmentStart',
  'postDevcontainerStart',
  'prebuild',
  'beforeSnapshot',
] as const;

export const AutomationTrigger = message('gitpod.v1.AutomationTrigger', [
  f('manual', 'manual', 'bool', { oneof: 'trigger' }),
  f('postMachineStart', 'post_machine_start', 'bool', { oneof: 'trigger' }),
  f('postEnvironmentStart', 'post_environment_start', 'bool', { oneof: 'trigger' }),
  f('postDevcontainerStart', 'post_devcontainer_start', 'bool', { oneof: 'trigger' }),
  f('prebuild', 'prebuild', 'bool', { oneof: 'trigger' }),
  f('beforeSnapshot', 'before_snapshot', 'bool', { oneof: 'trigger' }),
]);

export const RunsOnDocker = message('gitpod.v1.RunsOn.Docker', [
  f('image', 'image', 'string', { rules: { minLen: 1 } }),
  f('environment', 'environment', 'string', { repeated: true }),
]);
export const RunsOnMachine = message('gitpod.v1.RunsOn.Machine', []);
export const RunsOn = message('gitpod.v1.RunsOn', [
  f('docker', 'docker', () => RunsOnDocker, { oneof: 'target' }),
  f('machine', 'machine', () => RunsOnMachine, { oneof: 'target' }),
]);

export const SecretRef = message('gitpod.v1.SecretRef', [f('id', 'id', 'string', { rules: UUID })]);
export const EnvironmentVariableSource = message('gitpod.v1.EnvironmentVariableSource', [
  f('secretRef', 'secret_ref', () => SecretRef, { oneof: 'source' }),
]);
export const EnvironmentVariableItem = message('gitpod.v1.EnvironmentVariableItem', [
  f('name', 'name', 'string', { rules: { minLen: 1 } }),
  f('value', 'value', 'string', { oneof: 'source' }),
  f('valueFrom', 'value_from', () => EnvironmentVariableSource, { oneof: 'source' }),
]);

export const TaskSpec = message('gitpod.v1.TaskSpec', [
  f('command', 'command', 'string'),
  f('runsOn', 'runs_on', () => RunsOn),
  f('env', 'env', () => EnvironmentVariableItem, { repeated: true }),
  f('prebuildRequiresSuccess', 'prebuild_requires_success', 'bool'),
]);

export const TaskMetadata = message('gitpod.v1.TaskMetadata', [
  f('reference', 'reference', 'string', { rules: { pattern: REFERENCE_PATTERN } }),
  f('name', 'name', 'string', { rules: { minLen: 1 } }),
  f('description', 'description', 'string'),
  f('createdAt', 'created_at', 'timestamp'),
  f('creator', 'creator', () => Subject),
  f('triggeredBy', 'triggered_by', () => AutomationTrigger, { repeated: true }),
]);

export const Task = message('gitpod.v1.Task', [
  f('id', 'id', 'string', { rules: UUID }),
  f('environmentId', 'environment_id', 'string', { rules: UUID }),
  f('metadata', 'metadata', () => TaskMetadata),
  f('spec', 'spec', () => TaskSpec),
  f('dependsOn', 'depends_on', 'string', { repeated: true, rules: { items: UUID } }),
]);

export const ExecutionSpecTask = message('gitpod.v1.TaskExecutionSpec.Task', [
  f('id', 'id', 'string'),
  f('spec', 'spec', () => TaskSpec),
]);
export const ExecutionSpecStep = message('gitpod.v1.TaskExecutionSpec.Step', [
  f('id', 'id', 'string', { rules: UUID }),
  f('dependsOn', 'depends_on', 'string', { repeated: true }),
  f('label', 'label', 'string'),
  f('task', 'task', () => ExecutionSpecTask, { oneof: 'step' }),
  f('serviceId', 'service_id', 'string', { oneof: 'step', rules: UUID }),
]);
export const ExecutionSpecGroup = message('gitpod.v1.TaskExecutionSpec.Group', [
  f('steps', 'steps', () => ExecutionSpecStep, { repeated: true }),
]);
export const TaskExecutionSpec = message('gitpod.v1.TaskExecutionSpec', [
  f('plan', 'plan', () => ExecutionSpecGroup, { repeated: true }),
  f('desiredPhase', 'desired_phase', TASK_EXECUTION_PHASE, { rules: { definedOnly: true } }),
]);
export const TaskExecutionMetadata = message('gitpod.v1.TaskExecutionMetadata', [
  f('taskId', 'task_id', 'string'),
  f('environmentId', 'environment_id', 'string'),
  f('createdAt', 'created_at', 'timestamp'),
  f('creator', 'creator', () => Subject),
  f('startedBy', 'started_by', 'string'),
  f('startedAt', 'started_at', 'timestamp'),
  f('completedAt', 'completed_at', 'timestamp'),
]);
export const ExecutionStatusStep = message('gitpod.v1.TaskExecutionStatus.Step', [
  f('id', 'id', 'string'),
  f('phase', 'phase', TASK_EXECUTION_PHASE),
  f('failureMessage', 'failure_message', 'string'),
  f('output', 'output', 'string', { map: true }),
]);
export const TaskExecutionStatus = message('gitpod.v1.TaskExecutionStatus', [
  f('statusVersion', 'status_version', 'uint64'),
  f('phase', 'phase', TASK_EXECUTION_PHASE),
  f('failureMessage', 'failure_message', 'string'),
  f('steps', 'steps', () => ExecutionStatusStep, { repeated: true }),
  f('logUrl', 'log_url', 'string'),
]);
export const TaskExecution = message('gitpod.v1.TaskExecution', [
  f('id', 'id', 'string'),
  f('metadata', 'metadata', () => TaskExecutionMetadata),
  f('spec', 'spec', () => TaskExecutionSpec),
  f('status', 'status', () => TaskExecutionStatus),
]);

export const PaginationRequest = message('gitpod.v1.PaginationRequest', [
  f('pageSize', 'page_size', 'int32', { rules: { gte: 0, lte: 100 } }),
  f('token', 'token', 'string'),
]);
export const PaginationResponse = message('gitpod.v1.PaginationResponse', [
  f('nextToken', 'next_token', 'string'),
]);

const idRequest = (name: string): MessageDescriptor =>
  message(`gitpod.v1.${name}`, [f('id', 'id', 'string', { rules: UUID })]);

export const CreateTaskRequest = message('gitpod.v1.CreateTaskRequest', [
  f('environmentId', 'environment_id', 'string', { rules: UUID }),
  f('metadata', 'metadata', () => TaskMetadata),
  f('spec', 'spec', () => TaskSpec),
  f('dependsOn', 'depends_on', 'string', { repeated: true, rules: { items: UUID } }),
]);
export const GetTaskRequest = idRequest('GetTaskRequest');
export const DeleteTaskRequest = idRequest('DeleteTaskRequest');
export const StartTaskRequest = idRequest('StartTaskRequest');
export const GetTaskExecutionRequest = idRequest('GetTaskExecutionRequest');
export const StopTaskExecutionRequest = idRequest('StopTaskExecutionRequest');

export const AutomationTriggerUpdate = message(
  'gitpod.v1.UpdateTaskRequest.AutomationTriggerUpdate',
  [f('trigger', 'trigger', () => AutomationTrigger, { repeated: true })],
);
export const UpdateTaskMetadata = message('gitpod.v1.UpdateTaskRequest.TaskMetadata', [
  f('name', 'name', 'string', { optional: true, rules: { minLen: 1 } }),
  f('description', 'description', 'string', { optional: true }),
  f('triggeredBy', 'triggered_by', () => AutomationTriggerUpdate, { optional: true }),
]);
export const UpdateTaskSpec = message('gitpod.v1.UpdateTaskRequest.TaskSpec', [
  f('command', 'command', 'string', { optional: true }),
  f('runsOn', 'runs_on', () => RunsOn, { optional: true }),
  f('env', 'env', () => EnvironmentVariableItem, { repeated: true }),
  f('prebuildRequiresSuccess', 'prebuild_requires_success', 'bool', { optional: true }),
]);
export const UpdateTaskRequest = message('gitpod.v1.UpdateTaskRequest', [
  f('id', 'id', 'string', { rules: UUID }),
  f('metadata', 'metadata', () => UpdateTaskMetadata),
  f('spec', 'spec', () => UpdateTaskSpec),
  f('dependsOn', 'depends_on', 'string', { repeated: true, rules: { items: UUID } }),
]);

const filterIds = { maxItems: MAX_FILTER_ITEMS, items: UUID } as const;
export const ListTasksFilter = message('gitpod.v1.ListTasksRequest.Filter', [
  f('environmentIds', 'environment_ids', 'string', { repeated: true, rules: filterIds }),
  f('references', 'references', 'string', {
    repeated: true,
    rules: { maxItems: MAX_FILTER_ITEMS, items: { minLen: 1 } },
  }),
  f('taskIds', 'task_ids', 'string', { repeated: true, rules: filterIds }),
]);
export const ListTasksRequest = message('gitpod.v1.ListTasksRequest', [
  f('pagination', 'pagination', () => PaginationRequest),
  f('filter', 'filter', () => ListTasksFilter),
]);
export const ListTasksResponse = message('gitpod.v1.ListTasksResponse', [
  f('pagination', 'pagination', () => PaginationResponse),
  f('tasks', 'tasks', () => Task, { repeated: true }),
]);

export const ListTaskExecutionsFilter = message('gitpod.v1.ListTaskExecutionsRequest.Filter', [
  f('taskIds', 'task_ids', 'string', { repeated: true, rules: filterIds }),
  f('taskReferences', 'task_references', 'string', {
    repeated: true,
    rules: { maxItems: MAX_FILTER_ITEMS },
  }),
  f('environmentIds', 'environment_ids', 'string', { repeated: true, rules: filterIds }),
  f('phases', 'phases', TASK_EXECUTION_PHASE, {
    repeated: true,
    rules: { maxItems: MAX_FILTER_ITEMS },
  }),
]);
export const ListTaskExecutionsRequest = message('gitpod.v1.ListTaskExecutionsRequest', [
  f('pagination', 'pagination', () => PaginationRequest),
  f('filter', 'filter', () => ListTaskExecutionsFilter),
]);
export const ListTaskExecutionsResponse = message('gitpod.v1.ListTaskExecutionsResponse', [
  f('pagination', 'pagination', () => PaginationResponse),
  f('taskExecutions', 'task_executions', () => TaskExecution, { repeated: true }),
]);

export const TaskResponse = message('gitpod.v1.GetTaskResponse', [f('task', 'task', () => Task)]);
export const TaskExecutionResponse = message('gitpod.v1.GetTaskExecutionResponse', [
  f('taskExecution', 'task_execution', () => TaskExecution),
]);
export const EmptyResponse = message('gitpod.v1.Empty', []);
