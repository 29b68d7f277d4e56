/**
 * Start-up: how long a user waits for the fake.
 *
 *   cli (tsx)  `node --import tsx src/cli.ts serve --port 0`, process start → first 200 on /v1/health
 *   cli (dist) `node dist/cli.js serve --port 0`, the same (when dist/cli.js exists)
 *   in-process `await startFakeServer()` → first 200 on /v1/health (module already imported)
 *
 * The CLI variants alternate run by run (pinned to core 0 when taskset
 * exists; this process polls from core 1); median (min–max) of 20 each.
 *
 *   npm run bench:startup                 # ~1 minute, merges into bench/results/http-<date>.json
 *   BENCH_RUNS=5 npm run bench:startup
 *   BENCH_QUICK=1 npm run bench:startup   # 2 runs each, nothing written
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatSpread,
  machine,
  pinSelf,
  REPO_DIR,
  roundSpread,
  type Spread,
  spread,
  today,
  writeResults,
} from '../http/harness.ts';
import { START_TIMEOUT_MS, timeToFirstAnswer, waitFor200 } from './first-answer.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 2 : 20));

const FAKE_URL = /listening on (http:\/\/\S+)/;

interface Variant {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
}

async function main(): Promise<void> {
  pinSelf();
  const variants: Variant[] = [
    {
      name: 'cli (tsx src/cli.ts)',
      command: process.execPath,
      args: ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0'],
    },
  ];
  const dist = join(REPO_DIR, 'dist', 'cli.js');
  if (existsSync(dist))
    variants.push({
      name: 'cli (dist/cli.js)',
      command: process.execPath,
      args: [dist, 'serve', '--port', '0'],
    });

  const samples = new Map<string, { ms: number[]; listeningMs: number[] }>(
    variants.map((variant) => [variant.name, { ms: [], listeningMs: [] }]),
  );
  // One unmeasured start of each warms the page cache (and tsx's transform cache).
  for (const variant of variants)
    await timeToFirstAnswer(
      variant.command,
      variant.args,
      (out) => FAKE_URL.exec(out)?.[1],
      '/v1/health',
    );
  for (let run = 0; run < RUNS; run++) {
    for (const variant of run % 2 === 0 ? variants : [...variants].reverse()) {
      const result = await timeToFirstAnswer(
        variant.command,
        variant.args,
        (out) => FAKE_URL.exec(out)?.[1],
        '/v1/health',
      );
      const bucket = samples.get(variant.name) as { ms: number[]; listeningMs: number[] };
      bucket.ms.push(result.ms);
      bucket.listeningMs.push(result.listeningMs);
    }
  }

  // In process: the module is imported once (timed), then RUNS starts.
  const importStarted = performance.now();
  const { startFakeServer } = await import('../../src/testing/index.ts');
  const importMs = performance.now() - importStarted;
  const inProcess: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const started = performance.now();
    const fake = await startFakeServer();
    await waitFor200(`${fake.url}/v1/health`, started + START_TIMEOUT_MS);
    inProcess.push(performance.now() - started);
    await fake.close();
  }
  const [firstInProcess, ...restInProcess] = inProcess;

  const results: Record<string, { firstAnswerMs: Spread; listeningLineMs?: Spread }> = {};
  console.log(`bench:startup — ${RUNS} runs each, median (min–max), ms`);
  for (const [name, bucket] of samples) {
    results[name] = {
      firstAnswerMs: roundSpread(spread(bucket.ms)),
      listeningLineMs: roundSpread(spread(bucket.listeningMs)),
    };
    console.log(
      `  ${name.padEnd(28)} first 200: ${formatSpread(spread(bucket.ms))}   ("listening" printed: ${formatSpread(spread(bucket.listeningMs))})`,
    );
  }
  results['startFakeServer() in process'] = { firstAnswerMs: roundSpread(spread(restInProcess)) };
  console.log(
    `  ${'startFakeServer()'.padEnd(28)} first 200: ${formatSpread(spread(restInProcess))}   (first call ${firstInProcess?.toFixed(2)}; importing taskport/testing via tsx ${importMs.toFixed(1)})`,
  );
  if (QUICK) {
    console.log('(BENCH_QUICK: nothing written)');
    return;
  }
  const path = writeResults('startup', {
    date: today(),
    machine: machine(),
    runs: RUNS,
    results,
    inProcessFirstCallMs: firstInProcess,
    inProcessImportMs: importMs,
  });
  console.log(`wrote ${path}`);
}

await main();
