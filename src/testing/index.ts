/**
 * The fake server: every dialect taskport speaks, a control API, a journal,
 * and a simulated world, for integration tests. Node only (it listens with
 * `@hono/node-server`); `createFakeApp` gives the same app without a socket.
 *
 * @module
 */

export type { FakeControlOptions, SeedInput } from './control.ts';
export { DEFAULT_ADVANCE_MAX_TIMERS, FakeControl } from './control.ts';
export type {
  ControlClientOptions,
  ControlClock,
  RemoteJournalFilter,
} from './control-client.ts';
export { ControlClient, ControlRequestError } from './control-client.ts';
export { CtsCluster } from './cts/cluster/cluster.ts';
export { CtsClusterError } from './cts/cluster/errors.ts';
export type { CtsClusterOptions, CtsMemberStopOptions } from './cts/cluster/options.ts';
export type {
  CtsClusterMemberInfo,
  CtsClusterSnapshot,
  CtsClusterTransition,
  CtsMemberState,
} from './cts/cluster/types.ts';
export type { HealthStatus, ServiceInstance, ServiceRegistration } from './cts/consul-catalog.ts';
export { ConsulCatalog } from './cts/consul-catalog.ts';
export type { CtsControl } from './cts/control.ts';
export type { CtsFake, CtsFakeOptions } from './cts/cts-fake.ts';
export type { CtsSeedInput } from './cts/dialect.ts';
export type { ScriptedOutcome, ScriptedRunMode } from './cts/scripted-outcomes.ts';
export type {
  DialectControl,
  DialectName,
  DialectOptions,
  DialectOptionsMap,
  DialectSeed,
  DialectWorld,
} from './dialects.ts';
export { ALL_DIALECTS, FAKE_DIALECTS } from './dialects.ts';
export type { FakeApp, FakeAppOptions } from './fake-app.ts';
export { createFakeApp } from './fake-app.ts';
export type {
  AnyFakeDialect,
  DialectFetch,
  FakeDialect,
  FakeDialectContext,
  FakeWorld,
  ListenFunction,
  PrefixedRequest,
  SeedFailure,
} from './fake-dialect.ts';
export type { FakeServer, FakeServerOptions } from './fake-server.ts';
export { startFakeServer } from './fake-server.ts';
export type { Fired, FiredWatch, RunFired, TriggerFired, WebhookSent } from './fired.ts';
export type { IdleReport } from './idle-report.ts';
export type { JournalEntry, JournalFilter } from './journal.ts';
export { DEFAULT_JOURNAL_LIMIT, DEFAULT_JOURNAL_MAX_BYTES, JOURNAL_BODY_LIMIT } from './journal.ts';
export {
  invalidNamespaceNameMessage,
  MESSAGE_DEFAULT_NOT_DELETABLE,
  NAMESPACE_NAME_RULE,
  namespaceConflictMessage,
  namespaceExistsMessage,
  namespaceLimitMessage,
  unknownNamespaceMessage,
} from './namespace-messages.ts';
export { NAMESPACES_PATH } from './namespace-routes.ts';
export { NAMESPACE_HEADER, NAMESPACE_PATH_PREFIX } from './namespace-routing.ts';
export type {
  Namespace,
  NamespaceInfo,
  NamespaceOptions,
  NamespaceRegistryOptions,
} from './namespaces.ts';
export {
  DEFAULT_MAX_NAMESPACES,
  DEFAULT_NAMESPACE,
  isNamespaceName,
  NAMESPACE_JOURNAL_MAX_BYTES,
  NamespaceError,
  NamespaceRegistry,
} from './namespaces.ts';
export type { FiredTrigger, OnaControl } from './ona/control.ts';
export type { OnaFake, OnaFakeOptions } from './ona/ona-fake.ts';
export { createOnaFake } from './ona/ona-fake.ts';
export type { OnaOutcome } from './ona/scripted-executor.ts';
export type { TaskOutcomeControl } from './outcome-script.ts';
export type { RunView, TaskResultView, TaskStageView, TfcControl } from './tfc/control.ts';
export type { TfcFake, TfcFakeOptions } from './tfc/tfc-fake.ts';
export { createTfcFake } from './tfc/tfc-fake.ts';
export type { WorldFetch } from './world-fetch.ts';
