/**
 * A simulated CTS Enterprise HA cluster (research/cts-ha.md): several CTS
 * instances, each with its own API (and port), one leader holding a
 * session-backed lock, followers answering the redirect 400, and failover
 * on the engine's clock.
 *
 * Shared state: one `MemoryStore` plays Consul KV (tasks and events), with
 * the simulated Consul catalog, the Terraform model (remote state: HA rules
 * out the local backend) and the scripted outcomes. Each leadership term gets
 * its own engine (scheduler, runner, status tracker) on that store; only the
 * leader has one, so only the leader runs tasks. A new leader adopts the
 * stored state, re-creates every task's driver and runs every enabled task
 * once (failures become events, none is fatal; a task whose driver fails to
 * initialise gets no event and is not runnable on that leader), then resumes
 * its triggers.
 */

import { Hono } from 'hono';
import { ctsApi } from '../../../api/cts/app.ts';
import { createCtsEngine } from '../../../api/cts/cts-engine.ts';
import { legacyError } from '../../../api/cts/errors.ts';
import type {
  CtsClusterMember,
  CtsLeaderInfo,
  CtsLeadership,
  CtsRedirectOptions,
} from '../../../api/cts/ha/leadership.ts';
import { unhealthyMessage } from '../../../api/cts/messages.ts';
import type { CtsDriverModel } from '../../../api/cts/tasks.ts';
import type { EffectiveBufferPeriod, TaskConfig } from '../../../api/cts/types.ts';
import { readBodyPrefix } from '../../../api/shared/read-body.ts';
import type { Clock, ClockTimer } from '../../../engine/clock.ts';
import type { Engine } from '../../../engine/engine.ts';
import { isEngineError } from '../../../engine/errors.ts';
import type { Executor } from '../../../engine/executor.ts';
import { MemoryStore } from '../../../engine/store.ts';
import type { SettleParticipant } from '../../../engine/virtual-clock.ts';
import type { FetchHandler } from '../../../node.ts';
import { JOURNAL_BODY_LIMIT, type Journal, queryOf } from '../../journal.ts';
import { connectCatalogTriggers } from '../catalog-triggers.ts';
import type { CtsFake } from '../cts-fake.ts';
import { adoptStoredTasks } from './adopt.ts';
import { CtsClusterError } from './errors.ts';
import {
  CLUSTER_DEFAULTS,
  type CtsClusterMemberOptions,
  type CtsClusterOptions,
  type CtsMemberStopOptions,
  defaultMemberId,
  validateClusterOptions,
} from './options.ts';
import { createWorld, type Member, messageOf, type Term, type World } from './state.ts';
import type {
  CtsClusterInit,
  CtsClusterMemberInfo,
  CtsClusterSnapshot,
  CtsClusterTransition,
  ListenFunction,
} from './types.ts';

interface ClockWithTracking extends Clock {
  track?(participant: SettleParticipant): () => void;
}

