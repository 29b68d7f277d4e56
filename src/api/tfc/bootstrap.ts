/**
 * What real clients call before run tasks (research §7.6): ping, service
 * discovery, and the organization, workspace and entitlement reads.
 */

import type { Context } from 'hono';
import {
  type TfcContext,
  type TfcRequest,
  visibleOrganization,
  visibleWorkspace,
} from './context.ts';
import { notFound } from './errors.ts';
import { JSON_API_MEDIA_TYPE, jsonApi } from './json-api.ts';
import {
  entitlementSetResource,
  organizationResource,
  workspaceResource,
} from './representation.ts';

/** The service discovery document: every TFE API version at `/api/v2/`. */
export const SERVICE_DISCOVERY = Object.freeze({
  'tfe.v2': '/api/v2/',
  'tfe.v2.1': '/api/v2/',
  'tfe.v2.2': '/api/v2/',
});

/** `GET /api/v2/ping`: go-tfe reads only the headers (research §7.6). */
export function ping(context: TfcContext): Response {
  const headers = new Headers({ 'content-type': JSON_API_MEDIA_TYPE });
  for (const [name, value] of Object.entries(context.state.settings.pingHeaders)) {
    headers.set(name, value);
  }
  return new Response('', { status: 204, headers });
}

/** `GET /.well-known/terraform.json`. */
export function serviceDiscovery(c: Context): Response {
  return c.json(SERVICE_DISCOVERY);
}

/** `GET /organizations/:organization_name`. */
export function showOrganization(context: TfcContext, c: TfcRequest): Response {
  const organization = visibleOrganization(context, c, c.req.param('organization_name') ?? '');
  return jsonApi(200, { data: organizationResource(organization) });
}

/** `GET /organizations/:organization_name/entitlement-set`. */
export function showEntitlementSet(context: TfcContext, c: TfcRequest): Response {
  const organization = visibleOrganization(context, c, c.req.param('organization_name') ?? '');
  return jsonApi(200, { data: entitlementSetResource(organization) });
}

/** `GET /workspaces/:workspace_id`. */
export function showWorkspace(context: TfcContext, c: TfcRequest): Response {
  const workspace = visibleWorkspace(context, c, c.req.param('workspace_id') ?? '');
  return jsonApi(200, { data: workspaceResource(workspace) });
}

/** `GET /organizations/:organization_name/workspaces/:name`. */
export function showWorkspaceByName(context: TfcContext, c: TfcRequest): Response {
  const organization = visibleOrganization(context, c, c.req.param('organization_name') ?? '');
  const name = c.req.param('name');
  for (const workspace of context.state.workspaces.values()) {
    if (workspace.organization === organization.name && workspace.name === name) {
      return jsonApi(200, { data: workspaceResource(workspace) });
    }
  }
  throw notFound();
}
