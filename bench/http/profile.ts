/**
 * Where the fake's time goes on a route: a fresh fake per route, warmed up
 * with the same load as bench:http, then V8's CPU profiler (the one
 * `node --cpu-prof` runs, started over the inspector so that the profile
 * covers the measured window only, not start-up and seeding) during a
 * second load, then the profile summed up
 * by self time, by inclusive time and by area (Node's HTTP, @hono/node-server,
 * Hono, the fake's journal, the CTS, tfc and Ona adapters, ajv, GC).
 *
 *   npm run bench:http:profile                                  # the routes that miss their target
 *   BENCH_ROUTES=cts-create,cts-list-10 npm run bench:http:profile
 *   BENCH_ROUTES=tfc-list-page,ona-list-tasks-get npm run bench:http:profile
 *   BENCH_QUICK=1 BENCH_ROUTES=tfc-list-page npm run bench:http:profile   # 1 s, nothing written
 *
 * Route ids: those of bench:http (routes.ts), bench:http:tfc and
 * bench:http:ona (seeded the same way, see profile-routes.ts).
 *
 * Profiles go to $BENCH_PROFILE_DIR (default /tmp/taskport-bench-profiles);
 * the summary is printed and merged into bench/results/http-<date>.json.
 */

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pinSelf, REPO_DIR, round, startServer, today, writeResults } from './harness.ts';
import { runLoad } from './load.ts';
import { PROFILE_ROUTES, type ProfileRoute } from './profile-routes.ts';

/** A short smoke run (1 s profile) that writes nothing to the results file. */
const QUICK = process.env.BENCH_QUICK === '1';
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? (QUICK ? 1000 : 3000));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR ?? '/tmp/taskport-bench-profiles';
const DEFAULT_ROUTES = [
  'cts-list-10',
  'cts-status-tasks-events',
  'cts-create',
  'tfc-list-page',
  'ona-list-tasks',
  'ona-start-task',
];
const ONLY = process.env.BENCH_ROUTES?.split(',') ?? DEFAULT_ROUTES;
const TOP = 20;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function shortUrl(url: string): string {
  if (url === '') return '';
  const path = url.replace(/^file:\/\//, '');
  const nodeModules = path.lastIndexOf('/node_modules/');
  if (nodeModules >= 0) return path.slice(nodeModules + '/node_modules/'.length);
  if (path.startsWith(REPO_DIR)) return path.slice(REPO_DIR.length + 1);
  return path;
}

function functionKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = shortUrl(url);
  return `${functionName || '(anonymous)'}${where === '' ? '' : ` ${where}:${lineNumber + 1}`}`;
}

/** The area a frame belongs to, by its script. */
function areaOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)' || functionName === '(idle)' || functionName === '(root)')
    return functionName;
  if (url === '') return 'native / builtin (JSON, strings, …)';
  const where = shortUrl(url);
  if (where.startsWith('node:internal/deps/undici')) return 'node: undici (web Request/Response)';
  if (where.startsWith('node:internal/')) {
    const parts = where.slice('node:internal/'.length).split('/');
    return `node: internal/${parts.length > 1 ? parts[0] : parts[0]?.replace(/:\d+$/, '')}`;
  }
  if (where.startsWith('node:')) return `node: ${where.slice(5).replace(/:\d+$/, '')}`;
  if (where.startsWith('@hono/node-server')) return '@hono/node-server';
  if (where.startsWith('hono/')) return 'hono';
  if (where.startsWith('ajv')) return 'ajv';
  if (where.includes('tsx/') || where.includes('esbuild')) return 'tsx loader';
  if (where.startsWith('src/')) return where.split('/').slice(0, 3).join('/');
  return where.split('/')[0] ?? where;
}

interface Summary {
  readonly route: string;
  readonly requests: number;
  readonly sampledMs: number;
  readonly busyMs: number;
  readonly byArea: { area: string; selfMs: number; share: number }[];
  readonly topSelf: { fn: string; selfMs: number; share: number }[];
  readonly topInclusive: { fn: string; totalMs: number; share: number }[];
}

