/**
 * The fake against Stoplight Prism (`prism mock`), the tool a user would
 * otherwise point at CTS's OpenAPI document: time to first answer and
 * throughput on the routes Prism can serve, side by side.
 *
 * Prism is not a dependency of taskport. Install it outside the repo first
 * (`npm run bench` does this by itself when $PRISM_DIR has no Prism):
 *
 *   npm install --prefix /tmp/prism @stoplight/prism-cli@5.14.2
 *   npm run bench:http:prism              # PRISM_DIR=/tmp/prism by default; ~2 minutes
 *   BENCH_QUICK=1 npm run bench:http:prism   # smoke run, nothing written
 *
 * The OpenAPI document is the one the fake serves at /_taskport/openapi/cts.json,
 * saved to $PRISM_DIR/cts.json. Both servers are pinned to core 0, this
 * process (the load) to core 1; Prism's CPU time is read from /proc.
 */

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { timeToFirstAnswer } from '../startup/first-answer.ts';
import {
  formatSpread,
  machine,
  pinned,
  pinSelf,
  REPO_DIR,
  roundSpread,
  type Spread,
  spread,
  startServer,
  today,
  writeResults,
} from './harness.ts';
import { httpRequest, LOAD_GENERATOR, type RequestFactory, runLoad } from './load.ts';
import { ctsTask, seedCts, taskName } from './routes.ts';

const PRISM_DIR = process.env.PRISM_DIR ?? '/tmp/prism';
const PRISM_BIN = join(PRISM_DIR, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');
const QUICK = process.env.BENCH_QUICK === '1';
const STARTS = Number(process.env.BENCH_RUNS ?? (QUICK ? 2 : 10));
const ROUNDS = Number(process.env.BENCH_PAIRS ?? (QUICK ? 1 : 3));
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? (QUICK ? 400 : 2000));
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? (QUICK ? 300 : 1000));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const SEEDED = 10;

interface PrismRoute {
  readonly label: string;
  readonly request: () => RequestFactory;
}

