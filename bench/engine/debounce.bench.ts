/**
 * Buffer periods at scale: the engine (every task's buffer period on ONE
 * clock timer over an indexed min-heap) against a per-key `setTimeout`
 * debounce with a max wait, side by side in one process.
 *
 *   npm run bench:engine                    # node --expose-gc --import tsx …
 *   taskset -c 1 npm run bench:engine       # pinned to one core (recommended)
 *   BENCH_QUICK=1 npm run bench:engine      # 10× smaller smoke run, nothing written
 *
 * It prints a table and writes bench/results/engine-<YYYY-MM-DD>.json.
 * See bench/README.md for the method and the recorded results.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import {
  type BufferPeriod,
  type Clock,
  type ClockTimer,
  createEngine,
  type Engine,
  type EventPolicy,
  VirtualClock,
} from '../../src/engine/index.ts';

// ─── configuration ──────────────────────────────────────────────────────────

const QUICK = process.env.BENCH_QUICK === '1';
const TASKS = QUICK ? 10_000 : 100_000;
/** Every task gets exactly ROUNDS changes: one burst of ROUNDS changes per task. */
const ROUNDS = 10;
const TRIGGERS = TASKS * ROUNDS;
/**
 * Measured pairs per clock. Each engine run spends ~10 s running its 100 000
 * executions (about 100 µs each, see bench/README.md), so 3 pairs keep the
 * whole bench near 3 minutes; BENCH_PAIRS=5 for more.
 */
const REPS = Number(process.env.BENCH_PAIRS ?? (QUICK ? 2 : 3));
const SEED = 0x5eed_2026;
/** Virtual-clock run: CTS-like periods. */
const VIRTUAL_PERIOD: BufferPeriod = { minMs: 5_000, maxMs: 20_000 };
/** Virtual time moves 1 ms after every chunk of this many triggers (1 s over the whole notify phase). */
const CHUNK = 1_000;
/**
 * Real-timer run: short enough to finish quickly, long enough that the
 * synchronous storm of triggers (1–5 s) stays inside max − min, so every
 * change takes the re-arm path (with 20 ms/80 ms most would find the deadline
 * passed and leave the timer alone, which measures little but Map lookups).
 */
const REAL_PERIOD: BufferPeriod = { minMs: 1_000, maxMs: 15_000 };
/** Periods of the memory and allocation probes (nothing fires during them). */
const PROBE_PERIOD: BufferPeriod = { minMs: 60_000, maxMs: 240_000 };
const SUMMARY_SIZES = [10, 10_000, 100_000] as const;
/** The memory probes are deterministic to a fraction of a byte per task at 100 000 tasks. */
const MEMORY_REPS = 1;
const SUMMARY_CALLS_PER_BATCH = 10_000;
const SUMMARY_BATCHES = 101;
/** The engine's event policy here: record nothing, so the fire phase measures trigger → run only. */
const RECORD_NOTHING: EventPolicy = () => undefined;

const collect = globalThis.gc;
if (collect === undefined) {
  console.error('Run with --expose-gc: npm run bench:engine');
  process.exit(1);
}
const gc = (): void => {
  collect();
  collect();
};

// ─── workload ───────────────────────────────────────────────────────────────

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Task ids, created once so that no measurement counts their strings. */
const ids: string[] = Array.from(
  { length: Math.max(TASKS, ...SUMMARY_SIZES) },
  (_, i) => `task-${String(i).padStart(6, '0')}`,
);
const indexOf = new Map<string, number>(ids.map((id, i) => [id, i]));

/** The triggers of one run: which task changes, in which order. */
interface Workload {
  readonly tasks: number;
  readonly triggers: number;
  /** ROUNDS rounds, each a fresh seeded permutation of the tasks: every task changes ROUNDS times. */
  readonly order: Int32Array;
  /** Position in `order` of each task's last change (for the expected fire time). */
  readonly lastPosition: Int32Array;
}

function makeWorkload(tasks: number, seed: number): Workload {
  const triggers = tasks * ROUNDS;
  const order = new Int32Array(triggers);
  const lastPosition = new Int32Array(tasks);
  const random = mulberry32(seed);
  const permutation = Int32Array.from({ length: tasks }, (_, i) => i);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = tasks - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const swap = permutation[i]!;
      permutation[i] = permutation[j]!;
      permutation[j] = swap;
    }
    order.set(permutation, round * tasks);
  }
  for (let position = 0; position < triggers; position++) lastPosition[order[position]!] = position;
  return { tasks, triggers, order, lastPosition };
}

