/**
 * The fake's CTS GET routes served by Node 20 (the Node running this
 * script), Node 24, Bun and Deno, as ratios to Node 20, pair by pair.
 *
 * Every runtime serves the same app from the built package
 * (bench/runtimes/app.mjs imports dist/: run `npm run build` first) on its
 * own server API: Node's through `taskport/node`'s `listen()`
 * (@hono/node-server), `Bun.serve`, `Deno.serve`. Each server is a child
 * process pinned to core 0 and seeded with 1 000 CTS tasks (each run once)
 * over `POST /_taskport/seed`; this process is the load generator on core 1
 * (bench/http/load.ts). Server CPU is read from /proc/<pid>/stat (utime +
 * stime, every thread), so it works for any runtime.
 *
 * Binaries, found as test/runtime/runtimes.ts finds them: Node 24 from
 * test/runtime/node24 (`npm run runtimes:install`), Bun and Deno from the
 * devDependencies in node_modules/.bin. A missing one is skipped with the
 * reason.
 *
 *   npm run bench:runtimes                 # ~2 minutes, merges `runtimes` into bench/results/http-<date>.json
 *   BENCH_QUICK=1 npm run bench:runtimes   # smoke run, nothing written
 */

import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatSpread,
  machine,
  median,
  pinned,
  pinSelf,
  REPO_DIR,
  type Spread,
  today,
  writeResults,
} from '../http/harness.ts';
import { httpRequest } from '../http/load.ts';
import {
  CONNECTIONS,
  DURATION_MS,
  measure,
  methodSection,
  ONLY,
  pairRatios,
  QUICK,
  ROUNDS,
  summarise,
  type TargetCheck,
  type Trial,
  WARMUP_MS,
} from '../http/pairs.ts';
import { seedCts, taskName } from '../http/routes.ts';

const TASKS = 1000;
const HERE = join(REPO_DIR, 'bench', 'runtimes');
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

type RuntimeId = 'node20' | 'node24' | 'bun' | 'deno';

interface RuntimeDef {
  readonly id: RuntimeId;
  label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Why it cannot run here. */
  unavailable?: string;
}

function version(binary: string, args: readonly string[]): { out: string } | { error: string } {
  if (!existsSync(binary)) return { error: `${binary} does not exist` };
  const result = spawnSync(binary, args, {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1', NODE_OPTIONS: '' },
  });
  if (result.error !== undefined)
    return { error: `${binary} did not run: ${result.error.message}` };
  if (result.status !== 0) return { error: `${binary} exited with ${result.status}` };
  return { out: result.stdout.trim().split('\n')[0] ?? '' };
}

function runtimeDefs(): RuntimeDef[] {
  const node24 = join(REPO_DIR, 'test/runtime/node24/node_modules/node/bin/node');
  const bun = join(REPO_DIR, 'node_modules/.bin/bun');
  const deno = join(REPO_DIR, 'node_modules/.bin/deno');
  const defs: RuntimeDef[] = [
    {
      id: 'node20',
      label: `Node ${process.version}`,
      command: process.execPath,
      args: [join(HERE, 'serve-node.mjs')],
      env: {},
    },
    {
      id: 'node24',
      label: 'Node 24',
      command: node24,
      args: [join(HERE, 'serve-node.mjs')],
      env: {},
    },
    {
      id: 'bun',
      label: 'Bun',
      command: bun,
      args: ['--no-install', join(HERE, 'serve-bun.mjs')],
      env: { DO_NOT_TRACK: '1' },
    },
    {
      id: 'deno',
      label: 'Deno',
      command: deno,
      args: [
        'run',
        '--no-lock',
        '--no-prompt',
        '--allow-net=127.0.0.1',
        `--allow-read=${REPO_DIR}`,
        join(HERE, 'serve-deno.mjs'),
      ],
      env: { DENO_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1' },
    },
  ];
  for (const def of defs) {
    if (def.id === 'node20') continue;
    const answer = version(def.command, ['--version']);
    if ('error' in answer) {
      def.unavailable =
        def.id === 'node24'
          ? `${answer.error}: run \`npm run runtimes:install\``
          : `the ${def.id} devDependency does not run here: ${answer.error}`;
    } else {
      def.label =
        def.id === 'node24'
          ? `Node ${answer.out}`
          : def.id === 'bun'
            ? `Bun ${answer.out}`
            : (answer.out.replace(/^deno/, 'Deno').split(' (')[0] ?? answer.out);
    }
  }
  return defs;
}

interface RuntimeServer {
  readonly def: RuntimeDef;
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

/** utime + stime of `pid` (all threads), µs. */
function procCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name in parentheses: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / CLOCK_TICKS) * 1e6;
}

