/**
 * The packed package: what the tarball holds, that every subpath loads from
 * Node ESM and through `require()` where Node has require(esm), that a
 * TypeScript consumer type-checks against the installed declarations, and
 * that publint and Are The Types Wrong find nothing.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { run } from '../runtime/process.ts';
import { REPO_ROOT, runtimes } from '../runtime/runtimes.ts';

const packed = inject('packed');
const installed = join(packed.consumer, 'node_modules/taskport');

/** Every subpath, and names it must export (tfc and ona: none promised yet). */
const SUBPATHS: Readonly<Record<string, readonly string[]>> = {
  taskport: ['createEngine', 'VirtualClock', 'MemoryStore', 'EngineError'],
  'taskport/cts': ['ctsApi', 'createCtsEngine'],
  'taskport/tfc': [],
  'taskport/ona': [],
  'taskport/testing': ['startFakeServer', 'createFakeApp', 'FakeControl'],
  'taskport/node': ['listen'],
  'taskport/msw': ['taskportHandlers'],
  'taskport/vitest': ['test', 'createTaskportTest', 'ControlClient'],
  'taskport/postgres': [
    'createPostgresStorage',
    'PostgresStore',
    'PostgresCoordination',
    'PostgresStorageError',
    'migrate',
    'SCHEMA_VERSION',
  ],
};

interface Manifest {
  exports: Record<string, string | { types: string; default: string }>;
  bin: Record<string, string>;
  files: string[];
}

const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

