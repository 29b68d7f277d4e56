/**
 * taskport's embeddable task engine: tasks, triggers with buffer periods and
 * cron, serialized executions with plans of steps, and status tracking.
 * Framework-free and runtime-free: it uses only web-standard APIs.
 *
 * @module
 */

export type { AdvanceOptions } from './advance-limit.ts';
export { AdvanceLimitError, TIMERS_PER_YIELD } from './advance-limit.ts';
export type { BufferWindow } from './buffer-period.ts';
export { openWindow, snoozedFireAt } from './buffer-period.ts';
export type { Clock, ClockTimer } from './clock.ts';
export { createRealClock, sleep } from './clock.ts';
export type {
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
} from './coordination.ts';
export type { CronOptions, CronSchedule } from './cron.ts';
export { parseCronExpression } from './cron.ts';
export { dependencyClosure, dependencyLevels, storedDependencyLevels } from './dependency-plan.ts';
export type { Engine, EngineSettings, InspectOptions, StartOnceOptions } from './engine.ts';
export { createEngine } from './engine.ts';
export type { EngineErrorCode, EngineErrorOptions } from './errors.ts';
export {
  EngineError,
  ExecutionStoppedError,
  ExecutionTimeoutError,
  isEngineError,
} from './errors.ts';
export type { EngineEventMap, SkipReason } from './events.ts';
export { EngineEvents } from './events.ts';
export type { Executor, PlanContext, StepContext } from './executor.ts';
export { NOOP_EXECUTOR } from './executor.ts';
export { healthFromCounts, healthOf } from './health.ts';
export { MemoryStore } from './memory-store.ts';
export type { EngineOptions, ResolvedEngineOptions } from './options.ts';
export {
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_EXECUTION_HISTORY_LIMIT,
  DEFAULT_HISTORY_LIMIT,
  resolveEngineOptions,
} from './options.ts';
export type { RetryPolicy } from './retry.ts';
export { CTS_RETRY_POLICY, retryDelayMs } from './retry.ts';
export type { RunNowOptions } from './scheduler.ts';
export type { EventDecision, EventPolicy, StatusEventInput } from './status-tracker.ts';
export { RECORD_EVERY_EXECUTION } from './status-tracker.ts';
export type { RecordStore, Store, TaskStatus } from './store.ts';
export type { TaskUpdateOptions } from './task-manager.ts';
export type {
  AttemptRecord,
  BufferPeriod,
  Execution,
  ExecutionMode,
  Health,
  Phase,
  PlanDefinition,
  StatusEvent,
  StatusSummary,
  StepDefinition,
  StepState,
  Task,
  TaskInput,
  TaskPatch,
  TaskTrigger,
  TriggerInfo,
  TriggerKind,
} from './types.ts';
export type {
  IdleParticipant,
  RunUntilIdleOptions,
  SettleParticipant,
  VirtualClockOptions,
  WhenIdleOptions,
} from './virtual-clock.ts';
export { DEFAULT_VIRTUAL_START_MS, VirtualClock } from './virtual-clock.ts';
