/**
 * Soak: 1 000 000 mixed CTS requests against one fake, with the fake's RSS
 * and heap (after a forced GC) sampled at the start, every 10 % and the end,
 * to show that memory stops growing once the bounded data (the journal) is
 * full, and that deleted tasks leave nothing behind.
 *
 *   node --expose-gc --import tsx bench/soak/soak.bench.ts
 *   BENCH_QUICK=1 node --expose-gc --import tsx bench/soak/soak.bench.ts   # 20 000 requests, nothing written
 *   BENCH_SOAK_REQUESTS=200000 …                                             # another total
 *
 * The fake (`startFakeServer()`, every dialect, real clock) runs in a child
 * process on core 0; autocannon drives it from this process on core 1.
 * Writes bench/results/soak-<YYYY-MM-DD>.json. See bench/soak/README.md.
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCH_DIR, machine, pinSelf, round, today } from '../http/harness.ts';
import { type AutocannonInstance, type AutocannonRequest, autocannon } from './autocannon.ts';
import { type SoakServer, startSoakServer } from './soak-server.ts';

// ─── configuration ──────────────────────────────────────────────────────────

const QUICK = process.env.BENCH_QUICK === '1';
/** Connections autocannon keeps open; each runs the cycle, one request in flight. */
const CONNECTIONS = Number(process.env.BENCH_SOAK_CONNECTIONS ?? 8);
/** Samples after every 1/SEGMENTS of the requests (10 % steps). */
const SEGMENTS = 10;
/** Requests per cycle: create, trigger, task status, overall status, delete. */
const CYCLE = 5;
/** Each segment must be whole cycles on every connection, so no task is left half-way. */
const GRAIN = SEGMENTS * CONNECTIONS * CYCLE;
const REQUESTED = Number(process.env.BENCH_SOAK_REQUESTS ?? (QUICK ? 20_000 : 1_000_000));
const TOTAL = Math.max(GRAIN, Math.ceil(REQUESTED / GRAIN) * GRAIN);
const PER_SEGMENT = TOTAL / SEGMENTS;
/** Tasks that live through the whole soak (the data the fake holds besides the journal). */
const BASELINE_TASKS = Number(process.env.BENCH_SOAK_BASELINE ?? 100);
/** The soak tasks watch one of this many services, so the catalog stays a fixed size. */
const SOAK_SERVICES = 64;
/** The fake's default journal limit (src/testing/fake-app.ts). */
const JOURNAL_LIMIT = 10_000;
/**
 * The whole run is aborted after this long: 15 minutes, or 2 ms per request
 * if that is longer (the mix runs at ~0.7 ms of server CPU per request, so a
 * shared core can halve the rate; 1 000 000 requests get 33 minutes).
 */
const DEADLINE_MS = Number(process.env.BENCH_SOAK_DEADLINE_MS ?? Math.max(15 * 60_000, 2 * TOTAL));
/** BENCH_SOAK_SNAPSHOTS=<dir>: heap snapshots of the fake at the middle and the end. */
const SNAPSHOT_DIR = process.env.BENCH_SOAK_SNAPSHOTS;
/** Extra node flags for the server child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/soak-prof`. */
const CHILD_ARGS = (process.env.BENCH_SOAK_CHILD_ARGS ?? '').split(' ').filter((arg) => arg !== '');
const MIB = 2 ** 20;
/**
 * Verdict tolerances, end against middle. Heap after a full GC is what the
 * fake retains, so it gets the tight one: 2 MiB is ~21 B per task created and
 * deleted in the second half of a 1 000 000-request soak (100 000 cycles), so
 * one leaked object per deleted task would exceed it. RSS also holds freed
 * pages the allocator has not returned, young-generation semispaces that
 * resize with the load, and JIT code, so it gets 10 % or 16 MiB.
 */
const HEAP_TOLERANCE = { bytes: 2 * MIB, fraction: 0.05 };
const RSS_TOLERANCE = { bytes: 16 * MIB, fraction: 0.1 };

// ─── the fake in a child process ────────────────────────────────────────────