/** A simulated CTS Enterprise HA cluster. */
export class CtsCluster {
  readonly name: string;
  readonly clock: Clock;
  readonly #options: Required<Omit<CtsClusterOptions, 'members' | 'redirect' | 'name'>> & {
    readonly redirect: CtsRedirectOptions;
  };
  readonly #globalBufferPeriod: EffectiveBufferPeriod | undefined;
  readonly #journal: Journal | undefined;
  readonly #members: Member[];
  readonly #standby: Engine;
  readonly #viewApp: Hono;
  readonly #viewFollowerApp: Hono;
  readonly #pending = new Set<Promise<void>>();
  readonly #untrack: (() => void) | undefined;
  #world: World = createWorld();
  #transitions: CtsClusterTransition[] = [];
  #seq = 0;
  #lockHolder: string | undefined;
  #lockFreeAtMs = 0;
  #lockReleaseTimer: ClockTimer | undefined;
  #electionTimer: ClockTimer | undefined;
  #successor: string | undefined;
  #listen: ListenFunction | undefined;
  #host: string | undefined;
  #closed = false;
  /** The cluster as a single CTS fake: the API of whoever leads, the shared world. */
  readonly fake: CtsFake;

  constructor(init: CtsClusterInit) {
    validateClusterOptions(init.cluster);
    const options = init.cluster;
    this.name = options.name;
    this.clock = init.clock;
    this.#options = {
      sessionTtlMs: options.sessionTtlMs ?? CLUSTER_DEFAULTS.sessionTtlMs,
      lockDelayMs: options.lockDelayMs ?? CLUSTER_DEFAULTS.lockDelayMs,
      healthCheckIntervalMs:
        options.healthCheckIntervalMs ?? CLUSTER_DEFAULTS.healthCheckIntervalMs,
      deregisterCriticalAfterMs:
        options.deregisterCriticalAfterMs ?? CLUSTER_DEFAULTS.deregisterCriticalAfterMs,
      serviceName: options.serviceName ?? CLUSTER_DEFAULTS.serviceName,
      redirect: options.redirect ?? {},
    };
    this.#globalBufferPeriod = init.globalBufferPeriod;
    this.#journal = init.journal;
    // Followers never reach an engine (the guard answers first); they share one idle engine.
    this.#standby = createCtsEngine({ clock: this.clock, store: new MemoryStore() });
    const settings =
      typeof options.members === 'object'
        ? options.members
        : Array.from({ length: options.members ?? CLUSTER_DEFAULTS.members }, () => ({}));
    this.#members = settings.map((setting, index) => this.#createMember(setting, index));
    const ids = new Set(this.#members.map((member) => member.id));
    if (ids.size !== this.#members.length)
      throw new TypeError('taskport: cts.cluster.members must have distinct ids');

    // The cluster-level view (the fake server's own /v1): the leader's API, or
    // a follower's answer while nobody leads.
    this.#viewFollowerApp = this.#followerApp({
      isLeader: () => false,
      leader: () => this.#leaderInfo(),
      cluster: () => this.#clusterView(),
      redirect: this.#options.redirect,
    });
    this.#viewApp = new Hono();
    this.#viewApp.all('*', (c) => {
      const term = this.#leading()?.term;
      return (term?.app ?? this.#viewFollowerApp).fetch(c.req.raw);
    });

    this.#untrack = (this.clock as ClockWithTracking).track?.({
      isIdle: () => this.#pending.size === 0,
      whenIdle: () => this.whenIdle(),
    });

    const cluster = this;
    this.fake = {
      get app() {
        return cluster.#viewApp;
      },
      get engine() {
        return cluster.#leading()?.term?.engine ?? cluster.#standby;
      },
      get catalog() {
        return cluster.#world.catalog;
      },
      get outcomes() {
        return cluster.#world.outcomes;
      },
      close: () => this.close(),
    };
    this.#elect();
  }

  // -------------------------------------------------------------------------
  // Reading
  // -------------------------------------------------------------------------

  /** The member that leads, or undefined during an election. */
  leader(): CtsClusterMemberInfo | undefined {
    const leading = this.#leading();
    return leading === undefined ? undefined : this.#info(leading);
  }

  /** One member; throws CtsClusterError (404) for an unknown id. */
  member(id: string): CtsClusterMemberInfo {
    return this.#info(this.#member(id));
  }

  /** Every member, in join order. */
  members(): CtsClusterMemberInfo[] {
    return this.#members.map((member) => this.#info(member));
  }

  /** The cluster at a glance. */
  snapshot(): CtsClusterSnapshot {
    return {
      name: this.name,
      leader: this.#leading()?.id ?? null,
      lockHolder: this.#lockHolder ?? null,
      members: this.members(),
    };
  }

  /** Every transition since the cluster started (or was reset), oldest first. */
  transitions(): CtsClusterTransition[] {
    return [...this.#transitions];
  }

  /** The request handler of a member's port (journaled), for serving it yourself. */
  handler(id: string): FetchHandler {
    return this.#member(id).serverApp;
  }

  /** True when no catch-up pass is running. */
  isIdle(): boolean {
    return this.#pending.size === 0;
  }

  /** Resolves once no catch-up pass is running. */
  async whenIdle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  // -------------------------------------------------------------------------
  // Failover
  // -------------------------------------------------------------------------

  /**
   * Stops a member. A leader that crashes keeps the lock for the session TTL,
   * then a follower is elected (after the lock-delay); one stopped gracefully
   * frees the lock at once. Either way its engine stops (runs are aborted).
   */
  async stop(id: string, options: CtsMemberStopOptions = {}): Promise<CtsClusterMemberInfo> {
    const member = this.#member(id);
    if (member.state !== 'up') throw new CtsClusterError(`member ${id} is not running`, 409);
    if (options.successor !== undefined) this.#member(options.successor);
    const mode = options.mode ?? 'crash';
    member.state = mode === 'crash' ? 'crashed' : 'stopped';
    member.downSinceMs = this.clock.now();
    member.portMode = options.port ?? 'close';
    if (options.successor !== undefined) this.#successor = options.successor;
    this.#record({ kind: mode === 'crash' ? 'member-crashed' : 'member-stopped', member: id });
    const closing: Promise<void>[] = [this.#endTerm(member)];
    if (member.portMode === 'close' && member.server !== undefined) {
      closing.push(member.server.close());
      member.server = undefined;
    }
    await Promise.all(closing);
    if (this.#lockHolder === id && this.#lockReleaseTimer === undefined) {
      if (mode === 'graceful') this.#releaseLock('session destroyed');
      else {
        this.#lockReleaseTimer = this.clock.setTimer(
          () => this.#releaseLock('session TTL expired'),
          this.#options.sessionTtlMs,
        );
      }
    }
    return this.#info(member);
  }

  /** Stops the member that leads (see {@link stop}); throws 409 when nobody leads. */
  async failover(options: CtsMemberStopOptions = {}): Promise<CtsClusterMemberInfo> {
    const leading = this.#leading();
    if (leading === undefined) throw new CtsClusterError('no member leads the cluster', 409);
    return this.stop(leading.id, options);
  }

  /**
   * Starts a stopped member again. It joins as a follower, unhealthy until its
   * first health check passes; if nobody holds the lock it may be elected.
   */
  async start(id: string): Promise<CtsClusterMemberInfo> {
    const member = this.#member(id);
    if (member.state === 'up') throw new CtsClusterError(`member ${id} is already running`, 409);
    member.state = 'up';
    member.portMode = 'close';
    member.downSinceMs = undefined;
    member.healthyFromMs = this.clock.now() + this.#options.healthCheckIntervalMs;
    if (this.#listen !== undefined && member.server === undefined) await this.#listenOn(member);
    this.#record({ kind: 'member-started', member: id });
    if (this.#lockHolder === undefined)
      this.#scheduleElection(Math.max(0, this.#lockFreeAtMs - this.clock.now()));
    return this.#info(member);
  }

  // -------------------------------------------------------------------------
  // Lifecycle
  // -------------------------------------------------------------------------

  /** Gives every member its own port (`startFakeServer` calls this). */
  async listen(listen: ListenFunction, options: { readonly host?: string } = {}): Promise<void> {
    this.#listen = listen;
    this.#host = options.host ?? '127.0.0.1';
    try {
      for (const member of this.#members) {
        if (member.server === undefined && (member.state === 'up' || member.portMode !== 'close'))
          await this.#listenOn(member);
      }
    } catch (error) {
      await this.#closeServers();
      throw error;
    }
  }

  /**
   * Back to the start: every member up and healthy, the first one leading,
   * nothing stored, a new catalog and outcomes. Ports are kept.
   */
  async reset(): Promise<void> {
    this.#cancelTimers();
    await Promise.all(this.#members.map((member) => this.#endTerm(member)));
    await this.whenIdle();
    this.#world = createWorld();
    this.#transitions = [];
    this.#lockHolder = undefined;
    this.#lockFreeAtMs = 0;
    this.#successor = undefined;
    for (const member of this.#members) {
      member.state = 'up';
      member.portMode = 'close';
      member.downSinceMs = undefined;
      member.healthyFromMs = this.clock.now();
      if (this.#listen !== undefined && member.server === undefined) await this.#listenOn(member);
    }
    this.#elect();
  }

  /** Closes every port and stops every engine. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelTimers();
    await Promise.all([
      ...this.#members.map((member) => this.#endTerm(member)),
      this.#closeServers(),
    ]);
    await this.#standby.close();
    this.#untrack?.();
  }

  // -------------------------------------------------------------------------
  // Internals
  // -------------------------------------------------------------------------

  #createMember(setting: CtsClusterMemberOptions, index: number): Member {
    const leadership: CtsLeadership = {
      isLeader: () => member.term !== undefined,
      leader: () => this.#leaderInfo(),
      cluster: () => this.#clusterView(),
      redirect: this.#options.redirect,
    };
    const member: Member = {
      id: setting.id ?? defaultMemberId(index),
      serviceName: setting.serviceName ?? this.#options.serviceName,
      addressSetting: setting.address,
      requestedPort: setting.port ?? 0,
      port: undefined,
      server: undefined,
      state: 'up',
      portMode: 'close',
      healthyFromMs: this.clock.now(),
      downSinceMs: undefined,
      term: undefined,
      leadership,
      followerApp: this.#followerApp(leadership),
      serverApp: new Hono(),
    };
    this.#routeServerApp(member);
    return member;
  }

  #followerApp(leadership: CtsLeadership): Hono {
    return ctsApi({
      engine: this.#standby,
      enterprise: true,
      globalBufferPeriod: this.#globalBufferPeriod,
      leadership,
    });
  }

  /** What a member's port serves: its API (leader or follower), journaled; 503 once it failed. */
  #routeServerApp(member: Member): void {
    member.serverApp.all('*', async (c) => {
      const atMs = this.clock.now();
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
      this.#journal?.record(entry);
      return response;
    });
  }

  async #listenOn(member: Member): Promise<void> {
    const listen = this.#listen as ListenFunction;
    member.server = await listen(member.serverApp, {
      host: this.#host,
      port: member.port ?? member.requestedPort,
    });
    member.port = member.server.port;
  }

  async #closeServers(): Promise<void> {
    await Promise.all(
      this.#members.map(async (member) => {
        const server = member.server;
        member.server = undefined;
        await server?.close();
      }),
    );
  }

  #member(id: string): Member {
    const member = this.#members.find((candidate) => candidate.id === id);
    if (member === undefined) throw new CtsClusterError(`no cluster member ${id}`, 404);
    return member;
  }

  #leading(): Member | undefined {
    return this.#members.find((member) => member.term !== undefined);
  }

  #addressOf(member: Member): string | undefined {
    if (member.addressSetting === null) return undefined;
    if (member.addressSetting !== undefined) return member.addressSetting;
    if (this.#host === undefined) return undefined;
    return this.#host === '0.0.0.0' || this.#host === '::' ? 'localhost' : this.#host;
  }

  #leaderInfo(): CtsLeaderInfo | undefined {
    if (this.#lockHolder === undefined) return undefined;
    const holder = this.#member(this.#lockHolder);
    return { id: holder.id, address: this.#addressOf(holder), port: holder.port };
  }

  #listed(member: Member): boolean {
    if (member.state === 'stopped') return false;
    if (member.state === 'crashed')
      return this.clock.now() < (member.downSinceMs ?? 0) + this.#options.deregisterCriticalAfterMs;
    return true;
  }

  #healthy(member: Member): boolean {
    return member.state === 'up' && this.clock.now() >= member.healthyFromMs;
  }

  #clusterView(): { clusterName: string; members: CtsClusterMember[] } {
    return {
      clusterName: this.name,
      members: this.#members
        .filter((member) => this.#listed(member))
        .map((member) => ({
          id: member.id,
          serviceName: member.serviceName,
          healthy: this.#healthy(member),
          leader: member.id === this.#lockHolder,
          address: this.#addressOf(member),
        })),
    };
  }

  #info(member: Member): CtsClusterMemberInfo {
    return {
      id: member.id,
      serviceName: member.serviceName,
      address: this.#addressOf(member) ?? null,
      port: member.port ?? null,
      url:
        member.server?.url ??
        (member.port === undefined || this.#host === undefined
          ? null
          : `http://${this.#host}:${member.port}`),
      state: member.state,
      healthy: this.#healthy(member),
      listed: this.#listed(member),
      leader: member.term !== undefined,
      holdsLock: member.id === this.#lockHolder,
    };
  }

  #record(transition: Omit<CtsClusterTransition, 'seq' | 'atMs'>): void {
    const stored: CtsClusterTransition = {
      seq: ++this.#seq,
      atMs: this.clock.now(),
      ...transition,
    };
    this.#transitions.push(stored);
    const query: Record<string, string> = { member: stored.member };
    if (stored.task !== undefined) query.task = stored.task;
    if (stored.outcome !== undefined) query.outcome = stored.outcome;
    this.#journal?.record({
      method: 'CLUSTER',
      path: `/_taskport/cts/cluster/transitions/${stored.kind}`,
      query,
      body: JSON.stringify(stored),
      status: 0,
      atMs: stored.atMs,
      dialect: 'cluster',
    });
  }

  #cancelTimers(): void {
    this.#lockReleaseTimer?.cancel();
    this.#lockReleaseTimer = undefined;
    this.#electionTimer?.cancel();
    this.#electionTimer = undefined;
  }

  #releaseLock(reason: string): void {
    this.#lockReleaseTimer = undefined;
    const holder = this.#lockHolder;
    if (holder === undefined) return;
    this.#lockHolder = undefined;
    this.#lockFreeAtMs = this.clock.now() + this.#options.lockDelayMs;
    this.#record({ kind: 'lock-released', member: holder, detail: reason });
    this.#scheduleElection(this.#options.lockDelayMs);
  }

  #scheduleElection(delayMs: number): void {
    if (this.#electionTimer !== undefined || this.#closed) return;
    this.#electionTimer = this.clock.setTimer(() => {
      this.#electionTimer = undefined;
      this.#elect();
    }, delayMs);
  }

  /** A member up takes the free lock: the successor asked for, else the first in join order. */
  #elect(): void {
    if (this.#lockHolder !== undefined || this.#closed) return;
    const up = this.#members.filter((member) => member.state === 'up');
    const winner = up.find((member) => member.id === this.#successor) ?? up[0];
    if (winner === undefined) return;
    this.#successor = undefined;
    this.#lockHolder = winner.id;
    this.#record({ kind: 'leader-elected', member: winner.id });
    this.#startTerm(winner);
  }

  #startTerm(member: Member): void {
    const world = this.#world;
    const noDriver = new Set<string>();
    // The shared model, plus this leader's drivers: a task whose driver
    // failed to initialise has none, so PATCH answers 500 (research/cts-ha.md §4.2).
    const executor: Executor & CtsDriverModel = {
      runStep: (context) => world.model.runStep(context),
      initTask: (config) => world.model.initTask(config),
      hasDriver: (taskId) => !noDriver.has(taskId),
    };
    const engine = createCtsEngine({
      clock: this.clock,
      executor,
      store: world.store,
      closeMode: 'abort',
      // adopt.ts replays the store itself, holding triggers until the catch-up pass.
      adoptStoredTasks: false,
    });
    engine.events.on('task:deleted', (task) => world.model.forget(task.id));

    // Catalog changes during the catch-up pass are held, then forwarded.
    const held = new Set<string>();
    let open = false;
    const scheduler = new Proxy(engine.scheduler, {
      get(target, property) {
        if (property === 'notifyChange') {
          return (taskId: string) => {
            if (noDriver.has(taskId)) return;
            if (open) target.notifyChange(taskId);
            else held.add(taskId);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const disconnect = connectCatalogTriggers(world.catalog, { ...engine, scheduler }, 'cts');
    const adopted = adoptStoredTasks(engine, world.store, (task) => world.model.forget(task.id));

    const term: Term = {
      engine,
      app: ctsApi({
        engine,
        enterprise: true,
        globalBufferPeriod: this.#globalBufferPeriod,
        leadership: member.leadership,
      }),
      initTask: (config) => world.model.initTask(config),
      noDriver,
      ended: false,
      open() {
        open = true;
        for (const taskId of held) {
          try {
            engine.scheduler.notifyChange(taskId);
          } catch (error) {
            if (!isEngineError(error, 'not_found')) throw error;
          }
        }
        held.clear();
      },
      disconnect,
    };
    member.term = term;

    const pass = this.#catchUp(member, term, adopted).catch((error: unknown) => {
      engine.events.emit('engine:error', error);
    });
    this.#pending.add(pass);
    void pass.finally(() => this.#pending.delete(pass));
  }

  /**
   * Once mode with allow-fail (research/cts-ha.md §4.2): every task's driver
   * is created again, then every enabled task runs once, in order.
   */
  async #catchUp(
    member: Member,
    term: Term,
    adopted: ReturnType<typeof adoptStoredTasks>,
  ): Promise<void> {
    const { engine } = term;
    this.#record({ kind: 'catch-up-started', member: member.id });
    for (const id of adopted.ids) {
      if (term.ended) return;
      const task = engine.tasks.find(id);
      if (task === undefined || task.deletionRequestedAtMs !== undefined) continue;
      try {
        // `createTask` (disabled tasks included): a failure is logged, no event is
        // stored, and the task is not added to the drivers (checklist item 25c).
        term.initTask(task.spec as TaskConfig);
      } catch (error) {
        term.noDriver.add(task.id);
        this.#record({
          kind: 'catch-up-task',
          member: member.id,
          task: task.name,
          outcome: 'init-failed',
          detail: messageOf(error),
        });
        continue;
      }
      if (!task.enabled) {
        this.#record({
          kind: 'catch-up-task',
          member: member.id,
          task: task.name,
          outcome: 'skipped-disabled',
        });
        continue;
      }
      try {
        const execution = engine.runner.start(task, {
          trigger: { kind: 'manual', firedAtMs: this.clock.now(), changeCount: 0 },
          retry: null,
        });
        const finished = await engine.runner.whenFinished(execution.id);
        if (term.ended) return;
        this.#record({
          kind: 'catch-up-task',
          member: member.id,
          task: task.name,
          outcome: finished.phase === 'succeeded' ? 'succeeded' : 'failed',
          detail: finished.failureMessage,
        });
      } catch (error) {
        this.#record({
          kind: 'catch-up-task',
          member: member.id,
          task: task.name,
          outcome: 'not-run',
          detail: messageOf(error),
        });
      }
    }
    if (term.ended) return;
    this.#record({ kind: 'catch-up-finished', member: member.id });
    adopted.resumeTriggers(term.noDriver);
    term.open();
    this.#record({ kind: 'triggers-resumed', member: member.id });
  }

  async #endTerm(member: Member): Promise<void> {
    const term = member.term;
    if (term === undefined) return;
    member.term = undefined;
    term.ended = true;
    term.disconnect();
    await term.engine.close();
  }
}