describe('the tarball', () => {
  const files = packed.files;

  it('holds the build, the README and package.json, and nothing else', () => {
    const strays = files.filter(
      (file) =>
        !['package.json', 'README.md', 'LICENSE'].includes(file) &&
        !/^dist\/.+\.(js|d\.ts|json)$/.test(file),
    );
    expect(strays).toEqual([]);
    for (const forbidden of [
      /^src\//,
      /^test\//,
      /^bench\//,
      /^examples\//,
      /\.map$/,
      /tsconfig/,
    ]) {
      expect(files.filter((file) => forbidden.test(file))).toEqual([]);
    }
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });

  it('has every export target, its declarations, and the bin', () => {
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      const targets = typeof target === 'string' ? [target] : [target.types, target.default];
      for (const path of targets) {
        expect(files, `${subpath} → ${path}`).toContain(path.replace(/^\.\//, ''));
      }
    }
    for (const bin of Object.values(manifest.bin)) {
      expect(files).toContain(bin.replace(/^\.\//, ''));
    }
  });

  it('gives every module its declarations', () => {
    const modules = files.filter((file) => file.endsWith('.js'));
    const missing = modules.filter((file) => !files.includes(file.replace(/\.js$/, '.d.ts')));
    expect(missing).toEqual([]);
  });

  it('points at no source map, and every relative import at a shipped file', async () => {
    const offending: string[] = [];
    for (const file of files.filter((name) => /\.(js|d\.ts)$/.test(name))) {
      const text = await readFile(join(installed, file), 'utf8');
      if (text.includes('sourceMappingURL')) offending.push(`${file}: sourceMappingURL`);
      for (const [, specifier = ''] of text.matchAll(
        /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g,
      )) {
        // JavaScript imports the emitted .js; a declaration's `.ts` specifier
        // resolves (TypeScript ≥ 5.0) to the .d.ts beside it.
        const target = posix.join(posix.dirname(file), specifier);
        const shipped = file.endsWith('.d.ts')
          ? [target, target.replace(/\.(ts|js)$/, '.d.ts')]
          : [target];
        if (file.endsWith('.js') && specifier.endsWith('.ts')) {
          offending.push(`${file}: imports ${specifier}`);
        } else if (!shipped.some((candidate) => files.includes(candidate))) {
          offending.push(`${file}: ${specifier} is not in the package`);
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('stays small', () => {
    expect(packed.unpackedSize).toBeLessThan(2 * 1024 * 1024);
  });
});

/**
 * Subpaths that load only inside a vitest run (`test.extend` needs its
 * runner): examples/vitest-namespaces.test.ts loads them there.
 */
const VITEST_ONLY = new Set(['taskport/vitest']);

/** Imports (or requires) every subpath and prints the names each exports. */
function loaderScript(kind: 'import' | 'require'): string {
  const load = kind === 'import' ? 'await import(specifier)' : 'require(specifier)';
  const specifiers = Object.keys(SUBPATHS).filter((specifier) => !VITEST_ONLY.has(specifier));
  return `const out = {};
for (const specifier of ${JSON.stringify(specifiers)}) {
  out[specifier] = Object.keys(${load}).sort();
}
console.log(JSON.stringify(out));`;
}

function expectExports(stdout: string): void {
  const exported = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, string[]>;
  for (const [specifier, names] of Object.entries(SUBPATHS)) {
    if (VITEST_ONLY.has(specifier)) continue;
    expect(exported[specifier], specifier).toBeDefined();
    expect(exported[specifier]).toEqual(expect.arrayContaining([...names]));
  }
}

describe.each(runtimes().filter((runtime) => runtime.id === 'node' || runtime.id === 'node24'))(
  'every subpath on $label',
  (node) => {
    if (node.unavailable !== undefined) {
      it.skip(`skipped: ${node.unavailable}`, () => {});
      return;
    }

    it('imports from ESM', async () => {
      await writeFile(join(packed.consumer, 'load-esm.mjs'), loaderScript('import'));
      const result = await run(node.command, ['load-esm.mjs'], {
        cwd: packed.consumer,
        timeoutMs: 30_000,
      });
      expect(result.code, result.stderr).toBe(0);
      expectExports(result.stdout);
    });

    const requireEsm = node.requireEsm;
    if (requireEsm === undefined || 'unsupported' in requireEsm) {
      it.skip(`require(): skipped: ${requireEsm?.unsupported ?? 'not Node'}`, () => {});
    } else {
      const how = requireEsm.flags.length === 0 ? 'unflagged' : requireEsm.flags.join(' ');
      it(`require()s from CommonJS (require(esm), ${how})`, async () => {
        await writeFile(join(packed.consumer, 'load-cjs.cjs'), loaderScript('require'));
        const result = await run(
          node.command,
          ['--disable-warning=ExperimentalWarning', ...requireEsm.flags, 'load-cjs.cjs'],
          { cwd: packed.consumer, timeoutMs: 30_000 },
        );
        expect(result.code, result.stderr).toBe(0);
        expectExports(result.stdout);
      });
    }
  },
);

describe('types', () => {
  it('a NodeNext consumer and the examples type-check against the installed declarations', async () => {
    // Every subpath's main API, used the way the README shows it.
    await writeFile(
      join(packed.consumer, 'consumer.ts'),
      `import { Hono } from 'hono';
import { createEngine, type Executor, type Task, VirtualClock } from 'taskport';
import { createCtsEngine, ctsApi, type TaskRequest } from 'taskport/cts';
import * as onaModule from 'taskport/ona';
import * as tfcModule from 'taskport/tfc';
import { listen, type Listening } from 'taskport/node';
import { createPostgresStorage, type PostgresStorage } from 'taskport/postgres';
import { taskportHandlers, type TaskportHandlers } from 'taskport/msw';
import { createFakeApp, type FakeServer, startFakeServer } from 'taskport/testing';
import type { createTaskportTest, TaskportFixtures } from 'taskport/vitest';

const executor: Executor = { runStep: ({ task }) => task.name };
const engine = createEngine({ executor, clock: new VirtualClock() });
const task: Task = await engine.createTask({ name: 'web' });
const app = new Hono().route('/', ctsApi({ engine: createCtsEngine() }));
const request: TaskRequest = { task: { name: 'web', module: 'm' } } as TaskRequest;
const server: Listening = await listen(app);
await server.close();
const fake: FakeServer = await startFakeServer({ clock: 'virtual' });
await fake.control.advance(5_000);
await fake.close();
const { control } = createFakeApp({ dialects: ['cts'] });
// Built only: nothing connects until the first query.
const storage: PostgresStorage = createPostgresStorage({ connectionString: 'postgres://127.0.0.1/none' });
await storage.close();
const handlers: TaskportHandlers = taskportHandlers({ baseUrl: 'https://app.terraform.io' });
type Fixtures = TaskportFixtures['namespace']['url'] | typeof createTaskportTest;
const fixture: Fixtures = 'http://127.0.0.1:8558/ns/a';
export const used = [task.id, request, control.controlsTime, onaModule, tfcModule, storage.store, handlers, fixture];
`,
    );
    await writeFile(
      join(packed.consumer, 'tsconfig.json'),
      JSON.stringify(
        {
          extends: './examples/tsconfig.json',
          include: ['consumer.ts', 'examples'],
        },
        null,
        2,
      ),
    );
    const result = await run(
      'node',
      [join(packed.consumer, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      { cwd: packed.consumer, timeoutMs: 60_000 },
    );
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('linters of the package', () => {
  it('publint (strict) finds nothing', async () => {
    const result = await run(
      join(REPO_ROOT, 'node_modules/.bin/publint'),
      ['run', packed.tarball, '--strict', '--level', 'suggestion'],
      { cwd: packed.dir, timeoutMs: 60_000 },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('All good!');
  });

  it('Are The Types Wrong (esm-only profile) finds nothing', async () => {
    const result = await run(
      join(REPO_ROOT, 'node_modules/.bin/attw'),
      [packed.tarball, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'json'],
      { cwd: packed.dir, timeoutMs: 60_000 },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      analysis: {
        entrypoints: Record<
          string,
          { resolutions: Record<string, { resolution?: { isTypeScript: boolean } }> }
        >;
        problems: { kind: string; entrypoint: string; resolutionKind: string }[];
      };
    };
    // ESM only: CommonJS `require` (node16-cjs) and pre-exports resolution (node10) are out of scope.
    const counted = report.analysis.problems.filter(
      (problem) => !['node10', 'node16-cjs'].includes(problem.resolutionKind),
    );
    expect(counted).toEqual([]);
    for (const subpath of Object.keys(manifest.exports).filter((key) => key !== './package.json')) {
      const resolutions = report.analysis.entrypoints[subpath]?.resolutions;
      expect(resolutions?.['node16-esm']?.resolution?.isTypeScript, subpath).toBe(true);
      expect(resolutions?.bundler?.resolution?.isTypeScript, subpath).toBe(true);
    }
  });
});
