/**
 * The `cts` world of the fake server: `createCtsFake` (one daemon) and
 * `createCtsClusterFake` (an HA cluster's view), the simulated Consul
 * catalog, scripted outcomes, the control surface and routes, and the
 * dialect entry of the registry. The HCL config reader is Node-only and
 * lives in `./config-file.ts`.
 *
 * @module
 */

export { CtsCluster } from './cluster/cluster.ts';
export { CtsClusterError } from './cluster/errors.ts';
export type { CtsClusterOptions, CtsMemberStopOptions } from './cluster/options.ts';
export type {
  CtsClusterMemberInfo,
  CtsClusterSnapshot,
  CtsClusterTransition,
  CtsClusterView,
  CtsMemberState,
} from './cluster/types.ts';
export type { HealthStatus, ServiceInstance, ServiceRegistration } from './consul-catalog.ts';
export { ConsulCatalog } from './consul-catalog.ts';
export type { CtsControl } from './control.ts';
export { createCtsControl } from './control.ts';
export { ctsControlRoutes } from './control-routes.ts';
export type { CtsFake, CtsFakeOptions } from './cts-fake.ts';
export { clusterOf, createCtsClusterFake, createCtsFake } from './cts-fake.ts';
export type { CtsSeedInput } from './dialect.ts';
export { ctsDialect } from './dialect.ts';
export type { ScriptedOutcome } from './scripted-outcomes.ts';
export { ScriptedOutcomes } from './scripted-outcomes.ts';
