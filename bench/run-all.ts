/**
 * `npm run bench`: every bench, one after the other, as child processes
 * with their output streamed, then the day's results merged into
 * `bench/results/<date>.json` and the summary in bench/README.md
 * regenerated from it (bench/summary.ts).
 *
 *   engine    node --expose-gc --import tsx bench/engine/debounce.bench.ts   (under taskset -c 1)
 *   cts       bench/http/cts.bench.ts
 *   tfc       bench/http/tfc.bench.ts
 *   ona       bench/http/ona.bench.ts
 *   runtimes  npm run bench:runtimes   (npm run build, then Node 20 / Node 24 / Bun / Deno)
 *   startup   bench/startup/startup.bench.ts
 *   prism     bench/http/prism.bench.ts   (Prism installed into $PRISM_DIR first when missing)
 *   soak      node --expose-gc --import tsx bench/soak/soak.bench.ts   (when the file exists)
 *   hostile   bench/soak/hostile.bench.ts   (oversized and malformed bodies among normal traffic)
 *   postgres  bench/postgres/postgres.bench.ts   (taskport, graphile-worker and pg-boss on one PostgreSQL server)
 *
 * Each bench still writes its own file (`engine-<date>.json`, `http-<date>.json`,
 * `soak-<date>.json`, `postgres-<date>.json`); the merged file holds one section per bench plus this
 * run's record (steps, exit codes, skips and why). A failed step does not stop
 * the run; the merged file and the summary say which step failed, and the
 * run exits non-zero. A missed target is not a failure.
 *
 * Environment: BENCH_QUICK=1 (every bench's smoke mode; nothing is written,
 * nothing merged, the README untouched), BENCH_ONLY=cts,tfc (a subset of the
 * steps), PRISM_DIR (default /tmp/prism), BENCH_DATE (the results' date;
 * default today, fixed for the whole run), and every bench's own variables.
 */

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  mergeResults,
  newestBenchFile,
  type RunStep,
  renderSummary,
  updateReadme,
  writeMerged,
} from './summary.ts';

