/**
 * Serving and routing: each member's API (the leader's term app, or the
 * follower answer), the journaled app its own port serves, and opening and
 * closing those ports.
 */

import { Hono } from 'hono';
import { ctsApi } from '../../../api/cts/app.ts';
import { legacyError } from '../../../api/cts/errors.ts';
import type { CtsLeadership } from '../../../api/cts/ha/leadership.ts';
import { unhealthyMessage } from '../../../api/cts/messages.ts';
import { readBodyPrefix } from '../../../api/shared/read-body.ts';
import { JOURNAL_BODY_LIMIT, queryOf } from '../../journal.ts';
import { type CtsClusterMemberOptions, defaultMemberId } from './options.ts';
import { clusterView, leaderInfo } from './snapshot.ts';
import type { ClusterState, Member } from './state.ts';
import type { ListenFunction } from './types.ts';

/** A CTS API that answers as a follower under `leadership` (on the standby engine). */
export function followerApp(state: ClusterState, leadership: CtsLeadership): Hono {
  return ctsApi({
    engine: state.standby,
    enterprise: true,
    globalBufferPeriod: state.globalBufferPeriod,
    leadership,
  });
}

/** A member as it joins: up, healthy, following, with no port yet. */
export function createMember(
  state: ClusterState,
  setting: CtsClusterMemberOptions,
  index: number,
): Member {
  const leadership: CtsLeadership = {
    isLeader: () => member.term !== undefined,
    leader: () => leaderInfo(state),
    cluster: () => clusterView(state),
    redirect: state.options.redirect,
  };
  const member: Member = {
    id: setting.id ?? defaultMemberId(index),
    serviceName: setting.serviceName ?? state.options.serviceName,
    addressSetting: setting.address,
    requestedPort: setting.port ?? 0,
    port: undefined,
    server: undefined,
    state: 'up',
    portMode: 'close',
    healthyFromMs: state.clock.now(),
    downSinceMs: undefined,
    term: undefined,
    leadership,
    followerApp: followerApp(state, leadership),
    serverApp: new Hono(),
  };
  routeServerApp(state, member);
  return member;
}

/** What a member's port serves: its API (leader or follower), journaled; 503 once it failed. */
function routeServerApp(state: ClusterState, member: Member): void {
  member.serverApp.all('*', async (c) => {
    const atMs = state.clock.now();
    const request = c.req.raw;
    const response =
      member.state === 'up'
        ? await (member.term?.app ?? member.followerApp).fetch(request)
        : legacyError(503, unhealthyMessage(`instance ${member.id} has failed`));
    // After the answer: the body the member read is remembered, one it did not read is read now.
    const body =
      request.method === 'GET' || request.method === 'HEAD'
        ? ''
        : await readBodyPrefix(request, JOURNAL_BODY_LIMIT);
    const url = new URL(request.url);
    const entry = {
      method: request.method,
      path: url.pathname,
      query: queryOf(url),
      body,
      status: response.status,
      atMs,
      dialect: 'cts',
      member: member.id,
    };
    state.journal?.record(entry);
    return response;
  });
}

/** Opens the member's port (the one it had, else the one it asked for). */
export async function listenOn(state: ClusterState, member: Member): Promise<void> {
  const listen = state.listen as ListenFunction;
  member.server = await listen(member.serverApp, {
    host: state.host,
    port: member.port ?? member.requestedPort,
  });
  member.port = member.server.port;
}

/** Closes every member's port. */
export async function closeServers(state: ClusterState): Promise<void> {
  await Promise.all(
    state.members.map(async (member) => {
      const server = member.server;
      member.server = undefined;
      await server?.close();
    }),
  );
}
