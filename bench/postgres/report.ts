/**
 * The PostgreSQL bench's results: every trial as measured, medians (ranges)
 * per system and process count, the ratios taken within each round, and the
 * issue's two targets, met or missed and by how much.
 */

import os from 'node:os';
import type { SystemName } from './settings.ts';
import { round, roundSpread, type Spread, spread } from './stats.ts';
import type { TrialResult } from './trial.ts';

/** taskport's runs per second ÷ the better peer's, at each process count. */
export const RUNS_VS_BEST_PEER_TARGET = 1;
/** taskport's runs per second with 2 processes ÷ with 1. */
export const SCALING_TARGET = 1.6;

export interface RunMeta {
  readonly date: string;
  readonly quick: boolean;
  readonly rounds: number;
  readonly processes: readonly number[];
  readonly systems: readonly SystemName[];
  readonly config: Record<string, unknown>;
  readonly postgresVersion: string;
  readonly seconds: number;
}

export interface SystemFigures {
  /** The first drain: every key's first run. */
  readonly firstRunsPerSec: Spread;
  readonly drainRunsPerSec: Spread;
  readonly drainCores: Spread;
  /** The whole machine's busy cores during the drain (ours and everyone else's). */
  readonly drainMachineCores: Spread;
  readonly workerCpuMsPerRun: Spread;
  readonly serverCpuMsPerRun: Spread;
  readonly workerQueriesPerRun: Spread;
  readonly flatTriggersPerSec: Spread;
  readonly flatRunsPerSec: Spread;
  readonly generatorCpuMsPerTrigger: Spread;
  readonly generatorQueriesPerTrigger: Spread;
  readonly pacedP50Ms: Spread;
  readonly pacedP99Ms: Spread;
}

export interface Target {
  readonly measured: number;
  readonly target: number;
  readonly met: boolean;
  /** measured − target, and as a fraction of the target. */
  readonly margin: number;
  readonly marginFraction: number;
}

export interface PostgresSection extends RunMeta {
  readonly machine: Record<string, unknown>;
  /** system → process count → figures. */
  readonly figures: Record<string, Record<string, SystemFigures>>;
  /** process count → taskport ÷ the better peer (per round), and which peer that was. */
  readonly runsVsBestPeer: Record<string, { ratio: Spread; bestPeer: string[] }>;
  /** system → `1→2` / `1→4` → runs per second ratio (per round). */
  readonly scaling: Record<string, Record<string, Spread>>;
  readonly targets: {
    /** process count → taskport vs the better peer. */
    readonly runsVsBestPeer: Record<string, Target>;
    readonly scaling1to2: Target | undefined;
  };
  readonly trials: readonly TrialResult[];
}

function machine(): Record<string, unknown> {
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    totalMemGiB: round(os.totalmem() / 2 ** 30),
    loadAverageAtEnd: os.loadavg().map((load) => round(load)),
  };
}

function target(measured: number, goal: number): Target {
  return {
    measured: round(measured),
    target: goal,
    met: measured >= goal,
    margin: round(measured - goal),
    marginFraction: round(measured / goal - 1),
  };
}

