/**
 * Hostile soak: oversized and malformed bodies among normal traffic, against
 * one fake (every dialect, real clock), with the fake's RSS and heap after a
 * forced GC sampled once the journal has filled its byte budget ("before")
 * and at the end ("after"). Refused bodies must leave nothing behind: RSS
 * flat within 10 % (issue #14; the journal used to keep each refused body
 * whole, 4 GB after 4 000 of 1 MB).
 *
 *   node --expose-gc --import tsx bench/soak/hostile.bench.ts
 *   BENCH_QUICK=1 node --expose-gc --import tsx bench/soak/hostile.bench.ts   # 3 000 requests, nothing written
 *   BENCH_HOSTILE_CYCLES=5000 …                                               # another length
 *
 * The fake runs in a child process on core 0 (soak-server.ts); autocannon
 * drives it from this process on core 1, every request to 127.0.0.1.
 * Writes the `hostile` section of bench/results/http-<YYYY-MM-DD>.json.
 */

import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { machine, pinSelf, round, writeResults } from '../http/harness.ts';
import { type AutocannonRequest, autocannon } from './autocannon.ts';
import type { ChildSample } from './soak-child.ts';
import { startSoakServer } from './soak-server.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const CONNECTIONS = 4;
/** Cycles (of {@link STEPS}) per connection, after the warm-up. */
const CYCLES = Number(process.env.BENCH_HOSTILE_CYCLES ?? (QUICK ? 50 : 1_000));
/** Warm-up cycles per connection: enough to fill the journal's 16 MiB budget with cut bodies. */
const WARMUP_CYCLES = QUICK ? 25 : 100;
const MIB = 2 ** 20;
/** The verdict: RSS at the end within this fraction of RSS after the warm-up. */
const RSS_TOLERANCE = 0.1;
const ONA = '/api/gitpod.v1.EnvironmentAutomationService';

const JSON_HEADERS = { 'content-type': 'application/json' };
const ONA_HEADERS = { ...JSON_HEADERS, authorization: 'Bearer hostile' };

/** A JSON object of about `bytes` that no dialect accepts (a string where an object goes). */
const padded = (key: string, bytes: number): string => `{"${key}":"${'x'.repeat(bytes)}"}`;
const deep = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

interface Step {
  readonly name: string;
  readonly request: AutocannonRequest;
  /** The statuses the fake documents for it. */
  readonly expected: readonly number[];
  readonly hostile: boolean;
}

/** One cycle: normal requests with oversized, deep and mislabelled ones between them. */
const STEPS: readonly Step[] = [
  {
    name: 'GET /v1/tasks',
    request: { method: 'GET', path: '/v1/tasks' },
    expected: [200],
    hostile: false,
  },
  {
    name: 'POST /v1/tasks, 900 KB (under the 1 MiB limit)',
    request: {
      method: 'POST',
      path: '/v1/tasks',
      headers: JSON_HEADERS,
      body: padded('task', 900_000),
    },
    expected: [400],
    hostile: true,
  },
  {
    name: 'GET /v1/status',
    request: { method: 'GET', path: '/v1/status' },
    expected: [200],
    hostile: false,
  },
  {
    name: 'POST Ona CreateTask, 3.9 MB (under the 4 MiB limit)',
    request: {
      method: 'POST',
      path: `${ONA}/CreateTask`,
      headers: ONA_HEADERS,
      body: padded('metadata', 3_900_000),
    },
    expected: [400],
    hostile: true,
  },
  {
    name: 'POST Ona ListTasks',
    request: { method: 'POST', path: `${ONA}/ListTasks`, headers: ONA_HEADERS, body: '{}' },
    expected: [200],
    hostile: false,
  },
  {
    name: 'POST /v1/tasks, 2 MiB (over the limit)',
    request: {
      method: 'POST',
      path: '/v1/tasks',
      headers: JSON_HEADERS,
      body: padded('task', 2 * MIB),
    },
    expected: [400],
    hostile: true,
  },
  {
    name: 'POST Ona CreateTask, nested 100 000 deep',
    request: {
      method: 'POST',
      path: `${ONA}/CreateTask`,
      headers: ONA_HEADERS,
      body: deep(100_000),
    },
    expected: [400],
    hostile: true,
  },
  {
    name: 'POST /_taskport/seed as text/plain',
    request: {
      method: 'POST',
      path: '/_taskport/seed',
      headers: { 'content-type': 'text/plain' },
      body: '{"cts":{}}',
    },
    expected: [415],
    hostile: true,
  },
  {
    name: 'PATCH tfc task, bytes, no token',
    request: {
      method: 'PATCH',
      path: '/api/v2/tasks/task-x',
      headers: { 'content-type': 'application/vnd.api+json' },
      body: Buffer.from(Array.from({ length: 4_096 }, (_, i) => (i * 7919) % 256)),
    },
    expected: [401],
    hostile: true,
  },
  {
    name: 'GET /api/v2/ping',
    request: { method: 'GET', path: '/api/v2/ping' },
    expected: [204],
    hostile: false,
  },
];