const FULL = makeWorkload(TASKS, SEED);
/** The warm-up pair runs a tenth of the workload: enough for the JIT, cheap on the clock. */
const WARM_UP = makeWorkload(TASKS / 10, SEED + 1);

// ─── the baseline: a per-key setTimeout debounce with a max wait ────────────
//
// Written for speed, as a competent developer would: one Map lookup for the
// period, one for the pending entry, the fire callback allocated once per
// burst and reused for every re-arm, the entry mutated in place. Same
// semantics as the engine (hcat): the first change arms `min` and sets the
// deadline `max` later; a further change re-arms to `min`, or to the time left
// before the deadline, or leaves the timer alone once the deadline has passed.

type OnFire = (key: string, data: unknown, count: number) => void;

interface ClockPending {
  timer: ClockTimer;
  readonly deadlineMs: number;
  data: unknown;
  count: number;
  readonly fire: () => void;
}

/** The baseline on the Clock abstraction (the virtual-clock run): one clock timer per pending key. */
class ClockTimeoutDebouncer {
  readonly #clock: Clock;
  readonly #onFire: OnFire;
  readonly #periods = new Map<string, BufferPeriod>();
  readonly #pending = new Map<string, ClockPending>();

  constructor(clock: Clock, onFire: OnFire) {
    this.#clock = clock;
    this.#onFire = onFire;
  }

  register(key: string, period: BufferPeriod): void {
    this.#periods.set(key, { minMs: period.minMs, maxMs: period.maxMs });
  }

  tick(key: string, data: unknown): void {
    const period = this.#periods.get(key);
    if (period === undefined) throw new Error(`unknown key ${key}`);
    const nowMs = this.#clock.now();
    const entry = this.#pending.get(key);
    if (entry === undefined) {
      const created: ClockPending = {
        timer: NO_CLOCK_TIMER,
        deadlineMs: nowMs + period.maxMs,
        data,
        count: 1,
        fire: () => this.#fire(key, created),
      };
      created.timer = this.#clock.setTimer(created.fire, period.minMs);
      this.#pending.set(key, created);
      return;
    }
    entry.data = data;
    entry.count++;
    let delayMs: number;
    if (nowMs + period.minMs < entry.deadlineMs) delayMs = period.minMs;
    else if (entry.deadlineMs > nowMs) delayMs = entry.deadlineMs - nowMs;
    else return; // past the deadline: the armed timer is already due
    entry.timer.cancel();
    entry.timer = this.#clock.setTimer(entry.fire, delayMs);
  }

  clear(): void {
    for (const entry of this.#pending.values()) entry.timer.cancel();
    this.#pending.clear();
  }

  #fire(key: string, entry: ClockPending): void {
    this.#pending.delete(key);
    this.#onFire(key, entry.data, entry.count);
  }
}

const NO_CLOCK_TIMER: ClockTimer = { cancel: () => undefined };

interface RealPending {
  timer: ReturnType<typeof setTimeout> | undefined;
  readonly deadlineMs: number;
  data: unknown;
  count: number;
  readonly fire: () => void;
}

/** The same baseline on the real `setTimeout` / `clearTimeout` (the real-timer run). */
class RealTimeoutDebouncer {
  readonly #onFire: OnFire;
  readonly #periods = new Map<string, BufferPeriod>();
  readonly #pending = new Map<string, RealPending>();

  constructor(onFire: OnFire) {
    this.#onFire = onFire;
  }

  register(key: string, period: BufferPeriod): void {
    this.#periods.set(key, { minMs: period.minMs, maxMs: period.maxMs });
  }

  tick(key: string, data: unknown): void {
    const period = this.#periods.get(key);
    if (period === undefined) throw new Error(`unknown key ${key}`);
    const nowMs = Date.now();
    const entry = this.#pending.get(key);
    if (entry === undefined) {
      const created: RealPending = {
        timer: undefined,
        deadlineMs: nowMs + period.maxMs,
        data,
        count: 1,
        fire: () => this.#fire(key, created),
      };
      created.timer = setTimeout(created.fire, period.minMs);
      this.#pending.set(key, created);
      return;
    }
    entry.data = data;
    entry.count++;
    let delayMs: number;
    if (nowMs + period.minMs < entry.deadlineMs) delayMs = period.minMs;
    else if (entry.deadlineMs > nowMs) delayMs = entry.deadlineMs - nowMs;
    else return; // past the deadline: the armed timer is already due
    clearTimeout(entry.timer);
    entry.timer = setTimeout(entry.fire, delayMs);
  }

  clear(): void {
    for (const entry of this.#pending.values()) clearTimeout(entry.timer);
    this.#pending.clear();
  }

  #fire(key: string, entry: RealPending): void {
    this.#pending.delete(key);
    this.#onFire(key, entry.data, entry.count);
  }
}