let batch = 0;
const ROUTES: readonly PrismRoute[] = [
  { label: 'GET /v1/health', request: () => () => httpRequest('GET', '/v1/health') },
  {
    label: 'GET /v1/tasks/:name',
    request: () => () => httpRequest('GET', `/v1/tasks/${taskName(5)}`),
  },
  {
    label: `GET /v1/tasks (${SEEDED} tasks on the fake)`,
    request: () => () => httpRequest('GET', '/v1/tasks'),
  },
  { label: 'GET /v1/status', request: () => () => httpRequest('GET', '/v1/status') },
  {
    label: `GET /v1/status/tasks?include=events (${SEEDED} tasks on the fake)`,
    request: () => () => httpRequest('GET', '/v1/status/tasks?include=events'),
  },
  // Last: every POST adds a task to the fake.
  {
    label: 'POST /v1/tasks (validated)',
    request: () => {
      const prefix = `prism-${batch++}`;
      return (index) =>
        httpRequest('POST', '/v1/tasks', JSON.stringify({ task: ctsTask(`${prefix}-${index}`) }), {
          'content-type': 'application/json',
        });
    },
  },
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** utime + stime of a process, µs (clock ticks of 10 ms). */
function procCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

interface Target {
  readonly port: number;
  cpuMicros(): Promise<number>;
}

interface Trial {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  errors: number;
  bytes: number;
  status: string;
}

async function measure(
  target: Target,
  factory: RequestFactory,
  expect: number,
  durationMs: number,
): Promise<Trial> {
  const before = await target.cpuMicros();
  const load = await runLoad({
    port: target.port,
    connections: CONNECTIONS,
    durationMs,
    maxRequests: 500_000,
    request: factory,
    expectStatus: expect,
  });
  const after = await target.cpuMicros();
  return {
    rps: load.requestsPerSecond,
    p50Ms: load.p50Ms,
    p99Ms: load.p99Ms,
    cpuUsPerRequest: (after - before) / Math.max(1, load.requests),
    errors: load.errors,
    bytes: Math.round(load.meanResponseBytes),
    status: load.firstError ?? String(expect),
  };
}

/** The status a server answers on a route (one request). */
async function probe(port: number, factory: RequestFactory): Promise<number> {
  let status = 0;
  await runLoad({
    port,
    connections: 1,
    durationMs: 5_000,
    maxRequests: 1,
    request: factory,
    expectStatus: -1,
  }).then((result) => {
    status = Number(result.firstError?.slice(0, 3) ?? 0);
  });
  return status;
}

async function main(): Promise<void> {
  if (!existsSync(PRISM_BIN)) {
    console.error(`Prism is not installed at ${PRISM_DIR}; see the header of this file.`);
    process.exit(1);
  }
  pinSelf();
  const prismVersion = JSON.parse(
    readFileSync(
      join(PRISM_DIR, 'node_modules', '@stoplight', 'prism-cli', 'package.json'),
      'utf8',
    ),
  ).version as string;

  const fake = await startServer({ kind: 'fake' });
  const specPath = join(PRISM_DIR, 'cts.json');
  let prism: ReturnType<typeof spawn> | undefined;
  try {
    writeFileSync(specPath, await (await fetch(`${fake.url}/_taskport/openapi/cts.json`)).text());
    await seedCts(fake.url, SEEDED);

    // ── start-up: Prism and the fake's CLI, alternately ──
    const dist = join(REPO_DIR, 'dist', 'cli.js');
    const fakeCli = existsSync(dist)
      ? { name: 'taskport serve (dist/cli.js)', args: [dist, 'serve', '--port', '0'] }
      : {
          name: 'taskport serve (tsx src/cli.ts)',
          args: ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0'],
        };
    const startPrism = async (): Promise<{ ms: number }> => {
      const port = await freePort();
      return timeToFirstAnswer(
        process.execPath,
        [PRISM_BIN, 'mock', specPath, '-h', '127.0.0.1', '-p', String(port)],
        (out) => (out.includes('Prism is listening') ? `http://127.0.0.1:${port}` : undefined),
        '/v1/health',
      );
    };
    const startFake = (): Promise<{ ms: number }> =>
      timeToFirstAnswer(
        process.execPath,
        fakeCli.args,
        (out) => /listening on (http:\/\/\S+)/.exec(out)?.[1],
        '/v1/health',
      );
    await startPrism();
    await startFake();
    const prismStarts: number[] = [];
    const fakeStarts: number[] = [];
    const startRatios: number[] = [];
    for (let run = 0; run < STARTS; run++) {
      const first = run % 2 === 0;
      const a = first ? await startPrism() : await startFake();
      const b = first ? await startFake() : await startPrism();
      const [p, f] = first ? [a.ms, b.ms] : [b.ms, a.ms];
      prismStarts.push(p);
      fakeStarts.push(f);
      startRatios.push(f / p);
    }
    const startup = {
      prism: roundSpread(spread(prismStarts)),
      fake: roundSpread(spread(fakeStarts)),
      fakeName: fakeCli.name,
      fakeOverPrism: roundSpread(spread(startRatios)),
    };
    console.log(`start-up to first 200 on /v1/health, ${STARTS} alternated pairs, ms:`);
    console.log(`  prism mock ${prismVersion}: ${formatSpread(startup.prism)}`);
    console.log(
      `  ${fakeCli.name}: ${formatSpread(startup.fake)}   fake ÷ prism ${formatSpread(startup.fakeOverPrism)}`,
    );

    // ── throughput ──
    const port = await freePort();
    const [bin, argv] = pinned(process.execPath, [
      PRISM_BIN,
      'mock',
      specPath,
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
    ]);
    const child = spawn(bin, argv, { cwd: PRISM_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    prism = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Prism did not start')), 60_000);
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('Prism is listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', () => reject(new Error('Prism exited')));
    });
    // Prism logs every request; keep its pipes drained.
    child.stdout.resume();
    child.stderr.resume();
    const prismPid = child.pid as number;
    const prismTarget: Target = { port, cpuMicros: async () => procCpuMicros(prismPid) };
    const fakeTarget: Target = { port: fake.port, cpuMicros: () => fake.cpuMicros() };

    const routes: Record<string, unknown>[] = [];
    const checks: { target: string; value: string; met: boolean }[] = [];
    for (const route of ROUTES) {
      const prismStatus = await probe(port, route.request());
      const fakeStatus = await probe(fake.port, route.request());
      await measure(prismTarget, route.request(), prismStatus, WARMUP_MS);
      await measure(fakeTarget, route.request(), fakeStatus, WARMUP_MS);
      const trials = { prism: [] as Trial[], fake: [] as Trial[] };
      for (let roundIndex = 0; roundIndex < ROUNDS; roundIndex++) {
        const order =
          roundIndex % 2 === 0 ? (['prism', 'fake'] as const) : (['fake', 'prism'] as const);
        for (const name of order) {
          const target = name === 'prism' ? prismTarget : fakeTarget;
          trials[name].push(
            await measure(
              target,
              route.request(),
              name === 'prism' ? prismStatus : fakeStatus,
              DURATION_MS,
            ),
          );
        }
      }
      const sum = (list: Trial[]): Record<string, Spread | number> => ({
        rps: roundSpread(spread(list.map((t) => t.rps))),
        p50Ms: roundSpread(spread(list.map((t) => t.p50Ms))),
        p99Ms: roundSpread(spread(list.map((t) => t.p99Ms))),
        cpuUsPerRequest: roundSpread(spread(list.map((t) => t.cpuUsPerRequest))),
        responseBytes: list[0]?.bytes ?? 0,
        errors: list.reduce((total, t) => total + t.errors, 0),
      });
      const ratio = roundSpread(
        spread(trials.fake.map((t, i) => t.rps / (trials.prism[i] as Trial).rps)),
      );
      const cpuRatio = roundSpread(
        spread(
          trials.prism.map((t, i) => t.cpuUsPerRequest / (trials.fake[i] as Trial).cpuUsPerRequest),
        ),
      );
      routes.push({
        label: route.label,
        status: { prism: prismStatus, fake: fakeStatus },
        prism: sum(trials.prism),
        fake: sum(trials.fake),
        fakeOverPrismRps: ratio,
        prismOverFakeCpuPerRequest: cpuRatio,
      });
      console.log(`\n${route.label}  (status prism ${prismStatus}, fake ${fakeStatus})`);
      console.log(
        `  prism  ${formatSpread(spread(trials.prism.map((t) => t.rps)))} req/s  p50 ${formatSpread(spread(trials.prism.map((t) => t.p50Ms)))} ms  p99 ${formatSpread(spread(trials.prism.map((t) => t.p99Ms)))} ms  CPU ${formatSpread(spread(trials.prism.map((t) => t.cpuUsPerRequest)))} µs/req  ${trials.prism[0]?.bytes} B`,
      );
      console.log(
        `  fake   ${formatSpread(spread(trials.fake.map((t) => t.rps)))} req/s  p50 ${formatSpread(spread(trials.fake.map((t) => t.p50Ms)))} ms  p99 ${formatSpread(spread(trials.fake.map((t) => t.p99Ms)))} ms  CPU ${formatSpread(spread(trials.fake.map((t) => t.cpuUsPerRequest)))} µs/req  ${trials.fake[0]?.bytes} B`,
      );
      console.log(
        `  fake ÷ prism req/s: ${formatSpread(ratio)}   prism ÷ fake CPU/req: ${formatSpread(cpuRatio)}`,
      );
      checks.push({
        target: `${route.label}: fake ≥ 10× Prism's req/s`,
        value: `${ratio.median}×`,
        met: ratio.median >= 10,
      });
    }
    checks.push({
      target: "start-up: fake ≤ 1/10 of Prism's time to first answer",
      value: `${startup.fakeOverPrism.median}×`,
      met: startup.fakeOverPrism.median <= 0.1,
    });
    console.log('\nTargets:');
    for (const check of checks)
      console.log(`  ${check.met ? 'met    ' : 'MISSED '} ${check.target}: ${check.value}`);
    if (QUICK) {
      console.log('\n(BENCH_QUICK: nothing written)');
      return;
    }
    const path = writeResults('prism', {
      date: today(),
      machine: machine(),
      prism: `@stoplight/prism-cli ${prismVersion} (prism mock, default options)`,
      method: {
        rounds: ROUNDS,
        durationMs: DURATION_MS,
        warmupMs: WARMUP_MS,
        connections: CONNECTIONS,
        starts: STARTS,
        loadGenerator: LOAD_GENERATOR,
      },
      startup,
      routes,
      targets: checks,
    });
    console.log(`\nwrote ${path}`);
  } finally {
    prism?.kill('SIGTERM');
    await fake.close();
  }
}

await main();
