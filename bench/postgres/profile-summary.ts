/**
 * Where a worker's CPU went: reads a V8 `.cpuprofile` (from `node
 * --cpu-prof`, as `BENCH_PG_PROFILE=<system>` writes them) and prints the
 * self time by area (taskport's engine and its PostgreSQL store, node-postgres,
 * Node itself, GC, idle) and the functions with the most self time.
 *
 *   node --import tsx bench/postgres/profile-summary.ts <file.cpuprofile | dir> [top]
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The area a script belongs to, from its URL. */
function areaOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)') return 'V8 / native';
    return 'native';
  }
  if (url.includes('/src/engine/')) return 'taskport engine (src/engine)';
  if (url.includes('/src/postgres/')) return 'taskport store (src/postgres)';
  if (url.includes('/node_modules/pg-protocol/')) return 'node-postgres protocol';
  if (/\/node_modules\/(pg|pg-pool|pg-types|postgres-[a-z]+)\//.test(url)) return 'node-postgres';
  if (url.includes('/node_modules/eventemitter3/')) return 'eventemitter3';
  if (url.includes('/node_modules/graphile-worker/')) return 'graphile-worker';
  if (url.includes('/node_modules/pg-boss/')) return 'pg-boss';
  if (url.includes('/node_modules/')) return 'other packages';
  if (url.includes('/bench/')) return 'bench';
  if (url.startsWith('node:')) return 'Node (node:*)';
  return url;
}

function short(url: string): string {
  const at = url.search(/\/(src|node_modules|bench)\//);
  return at === -1 ? url : url.slice(at + 1);
}

function summarise(path: string, top: number): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const totalUs = profile.endTime - profile.startTime;
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const name = `${frame.functionName || '(anonymous)'} ${frame.url === '' ? '' : `${short(frame.url)}:${frame.lineNumber + 1}`}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const busyUs = totalUs - (areas.get('idle') ?? 0);
  const pct = (us: number, of: number) => `${((100 * us) / of).toFixed(1)} %`;
  console.log(
    `${path}\n  ${(totalUs / 1e6).toFixed(1)} s profiled, ${(busyUs / 1e6).toFixed(1)} s busy (${pct(busyUs, totalUs)})`,
  );
  console.log('  self time by area, % of busy:');
  for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1])) {
    if (area !== 'idle') console.log(`    ${pct(us, busyUs).padStart(7)}  ${area}`);
  }
  console.log(`  top ${top} functions by self time, % of busy:`);
  for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    if (!name.startsWith('(idle)')) console.log(`    ${pct(us, busyUs).padStart(7)}  ${name}`);
  }
}

const [target, topArg] = process.argv.slice(2);
if (target === undefined) {
  console.error('usage: profile-summary.ts <file.cpuprofile | directory> [top]');
  process.exit(2);
}
const files = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => join(target, name))
  : [target];
for (const file of files) summarise(file, Number(topArg ?? 25));