// ─── hot loops (one per subject, so each call site stays monomorphic) ───────

/**
 * The front door's notifyChange returns one shared settled promise on this
 * path (the engine is ready, the task known): it is not awaited per call,
 * which would measure microtask turns instead of the trigger. A rejection
 * (an unknown task) is a distinct promise, left unhandled: it fails the run.
 */
function engineNotify(
  engine: Engine,
  order: Int32Array,
  from: number,
  to: number,
  data: number,
): void {
  for (let position = from; position < to; position++) {
    void engine.notifyChange(ids[order[position]!]!, data);
  }
}

function clockBaselineNotify(
  debouncer: ClockTimeoutDebouncer,
  order: Int32Array,
  from: number,
  to: number,
  data: number,
): void {
  for (let position = from; position < to; position++) {
    debouncer.tick(ids[order[position]!]!, data);
  }
}

function realBaselineNotify(
  debouncer: RealTimeoutDebouncer,
  order: Int32Array,
  from: number,
  to: number,
  data: number,
): void {
  for (let position = from; position < to; position++) {
    debouncer.tick(ids[order[position]!]!, data);
  }
}

// ─── run bookkeeping and checks ─────────────────────────────────────────────

/** Counts runs per task and checks each is the whole burst (and, on the virtual clock, on time). */
class RunLedger {
  readonly runs: Int32Array;
  finished = 0;
  wrongCount = 0;
  wrongTime = 0;
  failed = 0;
  readonly #tasks: number;
  readonly #expectFireAt: ((index: number) => number) | undefined;
  #allRan: (() => void) | undefined;

  constructor(tasks: number, expectFireAt?: (index: number) => number) {
    this.#tasks = tasks;
    this.runs = new Int32Array(tasks);
    this.#expectFireAt = expectFireAt;
  }