function summarise(route: string, requests: number, profile: CpuProfile): Summary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let sampled = 0;
  let idle = 0;
  const selfByFn = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, micros] of self) {
    const node = byId.get(id) as ProfileNode;
    sampled += micros;
    if (node.callFrame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    const key = functionKey(node);
    selfByFn.set(key, (selfByFn.get(key) ?? 0) + micros);
    const area = areaOf(node);
    selfByArea.set(area, (selfByArea.get(area) ?? 0) + micros);
    // Inclusive: every distinct function on the stack gets the sample once.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at) as ProfileNode;
      if (frame.callFrame.functionName === '(root)') break;
      const frameKey = functionKey(frame);
      if (seen.has(frameKey)) continue;
      seen.add(frameKey);
      inclusive.set(frameKey, (inclusive.get(frameKey) ?? 0) + micros);
    }
  }
  const busy = sampled - idle;
  const ms = (micros: number): number => round(micros / 1000, 4);
  const share = (micros: number): number => round(micros / busy, 3);
  const top = (map: Map<string, number>): [string, number][] =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, TOP);
  return {
    route,
    requests,
    sampledMs: ms(sampled),
    busyMs: ms(busy),
    byArea: top(selfByArea).map(([area, micros]) => ({
      area,
      selfMs: ms(micros),
      share: share(micros),
    })),
    topSelf: top(selfByFn).map(([fn, micros]) => ({
      fn,
      selfMs: ms(micros),
      share: share(micros),
    })),
    topInclusive: [...inclusive]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP * 2)
      .map(([fn, micros]) => ({ fn, totalMs: ms(micros), share: share(micros) })),
  };
}

async function profileRoute(route: ProfileRoute): Promise<Summary> {
  const dir = join(PROFILE_DIR, route.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const fake = await startServer({ kind: 'fake', clock: route.clock });
  const file = join(dir, `${route.id}.cpuprofile`);
  let served = 0;
  try {
    const requests = await route.prepare(fake);
    // Warm up like the bench does; the profile covers it too, but briefly.
    await runLoad({
      port: fake.port,
      connections: CONNECTIONS,
      durationMs: 1000,
      maxRequests: 500_000,
      request: requests(),
      expectStatus: route.status,
    });
    await fake.profileStart(200);
    const load = await runLoad({
      port: fake.port,
      connections: CONNECTIONS,
      durationMs: DURATION_MS,
      maxRequests: 500_000,
      request: requests(),
      expectStatus: route.status,
    });
    served = load.requests;
    await fake.profileStop(file);
  } finally {
    await fake.close();
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(`${route.label}: ${served} requests, profile ${file}`);
  return summarise(route.id, served, profile);
}

function print(summary: Summary): void {
  const perRequest = summary.requests > 0 ? (summary.busyMs * 1000) / summary.requests : 0;
  console.log(
    `\n── ${summary.route}: ${summary.busyMs} ms busy of ${summary.sampledMs} ms sampled, ${summary.requests} requests (${perRequest.toFixed(0)} µs busy per request)`,
  );
  console.log('  by area (self time):');
  for (const row of summary.byArea.slice(0, 12))
    console.log(`    ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.area}`);
  console.log('  top functions (self time):');
  for (const row of summary.topSelf.slice(0, 15))
    console.log(`    ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.fn}`);
  console.log('  top functions (inclusive, project and framework code):');
  for (const row of summary.topInclusive
    .filter((entry) => /src\/|hono/.test(entry.fn))
    .slice(0, 20))
    console.log(`    ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.fn}`);
}

async function main(): Promise<void> {
  pinSelf();
  const summaries: Summary[] = [];
  const unknown = ONLY.filter((id) => !PROFILE_ROUTES.some((route) => route.id === id));
  if (unknown.length > 0)
    throw new Error(
      `unknown route ids: ${unknown.join(', ')} (known: ${PROFILE_ROUTES.map((route) => route.id).join(', ')})`,
    );
  for (const route of PROFILE_ROUTES.filter((candidate) => ONLY.includes(candidate.id))) {
    const summary = await profileRoute(route);
    print(summary);
    summaries.push(summary);
  }
  if (QUICK) return;
  const path = writeResults('profile', { date: today(), durationMs: DURATION_MS, summaries });
  console.log(`\nwrote ${path}`);
}

await main();
