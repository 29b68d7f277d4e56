/**
 * The session-backed lock and the election (research/cts-ha.md): a member
 * up takes the free lock and starts a term; a released lock is free again
 * after the lock-delay. Every wait is a timer on the cluster's clock.
 */

import { recordTransition } from './snapshot.ts';
import type { ClusterState } from './state.ts';
import { startTerm } from './term.ts';

/** Frees the lock (a crashed leader's session expired, or a graceful stop destroyed it). */
export function releaseLock(state: ClusterState, reason: string): void {
  state.lockReleaseTimer = undefined;
  const holder = state.lockHolder;
  if (holder === undefined) return;
  state.lockHolder = undefined;
  state.lockFreeAtMs = state.clock.now() + state.options.lockDelayMs;
  recordTransition(state, { kind: 'lock-released', member: holder, detail: reason });
  scheduleElection(state, state.options.lockDelayMs);
}

/** Holds an election in `delayMs`, unless one is due already. */
export function scheduleElection(state: ClusterState, delayMs: number): void {
  if (state.electionTimer !== undefined || state.closed) return;
  state.electionTimer = state.clock.setTimer(() => {
    state.electionTimer = undefined;
    elect(state);
  }, delayMs);
}

/** A member up takes the free lock: the successor asked for, else the first in join order. */
export function elect(state: ClusterState): void {
  if (state.lockHolder !== undefined || state.closed) return;
  const up = state.members.filter((member) => member.state === 'up');
  const winner = up.find((member) => member.id === state.successor) ?? up[0];
  if (winner === undefined) return;
  state.successor = undefined;
  state.lockHolder = winner.id;
  recordTransition(state, { kind: 'leader-elected', member: winner.id });
  startTerm(state, winner);
}

/** Cancels the lock's release and any election due. */
export function cancelElectionTimers(state: ClusterState): void {
  state.lockReleaseTimer?.cancel();
  state.lockReleaseTimer = undefined;
  state.electionTimer?.cancel();
  state.electionTimer = undefined;
}