  record(key: string, count: number, firedAtMs: number, succeeded: boolean): void {
    const index = indexOf.get(key);
    if (index === undefined || index >= this.#tasks) throw new Error(`run of unknown task ${key}`);
    this.runs[index]!++;
    if (count !== ROUNDS) this.wrongCount++;
    if (!succeeded) this.failed++;
    if (this.#expectFireAt !== undefined && firedAtMs !== this.#expectFireAt(index)) {
      this.wrongTime++;
    }
    if (++this.finished === this.#tasks) this.#allRan?.();
  }

  /** Resolves once every task ran; rejects after `limitMs` of real time. */
  allRan(limitMs: number): Promise<void> {
    if (this.finished >= this.#tasks) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${this.finished}/${this.#tasks} runs after ${limitMs} ms`)),
        limitMs,
      );
      this.#allRan = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Throws unless every task ran exactly once, for all ROUNDS changes of its burst. */
  verify(label: string): void {
    let notOnce = 0;
    for (const runs of this.runs) if (runs !== 1) notOnce++;
    const problems = [
      notOnce > 0 ? `${notOnce} tasks did not run exactly once` : '',
      this.wrongCount > 0 ? `${this.wrongCount} runs did not carry all ${ROUNDS} changes` : '',
      this.wrongTime > 0 ? `${this.wrongTime} runs fired at the wrong time` : '',
      this.failed > 0 ? `${this.failed} runs failed` : '',
    ].filter((problem) => problem !== '');
    if (problems.length > 0) throw new Error(`${label}: ${problems.join('; ')}`);
  }
}

async function createTasks(engine: Engine, period: BufferPeriod, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    await engine.createTask({ id, name: id, bufferPeriod: period });
  }
}

function listenForRuns(engine: Engine, ledger: RunLedger): void {
  engine.events.on('execution:finished', (execution) =>
    ledger.record(
      execution.taskId,
      execution.trigger.changeCount,
      execution.trigger.firedAtMs,
      execution.phase === 'succeeded',
    ),
  );
}

/** On the virtual clock, chunk c of the notify phase happens at start + c ms. */
function virtualExpectFireAt(work: Workload, startMs: number): (index: number) => number {
  return (index) => startMs + Math.floor(work.lastPosition[index]! / CHUNK) + VIRTUAL_PERIOD.minMs;
}

interface RunSample {
  /** Time spent inside notify calls. */
  readonly notifyMs: number;
  readonly triggersPerSec: number;
  /** From the end of the notify phase until every task ran. */
  readonly fireMs: number;
  /** Notify phase plus fire phase (real-timer run: wall time from first trigger to last run). */
  readonly totalMs: number;
}

function sample(work: Workload, notifyMs: number, fireMs: number, totalMs: number): RunSample {
  return { notifyMs, triggersPerSec: (work.triggers / notifyMs) * 1_000, fireMs, totalMs };
}

// ─── the four runs ──────────────────────────────────────────────────────────

async function engineVirtualRun(work: Workload): Promise<RunSample> {
  const clock = new VirtualClock();
  const engine = createEngine({ clock, eventPolicy: RECORD_NOTHING });
  await createTasks(engine, VIRTUAL_PERIOD, work.tasks);
  const ledger = new RunLedger(work.tasks, virtualExpectFireAt(work, clock.now()));
  listenForRuns(engine, ledger);
  gc();
  let notifyMs = 0;
  for (let from = 0; from < work.triggers; from += CHUNK) {
    const startedAt = performance.now();
    engineNotify(engine, work.order, from, from + CHUNK, Math.floor(from / work.tasks));
    notifyMs += performance.now() - startedAt;
    await clock.advance(1);
  }
  if (ledger.finished !== 0) throw new Error('engine (virtual): a run fired during the burst');
  const fireStartedAt = performance.now();
  await clock.advance(VIRTUAL_PERIOD.maxMs);
  await clock.whenIdle();
  const fireMs = performance.now() - fireStartedAt;
  ledger.verify('engine (virtual clock)');
  await engine.close();
  return sample(work, notifyMs, fireMs, notifyMs + fireMs);
}

async function baselineVirtualRun(work: Workload): Promise<RunSample> {
  const clock = new VirtualClock();
  const ledger = new RunLedger(work.tasks, virtualExpectFireAt(work, clock.now()));
  const debouncer = new ClockTimeoutDebouncer(clock, (key, _data, count) =>
    ledger.record(key, count, clock.now(), true),
  );
  for (let i = 0; i < work.tasks; i++) debouncer.register(ids[i]!, VIRTUAL_PERIOD);
  gc();
  let notifyMs = 0;
  for (let from = 0; from < work.triggers; from += CHUNK) {
    const startedAt = performance.now();
    clockBaselineNotify(debouncer, work.order, from, from + CHUNK, Math.floor(from / work.tasks));
    notifyMs += performance.now() - startedAt;
    await clock.advance(1);
  }
  if (ledger.finished !== 0) throw new Error('baseline (virtual): a run fired during the burst');
  const fireStartedAt = performance.now();
  await clock.advance(VIRTUAL_PERIOD.maxMs);
  const fireMs = performance.now() - fireStartedAt;
  ledger.verify('baseline (virtual clock)');
  return sample(work, notifyMs, fireMs, notifyMs + fireMs);
}

/**
 * The real-timer runs trigger synchronously (a storm that does not yield), so
 * no period can fire mid-burst: each task's ROUNDS changes are one burst.
 */
async function engineRealRun(work: Workload): Promise<RunSample> {
  const engine = createEngine({ eventPolicy: RECORD_NOTHING });
  await createTasks(engine, REAL_PERIOD, work.tasks);
  const ledger = new RunLedger(work.tasks);
  listenForRuns(engine, ledger);
  gc();
  const startedAt = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    engineNotify(engine, work.order, round * work.tasks, (round + 1) * work.tasks, round);
  }
  const notifiedAt = performance.now();
  await ledger.allRan(120_000);
  await engine.whenIdle();
  const doneAt = performance.now();
  ledger.verify('engine (real timers)');
  await engine.close();
  return sample(work, notifiedAt - startedAt, doneAt - notifiedAt, doneAt - startedAt);
}

async function baselineRealRun(work: Workload): Promise<RunSample> {
  const ledger = new RunLedger(work.tasks);
  const debouncer = new RealTimeoutDebouncer((key, _data, count) =>
    ledger.record(key, count, 0, true),
  );
  for (let i = 0; i < work.tasks; i++) debouncer.register(ids[i]!, REAL_PERIOD);
  gc();
  const startedAt = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    realBaselineNotify(debouncer, work.order, round * work.tasks, (round + 1) * work.tasks, round);
  }
  const notifiedAt = performance.now();
  await ledger.allRan(120_000);
  const doneAt = performance.now();
  ledger.verify('baseline (real timers)');
  return sample(work, notifiedAt - startedAt, doneAt - notifiedAt, doneAt - startedAt);
}

// ─── statistics ─────────────────────────────────────────────────────────────

interface Stat {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function stat(values: readonly number[]): Stat {
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    samples: values,
  };
}