export function summarise(results: readonly TrialResult[], meta: RunMeta): PostgresSection {
  const find = (system: SystemName, processes: number, roundNo: number) =>
    results.find((r) => r.system === system && r.processes === processes && r.round === roundNo);
  const figures: Record<string, Record<string, SystemFigures>> = {};
  for (const system of meta.systems) {
    figures[system] = {};
    for (const processes of meta.processes) {
      const trials = results.filter((r) => r.system === system && r.processes === processes);
      const of = (pick: (r: TrialResult) => number) => roundSpread(spread(trials.map(pick)));
      figures[system][String(processes)] = {
        firstRunsPerSec: of((r) => r.firstDrain.runsPerSec),
        drainRunsPerSec: of((r) => r.drain.runsPerSec),
        drainCores: of((r) => r.drain.cpu.cores),
        drainMachineCores: of((r) => r.drain.cpu.machineCores),
        workerCpuMsPerRun: of((r) => r.drain.workerCpuMsPerRun),
        serverCpuMsPerRun: of((r) => r.drain.serverCpuMsPerRun),
        workerQueriesPerRun: of((r) => r.drain.workerQueriesPerRun),
        flatTriggersPerSec: of((r) => r.flat.triggersPerSec),
        flatRunsPerSec: of((r) => r.flat.runsPerSec),
        generatorCpuMsPerTrigger: of((r) => r.flat.generatorCpuMsPerTrigger),
        generatorQueriesPerTrigger: of((r) => r.flat.generatorQueriesPerTrigger),
        pacedP50Ms: of((r) => r.paced.latencyMs.p50),
        pacedP99Ms: of((r) => r.paced.latencyMs.p99),
      };
    }
  }
  const rounds = Array.from({ length: meta.rounds }, (_, i) => i + 1);
  // The baseline is taskport itself, never a peer.
  const peers = meta.systems.filter((system) => !system.startsWith('taskport'));
  const runsVsBestPeer: PostgresSection['runsVsBestPeer'] = {};
  const vsPeerTargets: Record<string, Target> = {};
  if (meta.systems.includes('taskport') && peers.length > 0) {
    for (const processes of meta.processes) {
      const ratios: number[] = [];
      const bestPeer: string[] = [];
      for (const roundNo of rounds) {
        const ours = find('taskport', processes, roundNo)?.drain.runsPerSec;
        const best = peers
          .flatMap((peer) => {
            const rate = find(peer, processes, roundNo)?.drain.runsPerSec;
            return rate === undefined ? [] : [{ peer, rate }];
          })
          .sort((a, b) => b.rate - a.rate)[0];
        if (ours === undefined || best === undefined) continue;
        ratios.push(ours / best.rate);
        bestPeer.push(best.peer);
      }
      const ratio = roundSpread(spread(ratios));
      runsVsBestPeer[String(processes)] = { ratio, bestPeer };
      vsPeerTargets[String(processes)] = target(ratio.median, RUNS_VS_BEST_PEER_TARGET);
    }
  }
  const scaling: PostgresSection['scaling'] = {};
  for (const system of meta.systems) {
    scaling[system] = {};
    for (const processes of meta.processes.filter((p) => p > 1)) {
      const ratios = rounds.flatMap((roundNo) => {
        const one = find(system, 1, roundNo)?.drain.runsPerSec;
        const many = find(system, processes, roundNo)?.drain.runsPerSec;
        return one === undefined || many === undefined ? [] : [many / one];
      });
      if (ratios.length > 0) scaling[system][`1→${processes}`] = roundSpread(spread(ratios));
    }
  }
  const ourScaling = scaling.taskport?.['1→2'];
  const targets: PostgresSection['targets'] = {
    runsVsBestPeer: vsPeerTargets,
    scaling1to2: ourScaling === undefined ? undefined : target(ourScaling.median, SCALING_TARGET),
  };
  return {
    ...meta,
    machine: machine(),
    figures,
    runsVsBestPeer,
    scaling,
    targets,
    trials: results,
  };
}

function cell(value: Spread | undefined): string {
  if (value === undefined || !Number.isFinite(value.median)) return '–';
  return value.min === value.max
    ? String(value.median)
    : `${value.median} (${value.min}–${value.max})`;
}

/** The figures as text tables, for the console. */
export function describeRounds(section: PostgresSection): string {
  const out: string[] = [];
  out.push(
    'system × processes | first-run drain runs/s | drain runs/s | CPU ms/run workers + server | statements/run | cores busy (machine) | flat triggers/s | statements/trigger | flat runs/s | paced p50 / p99 ms',
  );
  for (const system of section.systems) {
    for (const processes of section.processes) {
      const f = section.figures[system]?.[String(processes)];
      if (f === undefined) continue;
      out.push(
        `${system} ×${processes} | ${cell(f.firstRunsPerSec)} | ${cell(f.drainRunsPerSec)} | ${cell(f.workerCpuMsPerRun)} + ${cell(f.serverCpuMsPerRun)} | ${cell(f.workerQueriesPerRun)} | ${cell(f.drainCores)} (${cell(f.drainMachineCores)}) | ${cell(f.flatTriggersPerSec)} | ${cell(f.generatorQueriesPerTrigger)} | ${cell(f.flatRunsPerSec)} | ${cell(f.pacedP50Ms)} / ${cell(f.pacedP99Ms)}`,
      );
    }
  }
  for (const [processes, entry] of Object.entries(section.runsVsBestPeer)) {
    const verdict = section.targets.runsVsBestPeer[processes];
    out.push(
      `taskport ÷ better peer, runs/s ×${processes}: ${cell(entry.ratio)} (peer: ${entry.bestPeer.join(', ')}) → ${verdict?.met ? 'met' : 'MISSED'} (target ≥ ${RUNS_VS_BEST_PEER_TARGET})`,
    );
  }
  for (const [system, ratios] of Object.entries(section.scaling)) {
    out.push(
      `${system} scaling: ${Object.entries(ratios)
        .map(([step, ratio]) => `${step} ${cell(ratio)}`)
        .join(', ')}`,
    );
  }
  const scaling = section.targets.scaling1to2;
  if (scaling !== undefined)
    out.push(
      `taskport 1→2 processes: ${scaling.measured}× → ${scaling.met ? 'met' : 'MISSED'} (target ≥ ${SCALING_TARGET}×)`,
    );
  return out.join('\n');
}
