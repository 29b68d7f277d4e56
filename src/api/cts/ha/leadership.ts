/**
 * CTS Enterprise high availability as the API shows it (research/cts-ha.md
 * §2–§3): a follower answers every `/v1/` route but health and cluster status
 * with a 400 that names the leader, after OpenAPI validation on
 * `POST /v1/tasks`; `GET /v1/status/cluster` describes the cluster on every
 * member. The cluster itself (who leads, who is healthy) is the caller's:
 * {@link CtsLeadership} is how `ctsApi` asks.
 */

import type { Context, MiddlewareHandler } from 'hono';
import { readBodyText } from '../../shared/read-body.ts';
import { validatorError } from '../errors.ts';
import {
  MESSAGE_BODY_TOO_LARGE,
  MESSAGE_RUN_EMPTY,
  MESSAGE_RUN_NOT_ALLOWED,
  redirectToLeaderMessage,
} from '../messages.ts';
import { newRequestId } from '../request-id.ts';
import { validateTaskRequest } from '../request-validator.ts';
import { jsonResponse } from '../responses.ts';

/** The lock holder, as a follower reads it from Consul. */
export interface CtsLeaderInfo {
  /** The leader's `id` setting. */
  readonly id: string;
  /** The leader's `high_availability.instance.address`, if it set one. */
  readonly address?: string;
  /** The leader's API port, which redirect messages append to the address (§2.3). */
  readonly port?: number;
}

/** One entry of `members` in `GET /v1/status/cluster`. */
export interface CtsClusterMember {
  readonly id: string;
  readonly serviceName: string;
  readonly healthy: boolean;
  readonly leader: boolean;
  /** Shown only on the leader's entry, and only if it configured one. */
  readonly address?: string;
}

/** What `GET /v1/status/cluster` reports. */
export interface CtsClusterView {
  readonly clusterName: string;
  /** In any order: the leader is put first. */
  readonly members: readonly CtsClusterMember[];
}

/** How the uncertain parts of the follower's answers look (research/cts-ha.md §2.3–§2.4). */
export interface CtsRedirectOptions {
  /**
   * Add `"request_id"` after `"error"` in redirect bodies. The documented
   * bodies have none.
   * @default false
   */
  readonly requestId?: boolean;
  /**
   * How the leader's address is written after `at`: with the leader's API port
   * appended, as the documented example (`cts-01.example.com:8558`), or as
   * configured.
   * @default 'address:port'
   */
  readonly address?: 'address:port' | 'address';
}

/** What `ctsApi({ leadership })` asks about the cluster the instance belongs to. */
export interface CtsLeadership {
  /** Whether this instance holds the leadership lock and serves the API. */
  isLeader(): boolean;
  /** The lock holder as this instance sees it; undefined while nobody holds the lock. */
  leader(): CtsLeaderInfo | undefined;
  /** The cluster, for `GET /v1/status/cluster`. */
  cluster(): CtsClusterView;
  /** How redirect bodies look. */
  readonly redirect?: CtsRedirectOptions;
}

/** The `at <address>` part of a redirect message for `leader`, if it has an address. */
export function leaderAddressOf(
  leader: CtsLeaderInfo,
  format: CtsRedirectOptions['address'] = 'address:port',
): string | undefined {
  if (leader.address === undefined || leader.address === '') return undefined;
  if (format === 'address' || leader.port === undefined) return leader.address;
  return `${leader.address}:${leader.port}`;
}

/** The 400 a follower answers (error-messages page): which of the three messages depends on `leader`. */
export function redirectResponse(
  leader: CtsLeaderInfo | undefined,
  requestId: string,
  options: CtsRedirectOptions = {},
): Response {
  const message =
    leader === undefined
      ? redirectToLeaderMessage()
      : redirectToLeaderMessage(leader.id, leaderAddressOf(leader, options.address));
  return jsonResponse(
    400,
    options.requestId === true
      ? { error: { message }, request_id: requestId }
      : { error: { message } },
  );
}

/**
 * `GET /v1/status/cluster` in HA mode: `cluster_name`, `members`,
 * `request_id`; members keyed alphabetically as the generated Go types
 * marshal them, leader first; `address` only on the leader.
 */
export function clusterStatusResponse(view: CtsClusterView, requestId: string): Response {
  const members = [...view.members].sort(
    (a, b) => (a.leader === b.leader ? 0 : a.leader ? -1 : 1), // stable: join order otherwise
  );
  return jsonResponse(200, {
    cluster_name: view.clusterName,
    members: members.map((member) => ({
      ...(member.leader && member.address !== undefined && member.address !== ''
        ? { address: member.address }
        : {}),
      healthy: member.healthy,
      id: member.id,
      leader: member.leader,
      service_name: member.serviceName,
    })),
    request_id: requestId,
  });
}

/**
 * The OpenAPI validator's verdict on `POST /v1/tasks`, which on the
 * generated stack runs before the interceptor (§2.1 item 2): the `run` enum,
 * then the body. A repeated `run` fails later, in the generated binder, so a
 * follower redirects it. The body read is remembered, so the handler reads it again.
 */
export async function createRequestValidationError(
  request: Request,
  maxBodyBytes: number,
): Promise<string | undefined> {
  const runs = new URL(request.url).searchParams.getAll('run');
  if (runs.length > 0) {
    if (runs[0] === '') return MESSAGE_RUN_EMPTY;
    if (runs[0] !== 'now' && runs[0] !== 'inspect') return MESSAGE_RUN_NOT_ALLOWED;
  }
  const body = await readBodyText(request, maxBodyBytes);
  if (body.tooLarge) return MESSAGE_BODY_TOO_LARGE;
  const validated = validateTaskRequest(
    body.text,
    request.headers.get('content-type') ?? undefined,
    {
      maxBodyBytes,
    },
  );
  return validated.ok ? undefined : validated.message;
}

/** Paths the enterprise interceptor lets through on a follower (§2.1 item 5), any method. */
const EXEMPT_PATHS: ReadonlySet<string> = new Set(['/v1/health', '/v1/status/cluster']);

/**
 * The enterprise interceptor as one middleware on `/v1/*`, after CORS: on a
 * follower, health and cluster status pass, `POST /v1/tasks` is validated
 * first, and everything else (unknown paths included, §2.1 item 6) gets the
 * redirect 400. On the leader every request passes.
 */
export function leadershipGuard(
  leadership: CtsLeadership,
  options: { readonly maxBodyBytes: number },
): MiddlewareHandler {
  return async (c: Context, next) => {
    if (leadership.isLeader()) return next();
    // The path below the mount point, as the routes compute it.
    const path = c.req.path.slice(c.req.routePath.length - '/v1/*'.length);
    if (EXEMPT_PATHS.has(path)) return next();
    const requestId = newRequestId();
    if (c.req.method === 'POST' && path === '/v1/tasks') {
      const invalid = await createRequestValidationError(c.req.raw, options.maxBodyBytes);
      if (invalid !== undefined) return validatorError(invalid, requestId);
    }
    // Read the lock holder after validation: it is what the follower knows when it answers.
    return redirectResponse(leadership.leader(), requestId, leadership.redirect);
  };
}