interface Comparison {
  readonly engine: Record<keyof RunSample, Stat>;
  readonly baseline: Record<keyof RunSample, Stat>;
  /** Engine triggers/s ÷ baseline triggers/s, pair by pair. */
  readonly triggersPerSecRatio: Stat;
  /** Engine total ÷ baseline total, pair by pair. */
  readonly totalTimeRatio: Stat;
  /** Stderr-free notes on the runs (e.g. the real-timer storm outlasting the max). */
  readonly notes: readonly string[];
}

function statsOf(samples: readonly RunSample[]): Record<keyof RunSample, Stat> {
  return {
    notifyMs: stat(samples.map((s) => s.notifyMs)),
    triggersPerSec: stat(samples.map((s) => s.triggersPerSec)),
    fireMs: stat(samples.map((s) => s.fireMs)),
    totalMs: stat(samples.map((s) => s.totalMs)),
  };
}

async function comparePairs(
  label: string,
  engineRun: (work: Workload) => Promise<RunSample>,
  baselineRun: (work: Workload) => Promise<RunSample>,
): Promise<Comparison> {
  // Warm-up pair on a tenth of the workload, discarded.
  await engineRun(WARM_UP);
  await baselineRun(WARM_UP);
  const engineSamples: RunSample[] = [];
  const baselineSamples: RunSample[] = [];
  for (let pair = 0; pair < REPS; pair++) {
    // Alternate which goes first, so neither always inherits the other's garbage.
    if (pair % 2 === 0) {
      engineSamples.push(await engineRun(FULL));
      baselineSamples.push(await baselineRun(FULL));
    } else {
      baselineSamples.push(await baselineRun(FULL));
      engineSamples.push(await engineRun(FULL));
    }
    const e = engineSamples[pair]!;
    const b = baselineSamples[pair]!;
    console.error(
      `  ${label} pair ${pair + 1}/${REPS}: engine ${fmtRate(e.triggersPerSec)}/s` +
        ` (total ${fmtMs(e.totalMs)}), baseline ${fmtRate(b.triggersPerSec)}/s (total ${fmtMs(b.totalMs)})`,
    );
  }
  const notes: string[] = [];
  const notifyMax = Math.max(...engineSamples.concat(baselineSamples).map((s) => s.notifyMs));
  if (label === 'real' && notifyMax > REAL_PERIOD.maxMs - REAL_PERIOD.minMs) {
    notes.push(
      `the synchronous notify phase (up to ${fmtMs(notifyMax)}) outlasts max − min ` +
        `(${REAL_PERIOD.maxMs - REAL_PERIOD.minMs} ms): later changes of a burst find the ` +
        'deadline reached, so part of the triggers take the "leave the timer alone" path in both',
    );
  }
  return {
    engine: statsOf(engineSamples),
    baseline: statsOf(baselineSamples),
    triggersPerSecRatio: stat(
      engineSamples.map((e, i) => e.triggersPerSec / baselineSamples[i]!.triggersPerSec),
    ),
    totalTimeRatio: stat(engineSamples.map((e, i) => e.totalMs / baselineSamples[i]!.totalMs)),
    notes,
  };
}

// ─── memory ─────────────────────────────────────────────────────────────────

/** heapUsed after full GCs, letting pending finalizers and microtasks run in between. */
async function heapUsed(): Promise<number> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage().heapUsed;
}

interface MemorySample {
  /** Heap per task with no open buffer period. */
  readonly idleBytesPerTask: number;
  /** Heap the debounce state adds per task with an open buffer period. */
  readonly pendingBytesPerTask: number;
}

interface MemorySubject {
  readonly register: () => Promise<void>;
  readonly tickAll: () => void;
  readonly dispose: () => Promise<void>;
}

async function measureMemory(make: () => MemorySubject): Promise<MemorySample> {
  const samples: MemorySample[] = [];
  for (let rep = 0; rep < MEMORY_REPS; rep++) samples.push(await measureMemoryOnce(make));
  return {
    idleBytesPerTask: median(samples.map((s) => s.idleBytesPerTask)),
    pendingBytesPerTask: median(samples.map((s) => s.pendingBytesPerTask)),
  };
}

/**
 * One measurement in its own async frame: a suspended async function keeps
 * its locals alive, so a subject held by the caller's frame would still be on
 * the heap when the next measurement starts.
 */
async function measureMemoryOnce(make: () => MemorySubject): Promise<MemorySample> {
  const before = await heapUsed();
  const subject = make();
  await subject.register();
  const registered = await heapUsed();
  subject.tickAll();
  const ticked = await heapUsed();
  await subject.dispose();
  return {
    idleBytesPerTask: (registered - before) / TASKS,
    pendingBytesPerTask: (ticked - registered) / TASKS,
  };
}

