/**
 * The package as a user gets it. The working tree's files (tracked and
 * untracked, as git sees them) are copied to a staging directory, built
 * there with `npm run build`, packed with `npm pack`, and the tarball is
 * installed into a fresh consumer project with `npm install`, beside the
 * examples and the runtime entries. Staging keeps the repository's own
 * `dist/` out of it: a stale or concurrent build cannot leak into the tarball.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { runOk } from '../runtime/process.ts';
import { REPO_ROOT } from '../runtime/runtimes.ts';

/** What the global setup hands the suites (plain data: it crosses to the workers). */
export interface PackedPackage {
  /** The workspace holding everything below. */
  readonly dir: string;
  readonly tarball: string;
  /** The tarball's files, as `npm pack --json` lists them. */
  readonly files: readonly string[];
  readonly unpackedSize: number;
  /** The consumer project: `node_modules/taskport` from the tarball, `examples/`, `servers/`. */
  readonly consumer: string;
  /** Seconds each step took. */
  readonly timings: Readonly<Record<string, number>>;
}

/** Steps get this long each; a cold `npm install` on two cores takes well under it. */
const STEP_TIMEOUT_MS = 240_000;

/** The consumer's tools, at the versions the repository itself uses. */
const CONSUMER_DEV_DEPENDENCIES = ['vitest', 'typescript', '@types/node', 'msw'];

const require = createRequire(import.meta.url);

function installedVersion(name: string): string {
  const manifest = require(join(REPO_ROOT, 'node_modules', name, 'package.json')) as {
    version: string;
  };
  return manifest.version;
}

/** Never staged: installs, builds and VCS data. */
const UNSTAGED = new Set(['node_modules', '.git', 'dist', 'coverage']);

/**
 * The working tree's files that git would commit (tracked or untracked, not
 * ignored); outside a git checkout, every file but the {@link UNSTAGED} ones.
 */
function workingTreeFiles(): string[] {
  let files: string[];
  try {
    files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).split('\0');
  } catch {
    files = readdirSync(REPO_ROOT, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(REPO_ROOT, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .filter((file) => !file.split('/').some((part) => UNSTAGED.has(part)));
  }
  return files
    .filter((file) => file !== '' && !file.startsWith('test/runtime/node24/'))
    .filter((file) => existsSync(join(REPO_ROOT, file)));
}

async function stage(stageDir: string): Promise<void> {
  for (const file of workingTreeFiles()) {
    const target = join(stageDir, file);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(REPO_ROOT, file), target);
  }
  // The build's compiler and types, without another install.
  await symlink(join(REPO_ROOT, 'node_modules'), join(stageDir, 'node_modules'), 'dir');
}

interface PackJson {
  filename: string;
  unpackedSize: number;
  files: { path: string }[];
}

/** Builds, packs and installs the package into a new workspace under `dir`. */
export async function preparePackedPackage(dir: string): Promise<PackedPackage> {
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    timings[name] = Math.round((performance.now() - started) / 100) / 10;
    return result;
  };
  const stageDir = join(dir, 'stage');
  const consumer = join(dir, 'consumer');
  const packs = join(dir, 'packs');
  await mkdir(stageDir, { recursive: true });
  await mkdir(packs, { recursive: true });
  await mkdir(consumer, { recursive: true });

  await step('stage', () => stage(stageDir));
  await step('build', () =>
    runOk('npm', ['run', 'build'], { cwd: stageDir, timeoutMs: STEP_TIMEOUT_MS }),
  );
  // The build ran already; `prepare` would only run it again.
  const packed = await step('pack', () =>
    runOk('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packs], {
      cwd: stageDir,
      timeoutMs: STEP_TIMEOUT_MS,
    }),
  );
  const [pack] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as PackJson[];
  if (pack === undefined) throw new Error(`npm pack printed no package:\n${packed.stdout}`);
  const tarball = join(packs, pack.filename);

  await writeFile(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'taskport-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  await step('install', () =>
    runOk(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--save-exact',
        tarball,
        ...CONSUMER_DEV_DEPENDENCIES.map((name) => `${name}@${installedVersion(name)}`),
      ],
      { cwd: consumer, timeoutMs: STEP_TIMEOUT_MS },
    ),
  );
  await cp(join(REPO_ROOT, 'examples'), join(consumer, 'examples'), { recursive: true });
  await cp(join(REPO_ROOT, 'test/runtime/servers'), join(consumer, 'servers'), {
    recursive: true,
  });
  await rm(stageDir, { recursive: true, force: true });

  return {
    dir,
    tarball,
    files: pack.files.map((file) => file.path).sort(),
    unpackedSize: pack.unpackedSize,
    consumer,
    timings,
  };
}

const MANIFEST = 'packed.json';

/**
 * The packed package for one test run: in a new temporary directory, or, with
 * `TASKPORT_PACKED_DIR` set, in that directory, kept and reused by later runs
 * (delete it to repack).
 */
export async function packedPackage(): Promise<{
  packed: PackedPackage;
  dispose: () => Promise<void>;
}> {
  const keep = process.env.TASKPORT_PACKED_DIR;
  if (keep !== undefined && keep !== '') {
    const manifest = join(keep, MANIFEST);
    if (existsSync(manifest)) {
      return {
        packed: JSON.parse(await readFile(manifest, 'utf8')) as PackedPackage,
        dispose: async () => {},
      };
    }
    await mkdir(keep, { recursive: true });
    const packed = await preparePackedPackage(keep);
    await writeFile(manifest, JSON.stringify(packed, null, 2));
    return { packed, dispose: async () => {} };
  }
  const dir = await mkdtemp(join(tmpdir(), 'taskport-packed-'));
  try {
    const packed = await preparePackedPackage(dir);
    return { packed, dispose: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
