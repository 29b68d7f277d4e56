/**
 * The day's results in one file and one summary.
 *
 * Every bench writes its own file: `bench/results/engine-<date>.json`
 * (bench/engine), `http-<date>.json` (one section per HTTP bench: `cts`,
 * `tfc`, `ona`, `runtimes`, `startup`, `prism`, `profile`),
 * `soak-<date>.json` (bench/soak) and `postgres-<date>.json` (bench/postgres). This module merges them into
 * `bench/results/<date>.json` (`{ date, generatedAt, run?, sources,
 * sections }`, one section per bench) and renders the summary tables of
 * bench/README.md (between `<!-- bench:summary:start -->` and
 * `<!-- bench:summary:end -->`) from it: measured medians (ranges), the
 * ratio, the target, met or missed and by how much. Every number in the
 * tables comes from the JSON.
 *
 *   npm run bench:summary                         # the latest date in bench/results
 *   npm run bench:summary -- 2026-11-22           # merge that date's files, then summarise
 *   npm run bench:summary -- bench/results/2026-11-22.json   # an existing merged file
 *   npm run bench:summary -- --print              # print only: nothing written
 *
 * `npm run bench` (bench/run-all.ts) calls {@link mergeResults} and
 * {@link updateReadme} after its run, with the run's steps.
 */

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresArea } from './postgres/summary-area.ts';
import {
  atLeast,
  atMost,
  fmt,
  fmtSpread,
  grouped,
  type Spread,
  type Verdict,
} from './summary-format.ts';

export { atLeast, fmt, fmtSpread, type Verdict } from './summary-format.ts';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = join(BENCH_DIR, 'results');
export const README = join(BENCH_DIR, 'README.md');
export const START_MARKER = '<!-- bench:summary:start -->';
export const END_MARKER = '<!-- bench:summary:end -->';

// ─── the merged file ────────────────────────────────────────────────────────

/** One step of `npm run bench`. */
export interface RunStep {
  readonly name: string;
  readonly command: string;
  /** The sections of the merged file this step writes. */
  readonly sections: readonly string[];
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly exitCode?: number | null;
  readonly seconds?: number;
  /** Why it was skipped or failed. */
  readonly reason?: string;
}

/** What `npm run bench` records about itself. */
export interface RunRecord {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly quick: boolean;
  readonly steps: readonly RunStep[];
}

export interface MergedResults {
  readonly date: string;
  readonly generatedAt: string;
  readonly run?: RunRecord;
  /** section → the file it was read from. */
  readonly sources: Record<string, string>;
  readonly sections: Record<string, unknown>;
}

const DATED = /^([a-z][a-z0-9]*)-(\d{4}-\d{2}-\d{2})\.json$/;

/** The per-bench files of `date`, `prefix → path`. */
export function benchFiles(date: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(RESULTS_DIR)) return files;
  for (const name of readdirSync(RESULTS_DIR).sort()) {
    const match = DATED.exec(name);
    if (match?.[2] === date) files.set(match[1] as string, join(RESULTS_DIR, name));
  }
  return files;
}

/** The newest `<prefix>-*.json` written at or after `sinceMs` (a run that crossed midnight). */
export function newestBenchFile(prefix: string, sinceMs: number): string | undefined {
  if (!existsSync(RESULTS_DIR)) return undefined;
  let best: { path: string; mtime: number } | undefined;
  for (const name of readdirSync(RESULTS_DIR)) {
    if (DATED.exec(name)?.[1] !== prefix) continue;
    const path = join(RESULTS_DIR, name);
    const mtime = statSync(path).mtimeMs;
    if (mtime >= sinceMs && (best === undefined || mtime > best.mtime)) best = { path, mtime };
  }
  return best?.path;
}