function engineMemorySubject(clock: Clock | undefined): () => MemorySubject {
  return () => {
    const engine = createEngine({
      ...(clock === undefined ? {} : { clock }),
      eventPolicy: RECORD_NOTHING,
    });
    return {
      register: () => createTasks(engine, PROBE_PERIOD, TASKS),
      tickAll: () => engineNotify(engine, FULL.order, 0, TASKS, 0),
      dispose: () => engine.close(),
    };
  };
}

function clockBaselineMemorySubject(): MemorySubject {
  const debouncer = new ClockTimeoutDebouncer(new VirtualClock(), () => undefined);
  return {
    register: async () => {
      for (let i = 0; i < TASKS; i++) debouncer.register(ids[i]!, PROBE_PERIOD);
    },
    tickAll: () => clockBaselineNotify(debouncer, FULL.order, 0, TASKS, 0),
    dispose: async () => debouncer.clear(),
  };
}

function realBaselineMemorySubject(): MemorySubject {
  const debouncer = new RealTimeoutDebouncer(() => undefined);
  return {
    register: async () => {
      for (let i = 0; i < TASKS; i++) debouncer.register(ids[i]!, PROBE_PERIOD);
    },
    tickAll: () => realBaselineNotify(debouncer, FULL.order, 0, TASKS, 0),
    dispose: async () => debouncer.clear(),
  };
}

// ─── allocation per trigger ─────────────────────────────────────────────────

/**
 * Bytes allocated per trigger over a pass of TRIGGERS triggers on windows
 * already open (a first round of TASKS triggers opened them): heap growth plus
 * everything the GCs during the pass reclaimed (GCProfiler), so scavenged
 * garbage counts too. Virtual time does not move during the pass.
 */
async function allocationPerTrigger(make: () => MemorySubjectWithPass): Promise<number> {
  const subject = make();
  await subject.register();
  subject.pass(TASKS); // the first round opens every window
  await heapUsed();
  const profiler = new GCProfiler();
  const before = getHeapStatistics().used_heap_size;
  profiler.start();
  subject.pass(TRIGGERS);
  const after = getHeapStatistics().used_heap_size;
  const { statistics } = profiler.stop();
  let reclaimed = 0;
  for (const event of statistics) {
    reclaimed +=
      event.beforeGC.heapStatistics.usedHeapSize - event.afterGC.heapStatistics.usedHeapSize;
  }
  await subject.dispose();
  return (after - before + reclaimed) / TRIGGERS;
}

interface MemorySubjectWithPass {
  readonly register: () => Promise<void>;
  /** The first `count` triggers of the workload, synchronously (virtual time does not move). */
  readonly pass: (count: number) => void;
  readonly dispose: () => Promise<void>;
}

function engineAllocationSubject(clock: Clock | undefined): () => MemorySubjectWithPass {
  return () => {
    const engine = createEngine({
      ...(clock === undefined ? {} : { clock }),
      eventPolicy: RECORD_NOTHING,
    });
    return {
      register: () => createTasks(engine, PROBE_PERIOD, TASKS),
      pass: (count) => engineNotify(engine, FULL.order, 0, count, 0),
      dispose: () => engine.close(),
    };
  };
}

function clockBaselineAllocationSubject(): MemorySubjectWithPass {
  const debouncer = new ClockTimeoutDebouncer(new VirtualClock(), () => undefined);
  return {
    register: async () => {
      for (let i = 0; i < TASKS; i++) debouncer.register(ids[i]!, PROBE_PERIOD);
    },
    pass: (count) => clockBaselineNotify(debouncer, FULL.order, 0, count, 0),
    dispose: async () => debouncer.clear(),
  };
}

function realBaselineAllocationSubject(): MemorySubjectWithPass {
  const debouncer = new RealTimeoutDebouncer(() => undefined);
  return {
    register: async () => {
      for (let i = 0; i < TASKS; i++) debouncer.register(ids[i]!, PROBE_PERIOD);
    },
    pass: (count) => realBaselineNotify(debouncer, FULL.order, 0, count, 0),
    dispose: async () => debouncer.clear(),
  };
}

// ─── status summary cost ────────────────────────────────────────────────────