async function startRuntime(def: RuntimeDef): Promise<RuntimeServer> {
  const [command, args] = pinned(def.command, def.args);
  const child = spawn(command, args, {
    cwd: REPO_DIR,
    env: { ...process.env, NODE_OPTIONS: '', ...def.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${def.label}: no URL within 30 s: ${out}`));
    }, 30_000);
    child.stdout?.on('data', (data: Buffer) => {
      out += data.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${def.label} exited with ${code}: ${out}`));
    });
  });
  const pid = child.pid as number;
  return {
    def,
    port: Number(new URL(url).port),
    url,
    child,
    cpuMicros: async () => procCpuMicros(pid),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

interface RouteSpec {
  readonly id: string;
  readonly label: string;
  readonly path: string;
}

const ROUTES: readonly RouteSpec[] = [
  {
    id: 'get-task',
    label: `GET /v1/tasks/:name (${TASKS} tasks)`,
    path: `/v1/tasks/${taskName(500)}`,
  },
  { id: 'status', label: `GET /v1/status (${TASKS} tasks)`, path: '/v1/status' },
];

type Metric = keyof ReturnType<typeof summarise>;

interface RuntimeRouteResult {
  readonly id: string;
  readonly label: string;
  readonly responseBytes: Record<string, number>;
  readonly errors: Record<string, number>;
  readonly runtimes: Record<string, Record<Metric, Spread>>;
  /** runtime ÷ Node 20, within each round. */
  readonly ratiosToNode20: Record<string, Record<Metric, Spread>>;
}

async function benchRoute(
  servers: readonly RuntimeServer[],
  route: RouteSpec,
): Promise<RuntimeRouteResult> {
  const bytes = httpRequest('GET', route.path);
  const run = (server: RuntimeServer, durationMs: number, log: boolean): Promise<Trial> =>
    measure(server, () => bytes, 200, durationMs, log);
  for (const server of servers) await run(server, WARMUP_MS, false);
  const trials = new Map<RuntimeId, Trial[]>(servers.map((s) => [s.def.id, []]));
  for (let roundIndex = 0; roundIndex < ROUNDS; roundIndex++) {
    const order = servers.map(
      (_, i) => servers[(i + roundIndex) % servers.length] as RuntimeServer,
    );
    for (const server of order)
      trials.get(server.def.id)?.push(await run(server, DURATION_MS, true));
  }
  const base = trials.get('node20') as Trial[];
  const per = <T>(f: (list: Trial[], id: RuntimeId) => T): Record<string, T> =>
    Object.fromEntries(
      servers.map((s) => [s.def.id, f(trials.get(s.def.id) as Trial[], s.def.id)]),
    );
  return {
    id: route.id,
    label: route.label,
    responseBytes: per((list) => Math.round(median(list.map((t) => t.responseBytes)))),
    errors: per((list) => list.reduce((sum, t) => sum + t.errors, 0)),
    runtimes: per((list) => summarise(list)),
    ratiosToNode20: Object.fromEntries(
      servers
        .filter((s) => s.def.id !== 'node20')
        .map((s) => [s.def.id, pairRatios(trials.get(s.def.id) as Trial[], base)]),
    ),
  };
}

function printRoute(result: RuntimeRouteResult, servers: readonly RuntimeServer[]): void {
  console.log(`\n${result.label}`);
  console.log(
    '  runtime           req/s                     p50 ms               CPU µs/req            ÷node20 req/s       ÷node20 CPU/req',
  );
  for (const server of servers) {
    const s = result.runtimes[server.def.id];
    const r = result.ratiosToNode20[server.def.id];
    if (s === undefined) continue;
    console.log(
      `  ${server.def.label.padEnd(16)}  ${formatSpread(s.rps).padEnd(24)}  ${formatSpread(s.p50Ms).padEnd(19)}  ${formatSpread(s.cpuUsPerRequest).padEnd(20)}  ${r === undefined ? '' : formatSpread(r.rps).padEnd(18)}  ${r === undefined ? '' : formatSpread(r.cpuUsPerRequest)}`,
    );
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(REPO_DIR, 'dist/testing/index.js'))) {
    console.error('bench:runtimes serves dist/: run `npm run build` first.');
    process.exit(1);
  }
  const pinnedSelf = pinSelf();
  console.log(
    `bench:runtimes — ${ROUNDS} rounds × ${DURATION_MS} ms after ${WARMUP_MS} ms warm-up, ${CONNECTIONS} connections${pinnedSelf ? ', servers on core 0, load on core 1' : ', not pinned'}`,
  );
  const machineAtStart = machine();
  const defs = runtimeDefs();
  const skipped: Record<string, string> = {};
  const servers: RuntimeServer[] = [];
  const results: RuntimeRouteResult[] = [];
  try {
    for (const def of defs) {
      if (def.unavailable !== undefined) {
        skipped[def.id] = def.unavailable;
        console.log(`  skipped ${def.label}: ${def.unavailable}`);
        continue;
      }
      try {
        const server = await startRuntime(def);
        await seedCts(server.url, TASKS);
        servers.push(server);
        console.log(`  ${def.label}: ${server.url}, ${TASKS} tasks seeded`);
      } catch (error) {
        skipped[def.id] = error instanceof Error ? error.message : String(error);
        console.log(`  skipped ${def.label}: ${skipped[def.id]}`);
        if (def.id === 'node20') throw error;
      }
    }
    for (const route of ROUTES) {
      if (ONLY !== undefined && !ONLY.includes(route.id)) continue;
      const result = await benchRoute(servers, route);
      printRoute(result, servers);
      results.push(result);
    }
  } finally {
    for (const server of servers) await server.close();
  }
  // No number was set for the runtimes; 0.9× Node 20 is this bench's own threshold ("not slower").
  const checks: TargetCheck[] = [];
  for (const result of results) {
    for (const [id, ratio] of Object.entries(result.ratiosToNode20)) {
      checks.push({
        target: `${result.label}: ${id} ≥ 0.9× Node 20 req/s`,
        value: `${ratio.rps.median}× (${ratio.rps.min}–${ratio.rps.max})`,
        met: ratio.rps.median >= 0.9,
      });
    }
  }
  console.log('\nTargets:');
  for (const check of checks)
    console.log(`  ${check.met ? 'met    ' : 'MISSED '} ${check.target}: ${check.value}`);
  if (QUICK) {
    console.log('\n(BENCH_QUICK: nothing written)');
    return;
  }
  const path = writeResults('runtimes', {
    date: today(),
    machine: machineAtStart,
    method: methodSection({
      ratios: 'runtime ÷ Node 20 within each round, then median (min–max) over rounds',
      serverCpu:
        'utime + stime of the server process from /proc/<pid>/stat (all threads), ÷ requests',
      app: 'bench/runtimes/app.mjs: createFakeApp({ clock: "virtual" }) from dist/, every dialect',
      servers: {
        node: 'taskport/node listen() (@hono/node-server)',
        bun: 'Bun.serve',
        deno: 'Deno.serve',
      },
    }),
    runtimes: Object.fromEntries(servers.map((s) => [s.def.id, s.def.label])),
    skipped,
    routes: results,
    targets: checks,
  });
  console.log(`\nwrote ${path}`);
}

await main();