interface Tally {
  responses: number;
  unexpected: string[];
}

async function drive(url: string, cycles: number, tally: Tally): Promise<number> {
  const started = performance.now();
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    amount: cycles * CONNECTIONS * STEPS.length,
    pipelining: 1,
    timeout: 30,
    bailout: 1,
    sampleInt: 100,
    requests: STEPS.map((step) => ({
      ...step.request,
      onResponse: (status, body) => {
        tally.responses++;
        if (!step.expected.includes(status) && tally.unexpected.length < 5) {
          tally.unexpected.push(`${step.name} → ${status}: ${body.slice(0, 200)}`);
        }
      },
    })),
  });
  if (result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${result.errors} connection errors, ${result.timeouts} of them timeouts`);
  }
  return performance.now() - started;
}

function memoryOf(sample: ChildSample) {
  return {
    rssMiB: round(sample.rssBytes / MIB, 1),
    heapUsedMiB: round(sample.heapUsedBytes / MIB, 1),
    journalEntries: sample.journalEntries,
  };
}

async function main(): Promise<void> {
  if (!pinSelf()) console.warn('note: taskset not found; client and server share the cores');
  const server = await startSoakServer();
  try {
    const tally: Tally = { responses: 0, unexpected: [] };
    const start = await server.sample();
    const warmupMs = await drive(server.url, WARMUP_CYCLES, tally);
    const before = await server.sample();
    const runMs = await drive(server.url, CYCLES, tally);
    const after = await server.sample();
    const rssGrowth = (after.rssBytes - before.rssBytes) / before.rssBytes;
    const hostilePerCycle = STEPS.filter((step) => step.hostile).length;
    const bodyBytesPerCycle = STEPS.reduce(
      (sum, step) => sum + (step.request.body?.length ?? 0),
      0,
    );
    const section = {
      machine: machine(),
      loadavg: loadavg(),
      connections: CONNECTIONS,
      warmupCycles: WARMUP_CYCLES * CONNECTIONS,
      cycles: CYCLES * CONNECTIONS,
      steps: STEPS.map((step) => ({
        name: step.name,
        expected: step.expected,
        hostile: step.hostile,
      })),
      requests: tally.responses,
      hostileRequests: (WARMUP_CYCLES + CYCLES) * CONNECTIONS * hostilePerCycle,
      bodyMiBSent: round(((WARMUP_CYCLES + CYCLES) * CONNECTIONS * bodyBytesPerCycle) / MIB, 0),
      warmupSeconds: round(warmupMs / 1000, 1),
      runSeconds: round(runMs / 1000, 1),
      memory: { start: memoryOf(start), before: memoryOf(before), after: memoryOf(after) },
      rssGrowth: round(rssGrowth, 3),
      rssTolerance: RSS_TOLERANCE,
      unexpected: tally.unexpected,
      verdict:
        tally.unexpected.length === 0 && Math.abs(rssGrowth) <= RSS_TOLERANCE ? 'flat' : 'MISS',
    };
    console.log(JSON.stringify(section.memory));
    console.log(
      `hostile soak: ${section.requests} requests (${section.hostileRequests} hostile, ${section.bodyMiBSent} MiB of bodies) in ${section.warmupSeconds + section.runSeconds} s; ` +
        `RSS ${section.memory.before.rssMiB} → ${section.memory.after.rssMiB} MiB (${round(rssGrowth * 100, 1)} %, tolerance ${RSS_TOLERANCE * 100} %): ${section.verdict}`,
    );
    for (const line of tally.unexpected) console.log(`unexpected: ${line}`);
    if (!QUICK) console.log(`written to ${writeResults('hostile', section)}`);
    if (section.verdict !== 'flat') process.exitCode = 1;
  } finally {
    await server.close();
  }
}

await main();