async function summaryCost(taskCount: number): Promise<Stat> {
  const engine = createEngine({ clock: new VirtualClock(), eventPolicy: RECORD_NOTHING });
  await createTasks(engine, PROBE_PERIOD, taskCount);
  let sink = 0;
  const perCall: number[] = [];
  for (let batch = 0; batch < SUMMARY_BATCHES; batch++) {
    const startedAt = process.hrtime.bigint();
    // Awaited per call: what a caller of the async front door pays, the microtask included.
    for (let call = 0; call < SUMMARY_CALLS_PER_BATCH; call++)
      sink += (await engine.summary()).health.unknown;
    perCall.push(Number(process.hrtime.bigint() - startedAt) / SUMMARY_CALLS_PER_BATCH);
  }
  if (sink !== taskCount * SUMMARY_BATCHES * SUMMARY_CALLS_PER_BATCH) {
    throw new Error(`summary() counted ${sink}, expected every task unknown`);
  }
  await engine.close();
  return stat(perCall.slice(1)); // the first batch is the warm-up
}

// ─── machine and output ─────────────────────────────────────────────────────

function machine(): Record<string, string | number> {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) cpuModel = line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux
  }
  let affinity = 'unknown';
  try {
    affinity = execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' })
      .trim()
      .replace(/^.*: /, '');
  } catch {
    // no taskset
  }
  return {
    cpuModel,
    /** Online CPUs of the machine (what `nproc` prints without an affinity mask). */
    cpus: os.cpus().length,
    /** CPUs this process may use (`nproc` under taskset). */
    availableParallelism: os.availableParallelism(),
    cpuAffinity: affinity,
    loadAverage1mAtStart: Number(os.loadavg()[0]?.toFixed(2)),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
  };
}

function fmtRate(perSec: number): string {
  return perSec >= 1e6 ? `${(perSec / 1e6).toFixed(2)} M` : `${(perSec / 1e3).toFixed(0)} k`;
}