/** VmRSS and VmHWM (peak RSS) of a process, bytes, from /proc/<pid>/status. */
function procMemory(pid: number): { rssBytes: number; peakRssBytes: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string): number =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
  } catch {
    return undefined;
  }
}

// ─── HTTP helpers for the set-up ────────────────────────────────────────────

async function call(
  base: string,
  method: string,
  path: string,
  expected: number,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected)
    throw new Error(`${method} ${path}: ${response.status} (expected ${expected}): ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

/** A CTS task on one service, buffer period off, so a catalog change runs it at once. */
function taskBody(name: string, service: string): Record<string, unknown> {
  return {
    name,
    module: 'org/soak/local',
    condition: { services: { names: [service] } },
    buffer_period: { enabled: false },
  };
}

// ─── the cycle ──────────────────────────────────────────────────────────────

const JSON_HEADERS = { 'content-type': 'application/json' };

interface Tally {
  /** Requests answered, all segments. */
  responses: number;
  /** Cycles whose status read showed the triggered run's event (status successful, 1 event). */
  runsSeen: number;
  /** Cycles whose status read came before the run had recorded its event. */
  runsNotYetSeen: number;
  /** Answers with another status than the step expects (the run aborts on the first). */
  unexpectedCount: number;
  /** The first of them. */
  unexpected: { step: string; status: number; expected: number; body: string }[];
  lastResponseAt: number;
}

const tally: Tally = {
  responses: 0,
  runsSeen: 0,
  runsNotYetSeen: 0,
  unexpectedCount: 0,
  unexpected: [],
  lastResponseAt: 0,
};
let nextSeq = 0;
let current: AutocannonInstance | undefined;

function expect(step: string, expected: number): AutocannonRequest['onResponse'] {
  return (status, body) => {
    tally.responses++;
    tally.lastResponseAt = performance.now();
    if (status === expected) return;
    tally.unexpectedCount++;
    if (tally.unexpected.length < 3)
      tally.unexpected.push({ step, status, expected, body: body.trim().slice(0, 300) });
    current?.stop();
  };
}

/**
 * The cycle each connection repeats. Context is fresh at every cycle start
 * (autocannon clones `initialContext`), so step 1 allocates the cycle's task.
 */
function cycle(): AutocannonRequest[] {
  const created = expect('POST /v1/tasks', 201);
  const taskStatus = expect('GET /v1/status/tasks/:name', 200);
  return [
    {
      method: 'POST',
      path: '/v1/tasks',
      headers: JSON_HEADERS,
      setupRequest(request, context) {
        const seq = nextSeq++;
        context.name = `soak-${seq}`;
        context.service = `soak-svc-${seq % SOAK_SERVICES}`;
        context.seq = seq;
        return {
          ...request,
          body: JSON.stringify({
            task: taskBody(context.name as string, context.service as string),
          }),
        };
      },
      onResponse: created,
    },
    {
      // The trigger: the watched service changes in the simulated Consul
      // catalog (re-registered with new metadata), as CTS tasks are triggered.
      method: 'POST',
      path: '/_taskport/cts/services',
      headers: JSON_HEADERS,
      setupRequest: (request, context) => ({
        ...request,
        body: JSON.stringify({
          name: context.service,
          id: context.service,
          meta: { cycle: String(context.seq) },
        }),
      }),
      onResponse: expect('POST /_taskport/cts/services', 201),
    },
    {
      method: 'GET',
      setupRequest: (request, context) => ({
        ...request,
        path: `/v1/status/tasks/${context.name as string}?include=events`,
      }),
      onResponse(status, body, context, headers) {
        taskStatus?.(status, body, context, headers);
        if (status !== 200) return;
        const entry = (
          JSON.parse(body) as Record<string, { status: string; events?: unknown[] } | undefined>
        )[context.name as string];
        if (entry?.status === 'successful' && entry.events?.length === 1) tally.runsSeen++;
        else tally.runsNotYetSeen++;
      },
    },
    { method: 'GET', path: '/v1/status', onResponse: expect('GET /v1/status', 200) },
    {
      method: 'DELETE',
      setupRequest: (request, context) => ({
        ...request,
        path: `/v1/tasks/${context.name as string}`,
      }),
      onResponse: expect('DELETE /v1/tasks/:name', 202),
    },
  ];
}

// ─── samples ────────────────────────────────────────────────────────────────

interface Sample {
  readonly label: string;
  /** Requests sent before this sample. */
  readonly requests: number;
  readonly atS: number;
  /** VmRSS of the server from /proc, after the forced GC. */
  readonly rssBytes: number;
  readonly peakRssBytes: number;
  readonly heapUsedAfterGcBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  readonly heapSpaces: Record<string, number>;
  readonly journalEntries: number;
  readonly tasks: number;
  readonly tasksOverHttp: number;
  readonly soakTasksLeft: number;
  readonly tasksBeingDeleted: number;
  readonly executionsKept: number;
  readonly activeExecutions: number;
  readonly catalogServices: number;
  readonly statusSummary: unknown;
  readonly cpuMicros: number;
}

async function takeSample(
  server: SoakServer,
  label: string,
  requests: number,
  startedAt: number,
): Promise<Sample> {
  const listed = (await call(server.url, 'GET', '/v1/tasks', 200)) as {
    tasks: { name: string }[];
  };
  const child = await server.sample();
  const proc = procMemory(server.pid);
  return {
    label,
    requests,
    atS: round((performance.now() - startedAt) / 1000, 4),
    rssBytes: proc?.rssBytes ?? child.rssBytes,
    peakRssBytes: proc?.peakRssBytes ?? Number.NaN,
    heapUsedAfterGcBytes: child.heapUsedBytes,
    heapTotalBytes: child.heapTotalBytes,
    externalBytes: child.externalBytes,
    heapSpaces: child.heapSpaces,
    journalEntries: child.journalEntries,
    tasks: child.tasks,
    tasksOverHttp: listed.tasks.length,
    soakTasksLeft: listed.tasks.filter((task) => task.name.startsWith('soak-')).length,
    tasksBeingDeleted: child.tasksBeingDeleted,
    executionsKept: child.executionsKept,
    activeExecutions: child.activeExecutions,
    catalogServices: child.catalogServices,
    statusSummary: child.statusSummary,
    cpuMicros: child.cpuUserMicros + child.cpuSystemMicros,
  };
}

const mib = (bytes: number): string => (bytes / MIB).toFixed(1);
const signedMib = (bytes: number): string => `${bytes >= 0 ? '+' : ''}${mib(bytes)}`;

function printSample(sample: Sample): void {
  console.log(
    [
      sample.label.padEnd(6),
      String(sample.requests).padStart(9),
      `${sample.atS.toFixed(1)} s`.padStart(8),
      `${mib(sample.rssBytes)} MiB`.padStart(11),
      `${mib(sample.heapUsedAfterGcBytes)} MiB`.padStart(11),
      String(sample.journalEntries).padStart(8),
      String(sample.tasks).padStart(6),
      String(sample.executionsKept).padStart(6),
      String(sample.catalogServices).padStart(6),
    ].join('  '),
  );
}

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

// ─── main ───────────────────────────────────────────────────────────────────

async function seed(server: SoakServer): Promise<void> {
  // The services first, so the seeded runs (run=now) apply one instance each
  // and the catalog holds its full size from the start.
  for (let i = 0; i < BASELINE_TASKS; i++)
    await call(server.url, 'POST', '/_taskport/cts/services', 201, {
      name: `base-svc-${i}`,
      port: 8000 + i,
    });
  for (let i = 0; i < SOAK_SERVICES; i++)
    await call(server.url, 'POST', '/_taskport/cts/services', 201, {
      name: `soak-svc-${i}`,
      id: `soak-svc-${i}`,
    });
  const tasks = Array.from({ length: BASELINE_TASKS }, (_, i) =>
    taskBody(`base-${i}`, `base-svc-${i}`),
  );
  const seeded = (await call(server.url, 'POST', '/_taskport/seed', 200, {
    cts: { tasks, run: 'now' },
  })) as { failures: unknown[] };
  if (seeded.failures.length > 0)
    throw new Error(`seeding refused tasks: ${JSON.stringify(seeded.failures)}`);
}

async function runSegment(server: SoakServer, segment: number): Promise<void> {
  const instance = autocannon({
    url: server.url,
    connections: CONNECTIONS,
    amount: PER_SEGMENT,
    pipelining: 1,
    timeout: 10,
    bailout: 1,
    sampleInt: 100,
    requests: cycle(),
  });
  current = instance;
  const result = await instance;
  current = undefined;
  const problems: string[] = [];
  if (tally.unexpected.length > 0)
    problems.push(
      `${tally.unexpectedCount} unexpected answers, the first: ${tally.unexpected.map((u) => `${u.step} → ${u.status} (expected ${u.expected}): ${u.body}`).join('; ')}`,
    );
  if (result.errors > 0 || result.timeouts > 0)
    problems.push(`${result.errors} connection errors, ${result.timeouts} of them timeouts`);
  if (result.mismatches > 0) problems.push(`${result.mismatches} body mismatches`);
  if (result.resets > 0) problems.push(`${result.resets} cycles restarted`);
  const expectedResponses = PER_SEGMENT * segment;
  if (problems.length === 0 && tally.responses !== expectedResponses)
    problems.push(
      `${tally.responses} responses after segment ${segment}, expected ${expectedResponses}`,
    );
  if (problems.length > 0)
    throw new Error(`segment ${segment} of ${SEGMENTS} failed: ${problems.join(' | ')}`);
}

async function main(): Promise<void> {
  const benchStart = performance.now();
  const pinnedSelf = pinSelf();
  const machineInfo = machine();
  console.log(
    `soak: ${TOTAL.toLocaleString('en')} requests${TOTAL !== REQUESTED ? ` (${REQUESTED} rounded up to whole cycles on every connection)` : ''}, ` +
      `${CONNECTIONS} connections, ${SEGMENTS} segments, ${BASELINE_TASKS} baseline tasks` +
      `${pinnedSelf ? ', server on core 0, autocannon on core 1' : ', not pinned'}${QUICK ? ' (quick: nothing written)' : ''}`,
  );
  const server = await startSoakServer(CHILD_ARGS);
  const deadline = setTimeout(() => {
    console.error(`soak: aborted after ${DEADLINE_MS / 1000} s (BENCH_SOAK_DEADLINE_MS)`);
    current?.stop();
    server.child.kill('SIGKILL');
    process.exit(2);
  }, DEADLINE_MS);
  deadline.unref();
  try {
    await seed(server);
    const samples: Sample[] = [];
    const header = [
      'sample',
      ' requests',
      '    time',
      '        RSS',
      ' heap (GC)',
      ' journal',
      ' tasks',
      ' execs',
      ' svcs',
    ].join('  ');
    console.log(header);
    const start = await takeSample(server, 'start', 0, benchStart);
    samples.push(start);
    printSample(start);

    const clientCpuStart = process.cpuUsage();
    let loadMs = 0;
    for (let segment = 1; segment <= SEGMENTS; segment++) {
      const segmentStart = performance.now();
      await runSegment(server, segment);
      loadMs += tally.lastResponseAt - segmentStart;
      const label =
        segment === SEGMENTS ? 'end' : segment === SEGMENTS / 2 ? 'middle' : `${segment * 10}%`;
      const sample = await takeSample(server, label, PER_SEGMENT * segment, benchStart);
      samples.push(sample);
      printSample(sample);
      if (SNAPSHOT_DIR !== undefined && (label === 'middle' || label === 'end')) {
        mkdirSync(SNAPSHOT_DIR, { recursive: true });
        const path = await server.snapshot(join(SNAPSHOT_DIR, `soak-${label}.heapsnapshot`));
        console.log(`        heap snapshot: ${path}`);
      }
    }
    const clientCpu = process.cpuUsage(clientCpuStart);
    const probe = await server.journalProbe();
    const endPeak = procMemory(server.pid)?.peakRssBytes ?? Number.NaN;

    // ── checks and verdict ──
    const middle = samples.find((s) => s.label === 'middle') as Sample;
    const end = samples.at(-1) as Sample;
    const afterStart = samples.slice(1);
    const stateProblems: string[] = [];
    for (const s of afterStart) {
      if (s.tasks !== BASELINE_TASKS || s.tasksOverHttp !== BASELINE_TASKS || s.soakTasksLeft > 0)
        stateProblems.push(
          `${s.label}: ${s.tasks} tasks in the engine, ${s.tasksOverHttp} listed, ${s.soakTasksLeft} soak tasks left (expected ${BASELINE_TASKS}, 0)`,
        );
      if (s.executionsKept !== start.executionsKept)
        stateProblems.push(
          `${s.label}: ${s.executionsKept} executions kept (start: ${start.executionsKept})`,
        );
      if (s.catalogServices !== start.catalogServices)
        stateProblems.push(`${s.label}: ${s.catalogServices} catalog services`);
    }
    const heapGrowth = end.heapUsedAfterGcBytes - middle.heapUsedAfterGcBytes;
    const rssGrowth = end.rssBytes - middle.rssBytes;
    const heapAllowed = Math.max(
      HEAP_TOLERANCE.bytes,
      HEAP_TOLERANCE.fraction * middle.heapUsedAfterGcBytes,
    );
    const rssAllowed = Math.max(RSS_TOLERANCE.bytes, RSS_TOLERANCE.fraction * middle.rssBytes);
    const secondHalf = samples.filter((s) => s.requests >= middle.requests);
    const heapSlope = slope(secondHalf.map((s) => [s.requests, s.heapUsedAfterGcBytes]));
    const cyclesSecondHalf = (end.requests - middle.requests) / CYCLE;
    const journalBytes = probe.heapWithJournalBytes - probe.heapWithoutJournalBytes;
    const journalBytesPerEntry = probe.entries > 0 ? journalBytes / probe.entries : Number.NaN;
    const heapOk = heapGrowth <= heapAllowed;
    const rssOk = rssGrowth <= rssAllowed;
    const pass = heapOk && rssOk && stateProblems.length === 0;
    const requestsPerSecond = TOTAL / (loadMs / 1000);
    const serverCpuPerRequest = (end.cpuMicros - start.cpuMicros) / TOTAL;
    const cycles = TOTAL / CYCLE;

    console.log('');
    console.log(
      `load: ${TOTAL.toLocaleString('en')} requests (${cycles.toLocaleString('en')} cycles) in ${(loadMs / 1000).toFixed(1)} s of load: ` +
        `${Math.round(requestsPerSecond).toLocaleString('en')} req/s; server CPU ${serverCpuPerRequest.toFixed(0)} µs/request; ` +
        `autocannon CPU ${((clientCpu.user + clientCpu.system) / TOTAL).toFixed(0)} µs/request`,
    );
    console.log(
      `unexpected statuses: ${tally.unexpectedCount}; triggered runs seen by the status read: ${tally.runsSeen.toLocaleString('en')} of ${cycles.toLocaleString('en')}` +
        (tally.runsNotYetSeen > 0 ? ` (${tally.runsNotYetSeen} read before the event)` : ''),
    );
    console.log(
      `journal: ${probe.entries} entries held ${mib(journalBytes)} MiB of heap (${Math.round(journalBytesPerEntry)} B/entry); ` +
        `start → middle heap ${signedMib(middle.heapUsedAfterGcBytes - start.heapUsedAfterGcBytes)} MiB, ` +
        `of which the journal filling from ${start.journalEntries} to ${middle.journalEntries} entries ≈ ${signedMib((middle.journalEntries - start.journalEntries) * journalBytesPerEntry)} MiB`,
    );
    const codeGrowth = (middle.heapSpaces.code_space ?? 0) - (start.heapSpaces.code_space ?? 0);
    console.log(
      `        the rest: JIT code (code space ${signedMib(codeGrowth)} MiB), lazily built caches, Map and array capacity`,
    );
    console.log(
      `middle → end: heap ${signedMib(heapGrowth)} MiB (allowed ${mib(heapAllowed)} = ${Math.round(heapAllowed / cyclesSecondHalf)} B per task deleted in the second half: ${heapOk ? 'ok' : 'GROWS'}), ` +
        `RSS ${signedMib(rssGrowth)} MiB (allowed ${mib(rssAllowed)}: ${rssOk ? 'ok' : 'GROWS'}); ` +
        `heap slope over the second half ${(heapSlope * 1000).toFixed(1)} B per 1 000 requests ` +
        `(${(heapGrowth / cyclesSecondHalf).toFixed(2)} B per deleted task); peak RSS ${mib(endPeak)} MiB`,
    );
    for (const problem of stateProblems) console.log(`state: ${problem}`);
    console.log(
      `verdict: ${pass ? 'PASS' : 'FAIL'}: ${pass ? 'no growth beyond the data held' : 'see above'}`,
    );

    if (!QUICK) {
      const path = join(BENCH_DIR, 'results', `soak-${today()}.json`);
      mkdirSync(dirname(path), { recursive: true });
      const results = {
        date: today(),
        machine: { ...machineInfo, loadAverageAtEnd: loadavg() },
        config: {
          requests: TOTAL,
          connections: CONNECTIONS,
          pipelining: 1,
          segments: SEGMENTS,
          cycle: [
            'POST /v1/tasks (new name; services condition on soak-svc-<n % 64>, buffer_period disabled)',
            'POST /_taskport/cts/services (the watched service re-registered with new meta: a catalog change that runs the task)',
            'GET /v1/status/tasks/:name?include=events',
            'GET /v1/status',
            'DELETE /v1/tasks/:name',
          ],
          baselineTasks: BASELINE_TASKS,
          catalogServices: BASELINE_TASKS + SOAK_SERVICES,
          journalLimit: JOURNAL_LIMIT,
          server: 'startFakeServer(), every dialect, real clock, node --expose-gc, child process',
          loadGenerator: 'autocannon@9 in the bench process',
          tolerances: { heap: HEAP_TOLERANCE, rss: RSS_TOLERANCE },
        },
        load: {
          seconds: round(loadMs / 1000, 4),
          requestsPerSecond: round(requestsPerSecond, 4),
          serverCpuMicrosPerRequest: round(serverCpuPerRequest, 4),
          clientCpuMicrosPerRequest: round((clientCpu.user + clientCpu.system) / TOTAL, 4),
          unexpectedStatuses: tally.unexpectedCount,
          runsSeenByStatusRead: tally.runsSeen,
          runsNotYetSeenByStatusRead: tally.runsNotYetSeen,
        },
        samples,
        journalProbe: {
          ...probe,
          bytes: journalBytes,
          bytesPerEntry: round(journalBytesPerEntry, 4),
        },
        verdict: {
          pass,
          heapGrowthMiddleToEndBytes: heapGrowth,
          heapAllowedBytes: Math.round(heapAllowed),
          rssGrowthMiddleToEndBytes: rssGrowth,
          rssAllowedBytes: Math.round(rssAllowed),
          heapSlopeBytesPerRequestSecondHalf: round(heapSlope, 4),
          heapGrowthBytesPerDeletedTaskSecondHalf: round(heapGrowth / cyclesSecondHalf, 4),
          startToMiddleHeapGrowthBytes: middle.heapUsedAfterGcBytes - start.heapUsedAfterGcBytes,
          startToMiddleJournalBytesEstimate: Math.round(
            (middle.journalEntries - start.journalEntries) * journalBytesPerEntry,
          ),
          peakRssBytes: endPeak,
          stateProblems,
        },
        elapsedMs: round(performance.now() - benchStart, 4),
      };
      writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
      console.log(`wrote ${path}`);
    }
    if (!pass) process.exitCode = 1;
  } finally {
    clearTimeout(deadline);
    await server.close();
  }
}

main().catch((error: unknown) => {
  current?.stop();
  console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