const REPO_DIR = join(import.meta.dirname, '..');
const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = process.env.BENCH_ONLY?.split(',');
const DATE = process.env.BENCH_DATE ?? new Date().toISOString().slice(0, 10);
const PRISM_DIR = process.env.PRISM_DIR ?? '/tmp/prism';
const PRISM_VERSION = '5.14.2';
const PRISM_BIN = join(PRISM_DIR, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function which(command: string): string | undefined {
  try {
    return execFileSync('which', [command], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

interface StepDef {
  readonly name: string;
  /** The results file the step writes (`<prefix>-<date>.json`) and its sections in the merged file. */
  readonly prefix: string;
  readonly sections: readonly string[];
  readonly command: string;
  readonly args: readonly string[];
  /** Why the step cannot run (checked just before it would). */
  prepare?(): string | undefined;
}

const node = (script: string, flags: readonly string[] = []): [string, string[]] => [
  process.execPath,
  [...flags, '--import', 'tsx', script],
];

function ensurePrism(): string | undefined {
  if (existsSync(PRISM_BIN)) return undefined;
  console.log(
    `\nPrism not found in ${PRISM_DIR}: npm install --prefix ${PRISM_DIR} @stoplight/prism-cli@${PRISM_VERSION}`,
  );
  try {
    mkdirSync(PRISM_DIR, { recursive: true });
    execFileSync(
      NPM,
      [
        'install',
        '--prefix',
        PRISM_DIR,
        '--no-audit',
        '--no-fund',
        `@stoplight/prism-cli@${PRISM_VERSION}`,
      ],
      { stdio: 'inherit', timeout: 10 * 60_000 },
    );
  } catch (error) {
    return `installing @stoplight/prism-cli@${PRISM_VERSION} into ${PRISM_DIR} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  return existsSync(PRISM_BIN) ? undefined : `no ${PRISM_BIN} after npm install`;
}

function steps(): StepDef[] {
  const taskset = which('taskset');
  const [engineCommand, engineArgs] = node('bench/engine/debounce.bench.ts', ['--expose-gc']);
  const soakScript = join(REPO_DIR, 'bench', 'soak', 'soak.bench.ts');
  const http = (name: string, script: string): StepDef => {
    const [command, args] = node(script);
    return { name, prefix: 'http', sections: [name], command, args };
  };
  const [soakCommand, soakArgs] = node('bench/soak/soak.bench.ts', ['--expose-gc']);
  return [
    {
      name: 'engine',
      prefix: 'engine',
      sections: ['engine'],
      // Pinned to one core, as the recorded engine results were taken.
      ...(taskset === undefined
        ? { command: engineCommand, args: engineArgs }
        : { command: taskset, args: ['-c', '1', engineCommand, ...engineArgs] }),
    },
    http('cts', 'bench/http/cts.bench.ts'),
    http('tfc', 'bench/http/tfc.bench.ts'),
    http('ona', 'bench/http/ona.bench.ts'),
    {
      name: 'runtimes',
      prefix: 'http',
      sections: ['runtimes'],
      command: NPM,
      args: ['run', '--silent', 'bench:runtimes'],
    },
    http('startup', 'bench/startup/startup.bench.ts'),
    { ...http('prism', 'bench/http/prism.bench.ts'), prepare: ensurePrism },
    {
      name: 'soak',
      prefix: 'soak',
      sections: ['soak'],
      command: soakCommand,
      args: soakArgs,
      prepare: () =>
        existsSync(soakScript) ? undefined : 'bench/soak/soak.bench.ts does not exist',
    },
    http('hostile', 'bench/soak/hostile.bench.ts'),
    { ...http('postgres', 'bench/postgres/postgres.bench.ts'), prefix: 'postgres' },
  ];
}

function runStep(step: StepDef): Promise<{ exitCode: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    const child = spawn(step.command, [...step.args], {
      cwd: REPO_DIR,
      stdio: 'inherit',
      env: { ...process.env, BENCH_DATE: DATE, PRISM_DIR },
    });
    child.once('error', (error) => {
      console.error(`${step.name}: ${error.message}`);
      resolve({ exitCode: -1, signal: null });
    });
    child.once('exit', (exitCode, signal) => resolve({ exitCode, signal }));
  });
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const all = steps();
  const unknown = ONLY?.filter((name) => !all.some((step) => step.name === name)) ?? [];
  if (unknown.length > 0)
    throw new Error(
      `BENCH_ONLY: no step ${unknown.join(', ')} (steps: ${all.map((step) => step.name).join(', ')})`,
    );
  const selected = all.filter((step) => ONLY === undefined || ONLY.includes(step.name));
  console.log(
    `npm run bench — ${selected.map((step) => step.name).join(', ')}${QUICK ? ' (BENCH_QUICK: smoke runs, nothing written)' : ''}; results date ${DATE}`,
  );
  const record: RunStep[] = [];
  const extra = new Map<string, string>();
  for (const step of selected) {
    const command = [step.command, ...step.args].join(' ');
    console.log(`\n━━━ ${step.name}: ${command}\n`);
    const unavailable = step.prepare?.();
    if (unavailable !== undefined) {
      console.log(`skipped ${step.name}: ${unavailable}`);
      record.push({
        name: step.name,
        command,
        sections: step.sections,
        status: 'skipped',
        reason: unavailable,
      });
      continue;
    }
    const stepStarted = Date.now();
    const { exitCode, signal } = await runStep(step);
    const seconds = Math.round((Date.now() - stepStarted) / 100) / 10;
    const ok = exitCode === 0;
    record.push({
      name: step.name,
      command,
      sections: step.sections,
      status: ok ? 'ok' : 'failed',
      exitCode,
      seconds,
      ...(ok ? {} : { reason: signal === null ? `exit code ${exitCode}` : `killed by ${signal}` }),
    });
    console.log(`\n━━━ ${step.name}: ${ok ? 'done' : 'FAILED'} in ${seconds} s`);
    // A bench that dates its file itself may have crossed midnight: take the file it just wrote.
    if (ok && !QUICK) {
      const path = newestBenchFile(step.prefix, stepStarted);
      if (path !== undefined && !path.endsWith(`-${DATE}.json`)) extra.set(step.prefix, path);
    }
  }

  console.log('\n━━━ steps');
  for (const step of record)
    console.log(
      `  ${step.status.padEnd(7)} ${step.name}${step.seconds === undefined ? '' : ` (${step.seconds} s)`}${step.reason === undefined ? '' : `: ${step.reason}`}`,
    );
  const failed = record.filter((step) => step.status === 'failed');
  if (QUICK) {
    console.log('\n(BENCH_QUICK: nothing merged, the README left alone)');
  } else {
    const merged = mergeResults(DATE, {
      run: {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        quick: QUICK,
        steps: record,
      },
      extra,
    });
    const path = writeMerged(merged);
    updateReadme(renderSummary(merged, `bench/results/${DATE}.json`));
    console.log(`\nwrote ${path} and the summary in bench/README.md`);
  }
  if (failed.length > 0) {
    console.error(
      `\n${failed.length} step(s) failed: ${failed.map((step) => step.name).join(', ')}`,
    );
    process.exitCode = 1;
  }
}

await main();