function fmtMs(ms: number): string {
  return ms >= 1_000 ? `${(ms / 1_000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

function fmtRange(s: Stat, fmt: (n: number) => string): string {
  return `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row, index) => {
      const line = row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
      return index === 0 ? `${line}\n${widths.map((w) => '─'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

// ─── main ───────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const startedAt = performance.now();
  const host = machine();
  console.error(
    `taskport engine bench: ${TASKS} tasks, ${TRIGGERS} triggers, ${REPS} pairs + 1 warm-up pair at 1/10 size` +
      ` — ${host.cpuModel}, ${host.cpus} CPUs, affinity ${host.cpuAffinity}, load ${host.loadAverage1mAtStart}, node ${host.node}`,
  );

  console.error('throughput, virtual clock…');
  const virtual = await comparePairs('virtual', engineVirtualRun, baselineVirtualRun);
  console.error('throughput, real timers…');
  const real = await comparePairs('real', engineRealRun, baselineRealRun);

  console.error('memory…');
  const memory = {
    engineVirtual: await measureMemory(engineMemorySubject(new VirtualClock())),
    engineReal: await measureMemory(engineMemorySubject(undefined)),
    baselineVirtual: await measureMemory(clockBaselineMemorySubject),
    baselineReal: await measureMemory(realBaselineMemorySubject),
  };

  console.error('allocation per trigger…');
  const allocation = {
    engineVirtual: await allocationPerTrigger(engineAllocationSubject(new VirtualClock())),
    engineReal: await allocationPerTrigger(engineAllocationSubject(undefined)),
    baselineVirtual: await allocationPerTrigger(clockBaselineAllocationSubject),
    baselineReal: await allocationPerTrigger(realBaselineAllocationSubject),
  };

  console.error('status summary…');
  const summary: Record<string, Stat> = {};
  for (const size of SUMMARY_SIZES) summary[String(size)] = await summaryCost(size);
  const summaryMedians = SUMMARY_SIZES.map((size) => summary[String(size)]!.median);
  const summaryFlatness = Math.max(...summaryMedians) / Math.min(...summaryMedians);

  const targets = [
    {
      target: `triggers/s ≥ 2.5× baseline at ${TASKS} tasks (virtual clock)`,
      measured: `${virtual.triggersPerSecRatio.median.toFixed(2)}×`,
      met: virtual.triggersPerSecRatio.median >= 2.5,
    },
    {
      target: `triggers/s ≥ 2.5× baseline at ${TASKS} tasks (real timers)`,
      measured: `${real.triggersPerSecRatio.median.toFixed(2)}×`,
      met: real.triggersPerSecRatio.median >= 2.5,
    },
    {
      target: '≤ 200 B of debounce state per pending task',
      measured: `${memory.engineVirtual.pendingBytesPerTask.toFixed(0)} B (virtual), ${memory.engineReal.pendingBytesPerTask.toFixed(0)} B (real)`,
      met:
        Math.max(memory.engineVirtual.pendingBytesPerTask, memory.engineReal.pendingBytesPerTask) <=
        200,
    },
    {
      target: '~0 B allocated per trigger on open windows (< 1 B)',
      measured: `${allocation.engineVirtual.toFixed(1)} B (virtual), ${allocation.engineReal.toFixed(1)} B (real)`,
      met: Math.max(allocation.engineVirtual, allocation.engineReal) < 1,
    },
    {
      target: 'engine.summary() flat from 10 to 100 000 tasks (max/min median ≤ 1.5)',
      measured: `${summaryFlatness.toFixed(2)}×`,
      met: summaryFlatness <= 1.5,
    },
  ];

  const n = (value: number): string => value.toFixed(0);
  const sideBySide = (title: string, c: Comparison): string[][] => [
    [
      `${title}: triggers/s`,
      fmtRange(c.engine.triggersPerSec, fmtRate),
      fmtRange(c.baseline.triggersPerSec, fmtRate),
      fmtRange(c.triggersPerSecRatio, (r) => `${r.toFixed(2)}×`),
    ],
    [
      `${title}: fire phase`,
      fmtRange(c.engine.fireMs, fmtMs),
      fmtRange(c.baseline.fireMs, fmtMs),
      '',
    ],
    [
      `${title}: total`,
      fmtRange(c.engine.totalMs, fmtMs),
      fmtRange(c.baseline.totalMs, fmtMs),
      fmtRange(c.totalTimeRatio, (r) => `${r.toFixed(2)}×`),
    ],
  ];
  const rows: string[][] = [
    ['measure (median, min–max)', 'engine', 'baseline', 'engine/baseline'],
    ...sideBySide('virtual clock', virtual),
    ...sideBySide(`real timers ${REAL_PERIOD.minMs}/${REAL_PERIOD.maxMs} ms`, real),
    [
      'heap per idle task (virtual / real)',
      `${n(memory.engineVirtual.idleBytesPerTask)} / ${n(memory.engineReal.idleBytesPerTask)} B`,
      `${n(memory.baselineVirtual.idleBytesPerTask)} / ${n(memory.baselineReal.idleBytesPerTask)} B`,
      '',
    ],
    [
      'debounce state per pending task (virtual / real)',
      `${n(memory.engineVirtual.pendingBytesPerTask)} / ${n(memory.engineReal.pendingBytesPerTask)} B`,
      `${n(memory.baselineVirtual.pendingBytesPerTask)} / ${n(memory.baselineReal.pendingBytesPerTask)} B`,
      '',
    ],
    [
      'allocated per trigger, 2nd pass (virtual / real)',
      `${allocation.engineVirtual.toFixed(1)} / ${allocation.engineReal.toFixed(1)} B`,
      `${allocation.baselineVirtual.toFixed(1)} / ${allocation.baselineReal.toFixed(1)} B`,
      '',
    ],
    ...SUMMARY_SIZES.map((size) => [
      `engine.summary() at ${size} tasks`,
      fmtRange(summary[String(size)]!, (ns) => `${ns.toFixed(0)} ns`),
      '',
      '',
    ]),
  ];
  console.log();
  console.log(table(rows));
  for (const note of [...virtual.notes, ...real.notes]) console.log(`note: ${note}`);
  console.log();
  console.log(
    table([
      ['target', 'measured', 'met'],
      ...targets.map((t) => [t.target, t.measured, t.met ? 'yes' : 'NO']),
    ]),
  );

  const elapsedMs = performance.now() - startedAt;
  console.log(`\nfinished in ${fmtMs(elapsedMs)}`);
  if (QUICK) return;
  const date = new Date().toISOString().slice(0, 10);
  const directory = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `engine-${date}.json`);
  const results = {
    date,
    machine: { ...host, loadAverage1mAtEnd: Number(os.loadavg()[0]?.toFixed(2)) },
    config: {
      tasks: TASKS,
      triggers: TRIGGERS,
      changesPerTask: ROUNDS,
      order: `${ROUNDS} rounds, each a mulberry32(${SEED}) permutation of the tasks`,
      pairs: REPS,
      warmUp: `1 pair at ${WARM_UP.tasks} tasks / ${WARM_UP.triggers} triggers`,
      virtualPeriod: VIRTUAL_PERIOD,
      virtualTimeStep: `1 ms per ${CHUNK} triggers`,
      realPeriod: REAL_PERIOD,
      probePeriod: PROBE_PERIOD,
      engine:
        'createEngine with the default NOOP executor, default ids, eventPolicy recording nothing',
    },
    throughput: { virtual, real },
    memory,
    allocationBytesPerTrigger: allocation,
    summaryNsPerCall: summary,
    targets,
    elapsedMs,
  };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

await main();