/** The sections one per-bench file holds: `http-*` holds one per HTTP bench, the others one each. */
function sectionsOf(prefix: string, content: unknown): [string, unknown][] {
  if (prefix === 'http' && typeof content === 'object' && content !== null)
    return Object.entries(content as Record<string, unknown>);
  return [[prefix, content]];
}

/**
 * Merges the per-bench files of `date` (plus `extra` files, `prefix → path`,
 * which win over the dated ones) into one object.
 */
export function mergeResults(
  date: string,
  options: { run?: RunRecord; extra?: ReadonlyMap<string, string> } = {},
): MergedResults {
  const files = benchFiles(date);
  for (const [prefix, path] of options.extra ?? []) files.set(prefix, path);
  const sources: Record<string, string> = {};
  const sections: Record<string, unknown> = {};
  for (const [prefix, path] of files) {
    const content = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    for (const [key, value] of sectionsOf(prefix, content)) {
      sections[key] = value;
      sources[key] = basename(path);
    }
  }
  return {
    date,
    generatedAt: new Date().toISOString(),
    ...(options.run === undefined ? {} : { run: options.run }),
    sources,
    sections,
  };
}

export function mergedPath(date: string): string {
  return join(RESULTS_DIR, `${date}.json`);
}

export function writeMerged(merged: MergedResults): string {
  const path = mergedPath(merged.date);
  writeFileSync(path, `${JSON.stringify(merged, null, 2)}\n`);
  return path;
}

/** The latest date that has a per-bench or merged file. */
export function latestDate(): string | undefined {
  if (!existsSync(RESULTS_DIR)) return undefined;
  const dates = readdirSync(RESULTS_DIR)
    .map((name) => /(\d{4}-\d{2}-\d{2})\.json$/.exec(name)?.[1])
    .filter((date): date is string => date !== undefined)
    .sort();
  return dates.at(-1);
}

// ─── formatting ─────────────────────────────────────────────────────────────

type Json = Record<string, unknown>;

