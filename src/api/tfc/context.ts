/**
 * What every `tfc` route handler is given, and the lookups that turn an ID
 * into a record the caller may see (404 otherwise: TFC never answers 403).
 */

import type { Context } from 'hono';
import type { Clock } from '../../engine/clock.ts';
import { notFound } from './errors.ts';
import type { TfcState } from './state.ts';
import type {
  OrganizationRecord,
  RunTaskRecord,
  TokenRecord,
  WorkspaceRecord,
  WorkspaceTaskRecord,
} from './types.ts';

/** The shared pieces of one `tfcApi` app. */
export interface TfcContext {
  readonly state: TfcState;
  readonly clock: Clock;
  readonly fetch: typeof fetch;
}

/** Hono environment of the `tfc` app: the authenticated token. */
export interface TfcEnv {
  Variables: { token: TokenRecord };
}

/** A Hono context of the `tfc` app. */
export type TfcRequest = Context<TfcEnv>;

/** The organization, if the caller's token can see it. */
export function visibleOrganization(
  context: TfcContext,
  c: TfcRequest,
  name: string,
): OrganizationRecord {
  const organization = context.state.organizations.get(name);
  if (organization === undefined || !context.state.canSee(c.get('token'), name)) throw notFound();
  return organization;
}

/** The organization, if visible and entitled to run tasks (404 otherwise, research §2.8). */
export function runTaskOrganization(
  context: TfcContext,
  c: TfcRequest,
  name: string,
): OrganizationRecord {
  const organization = visibleOrganization(context, c, name);
  if (!organization.entitlements.runTasks) throw notFound();
  return organization;
}

/** A run task the caller can see. */
export function visibleTask(context: TfcContext, c: TfcRequest, id: string): RunTaskRecord {
  const task = context.state.tasks.get(id);
  if (task === undefined) throw notFound();
  runTaskOrganization(context, c, task.organization);
  return task;
}

/** A workspace the caller can see. */
export function visibleWorkspace(context: TfcContext, c: TfcRequest, id: string): WorkspaceRecord {
  const workspace = context.state.workspaces.get(id);
  if (workspace === undefined) throw notFound();
  visibleOrganization(context, c, workspace.organization);
  return workspace;
}

/** An association of `workspace`; one of another workspace is 404. */
export function visibleWorkspaceTask(
  context: TfcContext,
  workspace: WorkspaceRecord,
  id: string,
): WorkspaceTaskRecord {
  const item = context.state.workspaceTasks.get(id);
  if (item === undefined || item.workspaceId !== workspace.id) throw notFound();
  return item;
}