function obj(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function spreadOf(value: unknown): Spread | undefined {
  const o = obj(value);
  const median = num(o?.median);
  if (o === undefined || median === undefined) return undefined;
  return { median, min: num(o.min) ?? median, max: num(o.max) ?? median };
}

/** About 3 significant digits, thousands grouped with a space: 0.535, 12 785, 128 k, 1.18 M. */
function within(measured: number, low: number, high: number): Verdict {
  const met = measured >= low && measured <= high;
  const by = met
    ? `margin ${fmt(Math.min(measured - low, high - measured))}× to the nearer bound`
    : measured < low
      ? `under by ${fmt(low - measured)}×`
      : `over by ${fmt(measured - high)}×`;
  return { target: `${fmt(low)}–${fmt(high)}×`, met, by };
}

const metCell = (verdict: Verdict): string => (verdict.met ? 'met' : '**missed**');

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

// ─── one table per area ─────────────────────────────────────────────────────

interface Area {
  readonly title: string;
  readonly body: string;
  readonly verdicts: readonly Verdict[];
}

function engineArea(section: Json): Area | undefined {
  const throughput = obj(section.throughput);
  const memory = obj(section.memory);
  const rows: string[][] = [];
  const verdicts: Verdict[] = [];
  for (const clock of ['virtual', 'real'] as const) {
    const block = obj(throughput?.[clock]);
    const ratio = spreadOf(block?.triggersPerSecRatio);
    if (block === undefined || ratio === undefined) continue;
    const verdict = atLeast(ratio.median, 2.5);
    verdicts.push(verdict);
    rows.push([
      `triggers/s at 100 000 tasks, ${clock === 'virtual' ? 'virtual clock' : 'real timers'}`,
      fmtSpread(spreadOf(obj(block.engine)?.triggersPerSec)),
      fmtSpread(spreadOf(obj(block.baseline)?.triggersPerSec)),
      fmtSpread(ratio, '×'),
      verdict.target,
      metCell(verdict),
      verdict.by,
    ]);
  }
  const pending = (key: string): number | undefined => num(obj(memory?.[key])?.pendingBytesPerTask);
  const [ev, er, bv, br] = ['engineVirtual', 'engineReal', 'baselineVirtual', 'baselineReal'].map(
    pending,
  );
  if (ev !== undefined || er !== undefined) {
    const worst = Math.max(ev ?? 0, er ?? 0);
    const verdict = atMost(worst, 200, ' B');
    verdicts.push(verdict);
    rows.push([
      'debounce state per pending task (virtual / real clock)',
      `${fmt(ev ?? Number.NaN)} / ${fmt(er ?? Number.NaN)} B`,
      `${fmt(bv ?? Number.NaN)} / ${fmt(br ?? Number.NaN)} B`,
      '',
      verdict.target,
      metCell(verdict),
      verdict.by,
    ]);
  }
  const allocation = obj(section.allocationBytesPerTrigger);
  const av = num(allocation?.engineVirtual);
  const ar = num(allocation?.engineReal);
  if (av !== undefined && ar !== undefined) {
    const verdict = atMost(Math.max(av, ar), 1, ' B');
    verdicts.push(verdict);
    rows.push([
      'allocated per trigger on open windows (virtual / real); the engine bench’s own check',
      `${fmt(av)} / ${fmt(ar)} B`,
      `${fmt(num(allocation?.baselineVirtual) ?? Number.NaN)} / ${fmt(num(allocation?.baselineReal) ?? Number.NaN)} B`,
      '',
      verdict.target,
      metCell(verdict),
      verdict.by,
    ]);
  }
  const summary = obj(section.summaryNsPerCall);
  const sizes = Object.keys(summary ?? {}).sort((a, b) => Number(a) - Number(b));
  const medians = sizes.map((size) => num(obj(summary?.[size])?.median) ?? Number.NaN);
  if (medians.length > 1 && medians.every(Number.isFinite)) {
    const flatness = Math.max(...medians) / Math.min(...medians);
    const verdict = atMost(flatness, 1.5);
    verdicts.push(verdict);
    rows.push([
      `\`status.summary()\` at ${sizes.map(grouped).join(' / ')} tasks, ns per call (flat: slowest ÷ fastest)`,
      medians.map((median) => fmt(median)).join(' / '),
      '',
      `${fmt(flatness)}×`,
      verdict.target,
      metCell(verdict),
      verdict.by,
    ]);
  }
  if (rows.length === 0) return undefined;
  return {
    title: 'Engine: buffer periods at 100 000 tasks (`engine`)',
    body: table(
      [
        'measure',
        'engine, median (range)',
        'per-key baseline',
        'engine ÷ baseline',
        'target',
        'met',
        'by how much',
      ],
      rows,
    ),
    verdicts,
  };
}

/** A route measured by bench/http/pairs.ts against the raw floor. */
function pairArea(
  key: string,
  title: string,
  section: Json,
  minimumFor: (route: Json) => number,
): Area | undefined {
  const routes = Array.isArray(section.routes) ? (section.routes as Json[]) : [];
  if (routes.length === 0) return undefined;
  const rows: string[][] = [];
  const verdicts: Verdict[] = [];
  const saturated: string[] = [];
  for (const route of routes) {
    const servers = obj(route.servers);
    const ratios = obj(route.ratios);
    const ratio = spreadOf(obj(obj(ratios?.fake)?.rps));
    if (ratio === undefined) continue;
    const minimum = minimumFor(route);
    const verdict = atLeast(ratio.median, minimum);
    verdicts.push(verdict);
    rows.push([
      String(route.label ?? route.id),
      fmtSpread(spreadOf(obj(obj(servers?.raw)?.rps))),
      fmtSpread(spreadOf(obj(obj(ratios?.hono)?.rps)), '×'),
      fmtSpread(spreadOf(obj(obj(servers?.fake)?.rps))),
      `**${fmtSpread(ratio, '×')}**`,
      `${verdict.target} raw${minimum === 0.6 ? ' POST' : ''}`,
      metCell(verdict),
      verdict.by,
    ]);
    const client = obj(route.clientCpuShare);
    for (const [server, share] of Object.entries(client ?? {})) {
      const value = spreadOf(share);
      if (value !== undefined && value.max >= 0.9)
        saturated.push(`${route.id} (${server}: ${Math.round(value.max * 100)} %)`);
    }
  }
  const listing = obj(obj(section.listing)?.fake);
  const a = num(listing?.marginalUsPerTask10to100);
  const b = num(listing?.marginalUsPerTask100to1000);
  if (a !== undefined && b !== undefined) {
    const verdict = within(b / a, 0.5, 2);
    verdicts.push(verdict);
    const raw = obj(obj(section.listing)?.raw);
    rows.push([
      'GET /v1/tasks linear in tasks: server CPU per extra task, 10→100 then 100→1 000',
      `${fmt(num(raw?.marginalUsPerTask10to100) ?? Number.NaN)} → ${fmt(num(raw?.marginalUsPerTask100to1000) ?? Number.NaN)} µs`,
      '',
      `${fmt(a)} → ${fmt(b)} µs`,
      `**${fmt(b / a)}×**`,
      verdict.target,
      metCell(verdict),
      verdict.by,
    ]);
  }
  let body = table(
    [
      'route',
      'raw req/s',
      'hono ÷ raw',
      'fake req/s',
      'fake ÷ raw',
      'target',
      'met',
      'by how much',
    ],
    rows,
  );
  const generator = obj(section.method)?.loadGenerator;
  if (typeof generator === 'string')
    body += `\n\nLoad generator: ${
      generator.startsWith('autocannon')
        ? generator.split(':')[0]
        : `hand-written, over node:net (${generator.split(':')[0]} before autocannon replaced it)`
    }.`;
  if (saturated.length > 0)
    body += `\n\nThe load generator used ≥ 90 % of its core in some trial of: ${saturated.join(', ')}. There the floor (or the subject) may be limited by autocannon, not the server.`;
  return { title: `${title} (\`${key}\`)`, body, verdicts };
}

function prismArea(section: Json): Area | undefined {
  const routes = Array.isArray(section.routes) ? (section.routes as Json[]) : [];
  const rows: string[][] = [];
  const verdicts: Verdict[] = [];
  for (const route of routes) {
    const ratio = spreadOf(route.fakeOverPrismRps);
    if (ratio === undefined) continue;
    const verdict = atLeast(ratio.median, 10);
    verdicts.push(verdict);
    rows.push([
      String(route.label),
      fmtSpread(spreadOf(obj(obj(route.prism)?.rps))),
      fmtSpread(spreadOf(obj(obj(route.fake)?.rps))),
      `**${fmtSpread(ratio, '×')}**`,
      `${verdict.target} Prism`,
      metCell(verdict),
      verdict.by,
    ]);
  }
  const startup = obj(section.startup);
  const startRatio = spreadOf(startup?.fakeOverPrism);
  if (startRatio !== undefined) {
    const verdict = atMost(startRatio.median, 0.1);
    verdicts.push(verdict);
    rows.push([
      `start-up to the first 200, ms (fake: ${String(startup?.fakeName ?? 'CLI')})`,
      fmtSpread(spreadOf(startup?.prism)),
      fmtSpread(spreadOf(startup?.fake)),
      `**${fmtSpread(startRatio, '×')}**`,
      `${verdict.target} Prism`,
      metCell(verdict),
      verdict.by,
    ]);
  }
  if (rows.length === 0) return undefined;
  return {
    title: `The fake against Stoplight Prism (\`prism\`; ${String(section.prism ?? 'prism mock')})`,
    body: table(
      ['route', 'Prism req/s', 'fake req/s', 'fake ÷ Prism', 'target', 'met', 'by how much'],
      rows,
    ),
    verdicts,
  };
}

function startupArea(section: Json): Area | undefined {
  const results = obj(section.results);
  if (results === undefined) return undefined;
  const rows = Object.entries(results).map(([name, value]) => [
    name,
    fmtSpread(spreadOf(obj(value)?.firstAnswerMs)),
  ]);
  return {
    title: 'Start-up, process start → first 200 on /v1/health (`startup`; no target of its own)',
    body: table(['how', 'ms, median (range)'], rows),
    verdicts: [],
  };
}

function runtimesArea(section: Json): Area | undefined {
  const routes = Array.isArray(section.routes) ? (section.routes as Json[]) : [];
  const labels = obj(section.runtimes) ?? {};
  const rows: string[][] = [];
  const verdicts: Verdict[] = [];
  for (const route of routes) {
    const node20 = spreadOf(obj(obj(obj(route.runtimes)?.node20)?.rps));
    for (const [id, ratios] of Object.entries(obj(route.ratiosToNode20) ?? {})) {
      const ratio = spreadOf(obj(ratios)?.rps);
      if (ratio === undefined) continue;
      const verdict = atLeast(ratio.median, 0.9);
      verdicts.push(verdict);
      rows.push([
        String(route.label),
        fmtSpread(node20),
        String(labels[id] ?? id),
        `**${fmtSpread(ratio, '×')}**`,
        `${verdict.target} Node 20`,
        metCell(verdict),
        verdict.by,
      ]);
    }
  }
  const skipped = Object.entries(obj(section.skipped) ?? {});
  if (rows.length === 0 && skipped.length === 0) return undefined;
  let body = table(
    ['route', 'Node 20 req/s', 'runtime', 'runtime ÷ Node 20', 'target', 'met', 'by how much'],
    rows,
  );
  if (skipped.length > 0)
    body += `\n\nSkipped: ${skipped.map(([id, why]) => `${id} (${String(why)})`).join('; ')}.`;
  return {
    title: 'Runtimes (`runtimes`; no figure set, the bench checks “not slower than Node 20”)',
    body,
    verdicts,
  };
}

function soakArea(section: Json): Area | undefined {
  const verdict = obj(section.verdict);
  if (verdict === undefined) return undefined;
  const rows: string[][] = [];
  const verdicts: Verdict[] = [];
  const mib = (bytes: number): number => bytes / 2 ** 20;
  for (const [what, growthKey, allowedKey] of [
    ['RSS growth, middle → end of the load', 'rssGrowthMiddleToEndBytes', 'rssAllowedBytes'],
    ['heap growth after GC, middle → end', 'heapGrowthMiddleToEndBytes', 'heapAllowedBytes'],
  ] as const) {
    const growth = num(verdict[growthKey]);
    const allowed = num(verdict[allowedKey]);
    if (growth === undefined || allowed === undefined) continue;
    const check = atMost(mib(growth), mib(allowed), ' MiB');
    verdicts.push(check);
    rows.push([what, `${fmt(mib(growth))} MiB`, check.target, metCell(check), check.by]);
  }
  const load = obj(section.load);
  const config = obj(section.config);
  const problems = Array.isArray(verdict.stateProblems) ? verdict.stateProblems.length : 0;
  rows.push([
    'state left behind after the load (stateProblems)',
    String(problems),
    '0',
    problems === 0 ? 'met' : '**missed**',
    problems === 0 ? '' : `${problems} found`,
  ]);
  verdicts.push({ target: '0', met: problems === 0, by: '' });
  let body = table(['measure', 'measured', 'allowed', 'met', 'by how much'], rows);
  if (load !== undefined)
    body += `\n\n${fmt(num(config?.requests) ?? Number.NaN)} requests at ${fmt(num(load.requestsPerSecond) ?? Number.NaN)} req/s, ${fmt(num(load.unexpectedStatuses) ?? 0)} unexpected statuses; peak RSS ${fmt(mib(num(verdict.peakRssBytes) ?? Number.NaN))} MiB; the bench's verdict: ${verdict.pass === true ? 'pass' : '**fail**'}.`;
  return {
    title: 'Soak: no memory growth beyond the data the fake holds (`soak`)',
    body,
    verdicts,
  };
}

/** The hostile soak (bench/soak/hostile.bench.ts): RSS flat within its tolerance. */
function hostileArea(section: Json): Area | undefined {
  const growth = num(section.rssGrowth);
  const tolerance = num(section.rssTolerance);
  const memory = obj(section.memory);
  if (growth === undefined || tolerance === undefined || memory === undefined) return undefined;
  const rss = (key: string): string => `${fmt(num(obj(memory[key])?.rssMiB) ?? Number.NaN)} MiB`;
  const met = Math.abs(growth) <= tolerance;
  const unexpected = Array.isArray(section.unexpected) ? section.unexpected.length : 0;
  const verdicts: Verdict[] = [
    {
      target: `≤ ${fmt(tolerance * 100)} %`,
      met,
      by: `${met ? 'margin' : 'over by'} ${fmt(Math.abs(tolerance - Math.abs(growth)) * 100)} points`,
    },
    { target: '0', met: unexpected === 0, by: unexpected === 0 ? '' : `${unexpected} found` },
  ];
  const rows = [
    [
      'RSS after GC, journal full → end',
      `${rss('before')} → ${rss('after')} (${fmt(growth * 100)} %)`,
      verdicts[0]?.target ?? '',
      met ? 'met' : '**missed**',
      verdicts[0]?.by ?? '',
    ],
    ['unexpected statuses', String(unexpected), '0', unexpected === 0 ? 'met' : '**missed**', ''],
  ];
  return {
    title: 'Hostile soak: refused bodies leave nothing behind (`hostile`)',
    body: `${table(['measure', 'measured', 'allowed', 'met', 'by how much'], rows)}\n\n${fmt(num(section.requests) ?? Number.NaN)} requests, ${fmt(num(section.hostileRequests) ?? Number.NaN)} of them oversized, deep or mislabelled (${fmt(num(section.bodyMiBSent) ?? Number.NaN)} MiB of bodies).`,
    verdicts,
  };
}

/** The markdown between the README's markers. */
export function renderSummary(merged: MergedResults, source: string): string {
  const s = merged.sections;
  const section = (key: string): Json | undefined => obj(s[key]);
  const areas: { key: string; area: Area | undefined }[] = [
    { key: 'engine', area: section('engine') && engineArea(section('engine') as Json) },
    {
      key: 'cts',
      area:
        section('cts') &&
        pairArea(
          'cts',
          'CTS routes against the raw node:http floor',
          section('cts') as Json,
          (r) => (r.id === 'cts-create' ? 0.6 : 0.75),
        ),
    },
    {
      key: 'tfc',
      area:
        section('tfc') &&
        pairArea('tfc', 'Terraform Cloud run-task routes', section('tfc') as Json, () => 0.75),
    },
    {
      key: 'ona',
      area:
        section('ona') &&
        pairArea('ona', 'Ona automation routes', section('ona') as Json, (r) =>
          r.id === 'ona-start-task' ? 0.6 : 0.75,
        ),
    },
    { key: 'prism', area: section('prism') && prismArea(section('prism') as Json) },
    { key: 'startup', area: section('startup') && startupArea(section('startup') as Json) },
    { key: 'runtimes', area: section('runtimes') && runtimesArea(section('runtimes') as Json) },
    { key: 'soak', area: section('soak') && soakArea(section('soak') as Json) },
    { key: 'hostile', area: section('hostile') && hostileArea(section('hostile') as Json) },
    { key: 'postgres', area: section('postgres') && postgresArea(section('postgres') as Json) },
  ];
  const steps = new Map<string, RunStep>();
  for (const step of merged.run?.steps ?? []) for (const key of step.sections) steps.set(key, step);

  const out: string[] = [];
  const all = areas.flatMap(({ area }) => area?.verdicts ?? []);
  const met = all.filter((verdict) => verdict.met).length;
  const machine = ['cts', 'engine', ...Object.keys(s)]
    .map((key) => obj(obj(s[key])?.machine))
    .find((value) => value !== undefined);
  out.push(
    `Results of **${merged.date}** (\`${source}\`), generated by \`npm run bench:summary\` from that file: do not edit this block by hand.` +
      (machine === undefined
        ? ''
        : ` Machine: ${String(machine.cpuModel ?? '')}, ${String(machine.nproc ?? machine.cpus ?? '?')} CPUs, Node ${String(machine.node ?? '')}.`) +
      ` **${met} of ${all.length} targets met.** Medians with the (min–max) range over the measured rounds; every ratio is taken within a round, then summarised.`,
  );
  if (merged.run !== undefined) {
    const run = merged.run;
    const notOk = run.steps.filter((step) => step.status !== 'ok');
    out.push(
      `\n\`npm run bench\` from ${run.startedAt} to ${run.finishedAt}: ${run.steps.filter((step) => step.status === 'ok').length} of ${run.steps.length} steps ran` +
        (notOk.length === 0
          ? '.'
          : `; ${notOk.map((step) => `${step.name} ${step.status}${step.reason === undefined ? '' : ` (${step.reason})`}`).join('; ')}.`),
    );
  }
  for (const { key, area } of areas) {
    if (area === undefined) {
      out.push(`\n#### \`${key}\`\n\nNot in this results file.`);
      continue;
    }
    const step = steps.get(key);
    const stale =
      step !== undefined && step.status !== 'ok'
        ? `\n\n*This run's \`${step.name}\` step ${step.status}: the figures below are from an earlier run of ${merged.date}, read from \`${merged.sources[key]}\`.*`
        : '';
    out.push(`\n#### ${area.title}${stale}\n\n${area.body}`);
  }
  return out.join('\n');
}

/** Replaces the block between the markers of `readme` with `markdown`. */
export function updateReadme(markdown: string, readme = README): void {
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < start)
    throw new Error(`${readme}: no ${START_MARKER} … ${END_MARKER} block`);
  writeFileSync(
    readme,
    `${text.slice(0, start + START_MARKER.length)}\n${markdown}\n${text.slice(end)}`,
  );
}

// ─── command line ───────────────────────────────────────────────────────────

function main(): void {
  const args = process.argv.slice(2);
  const print = args.includes('--print');
  const target = args.find((arg) => !arg.startsWith('--'));
  let merged: MergedResults;
  let source: string;
  if (target?.endsWith('.json')) {
    const path = resolve(target);
    merged = JSON.parse(readFileSync(path, 'utf8')) as MergedResults;
    source = `bench/results/${basename(path)}`;
  } else {
    const date = target ?? latestDate();
    if (date === undefined) throw new Error('bench/results has no results');
    // Keep the run record of an earlier `npm run bench` of that date.
    const existing = existsSync(mergedPath(date))
      ? (JSON.parse(readFileSync(mergedPath(date), 'utf8')) as MergedResults)
      : undefined;
    merged = mergeResults(date, existing?.run === undefined ? {} : { run: existing.run });
    if (Object.keys(merged.sections).length === 0)
      throw new Error(`bench/results has no files of ${date}`);
    source = `bench/results/${date}.json`;
    if (!print) console.log(`wrote ${writeMerged(merged)}`);
  }
  const markdown = renderSummary(merged, source);
  if (print) {
    console.log(markdown);
    return;
  }
  updateReadme(markdown);
  console.log(`updated the summary in ${README}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main();
