/**
 * The runtimes the suites run on, each installed by the project's own files:
 * the Node that runs the tests, Node 24 (`npm run runtimes:install`, from the
 * `node` package in test/runtime/node24), and Bun and Deno (the `bun` and
 * `deno` devDependencies). A runtime whose binary is missing or does not run
 * here is reported with the reason, and its suites skip.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ServerProcess, startServer } from './process.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type RuntimeId = 'node' | 'node24' | 'bun' | 'deno';

/** A runtime and how to run a file on it. */
export interface Runtime {
  readonly id: RuntimeId;
  /** e.g. `Node v20.20.2 (host)`, `Bun 1.4.5`. */
  readonly label: string;
  /** Why it cannot run here; `undefined` when it can. */
  readonly unavailable: string | undefined;
  /** The binary. */
  readonly command: string;
  /** Arguments that run `file` (a `.mjs` or `.ts` file) with `args`. */
  argsFor(file: string, args?: readonly string[]): string[];
  /** Environment every run of it gets. */
  readonly env: Readonly<Record<string, string>>;
  /** Node only: whether `require()` of an ES module works, and with which flag. */
  readonly requireEsm?: { readonly flags: readonly string[] } | { readonly unsupported: string };
}

/** What a Node binary says about itself. */
interface NodeFacts {
  readonly version: string;
  readonly typescript: string | false;
  readonly requireModule: boolean;
}

const require = createRequire(import.meta.url);
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

function devDependency(packageJson: string, name: string): string {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, packageJson), 'utf8')) as {
    devDependencies?: Record<string, string>;
  };
  const version = manifest.devDependencies?.[name];
  if (version === undefined) throw new Error(`${packageJson} has no devDependency ${name}`);
  return version;
}

/** Runs `binary args` briefly; its trimmed stdout, or why it failed. */
function probe(binary: string, args: readonly string[]): { out: string } | { error: string } {
  if (!existsSync(binary)) return { error: `${binary} does not exist` };
  const result = spawnSync(binary, args, {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1', NODE_OPTIONS: '' },
  });
  if (result.error !== undefined)
    return { error: `${binary} did not run: ${result.error.message}` };
  if (result.status !== 0) {
    return { error: `${binary} ${args.join(' ')} exited with ${result.status}: ${result.stderr}` };
  }
  return { out: result.stdout.trim() };
}

const NODE_FACTS_SCRIPT =
  'console.log(JSON.stringify({version:process.version,typescript:process.features.typescript??false,requireModule:process.features.require_module??false}))';

function nodeFacts(binary: string): NodeFacts | { error: string } {
  const result = probe(binary, ['-e', NODE_FACTS_SCRIPT]);
  return 'error' in result ? result : (JSON.parse(result.out) as NodeFacts);
}

/** `require(esm)`: unflagged from Node 20.19 / 22.12, behind a flag from 20.17 / 22.0. */
function requireEsmOf(facts: NodeFacts): Runtime['requireEsm'] {
  if (facts.requireModule) return { flags: [] };
  const [major = 0, minor = 0] = facts.version.slice(1).split('.').map(Number);
  if (major >= 22 || (major === 20 && minor >= 17)) {
    return { flags: ['--experimental-require-module'] };
  }
  return { unsupported: `Node ${facts.version} has no require(esm) (it came in 20.17 / 22.0)` };
}

function nodeRuntime(id: 'node' | 'node24', binary: string, name: string): Runtime {
  const facts = nodeFacts(binary);
  if ('error' in facts) {
    return {
      id,
      label: name,
      unavailable: facts.error,
      command: binary,
      argsFor: () => [],
      env: {},
    };
  }
  // Type stripping where the runtime has it; tsx's loader elsewhere (Node 20).
  const tsArgs = facts.typescript === false ? ['--import', TSX_LOADER] : [];
  return {
    id,
    label: `${name} ${facts.version}`,
    unavailable: undefined,
    command: binary,
    argsFor: (file, args = []) => [
      '--disable-warning=ExperimentalWarning',
      ...(file.endsWith('.ts') ? tsArgs : []),
      file,
      ...args,
    ],
    env: {},
    requireEsm: requireEsmOf(facts),
  };
}

function hostNode(): Runtime {
  return nodeRuntime('node', process.execPath, 'Node (host)');
}

/** Node 24 from the `node` package of test/runtime/node24. */
function node24(): Runtime {
  const expected = devDependency('test/runtime/node24/package.json', 'node');
  const binary = join(REPO_ROOT, 'test/runtime/node24/node_modules/node/bin/node');
  if (!existsSync(binary)) {
    return {
      id: 'node24',
      label: `Node ${expected}`,
      unavailable: `Node ${expected} is not installed: run \`npm run runtimes:install\``,
      command: binary,
      argsFor: () => [],
      env: {},
    };
  }
  const runtime = nodeRuntime('node24', binary, 'Node');
  if (runtime.unavailable === undefined && runtime.label !== `Node v${expected}`) {
    return {
      ...runtime,
      unavailable: `${binary} is ${runtime.label}, not ${expected}: run \`npm run runtimes:install\``,
    };
  }
  return runtime;
}

function bun(): Runtime {
  const expected = devDependency('package.json', 'bun');
  const binary = join(REPO_ROOT, 'node_modules/.bin/bun');
  const version = probe(binary, ['--version']);
  return {
    id: 'bun',
    label: `Bun ${'out' in version ? version.out : expected}`,
    unavailable:
      'error' in version
        ? `the bun devDependency does not run here: ${version.error}`
        : version.out === expected
          ? undefined
          : `node_modules/.bin/bun is ${version.out}, not ${expected}: run \`npm ci\``,
    command: binary,
    // No auto-install: every import comes from node_modules.
    argsFor: (file, args = []) => ['--no-install', file, ...args],
    env: { DO_NOT_TRACK: '1' },
  };
}

function deno(): Runtime {
  const expected = devDependency('package.json', 'deno');
  const binary = join(REPO_ROOT, 'node_modules/.bin/deno');
  const version = probe(binary, ['--version']);
  const actual = 'out' in version ? /^deno (\S+)/.exec(version.out)?.[1] : undefined;
  return {
    id: 'deno',
    label: `Deno ${actual ?? expected}`,
    unavailable:
      'error' in version
        ? `the deno devDependency does not run here: ${version.error}`
        : actual === expected
          ? undefined
          : `node_modules/.bin/deno is ${actual}, not ${expected}: run \`npm ci\``,
    command: binary,
    // Bare specifiers resolve from the project's node_modules (package.json);
    // the network is loopback only, and nothing else is granted.
    argsFor: (file, args = []) => [
      'run',
      '--no-lock',
      '--no-prompt',
      '--allow-net=127.0.0.1',
      '--allow-env=PORT',
      file,
      ...args,
    ],
    env: { DENO_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1' },
  };
}

let cached: readonly Runtime[] | undefined;

/** Every runtime, probed once per worker. */
export function runtimes(): readonly Runtime[] {
  cached ??= [hostNode(), node24(), bun(), deno()];
  return cached;
}

/** One runtime by id. */
export function runtime(id: RuntimeId): Runtime {
  const found = runtimes().find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no runtime ${id}`);
  return found;
}

/** Where the packed package was installed (see test/package/packed.ts). */
export interface PackedWorkspace {
  readonly dir: string;
  readonly consumer: string;
}

/** The entry that serves the runtime app on each runtime, as copied into the consumer. */
export const SERVER_ENTRY: Readonly<Record<RuntimeId, string>> = {
  node: 'servers/node.mjs',
  node24: 'servers/node.mjs',
  bun: 'servers/bun.mjs',
  deno: 'servers/deno.mjs',
};

/**
 * Runs `file` (default: the runtime's server entry on port 0) in the consumer
 * project and resolves with the URL it prints. Bounded; the caller stops it.
 */
export function startRuntimeServer(
  runtime: Runtime,
  packed: PackedWorkspace,
  file: string = SERVER_ENTRY[runtime.id],
  args: readonly string[] = ['0'],
  env: Readonly<Record<string, string>> = {},
): Promise<ServerProcess> {
  return startServer(runtime.command, runtime.argsFor(file, args), {
    cwd: packed.consumer,
    env: { ...runtime.env, DENO_DIR: join(packed.dir, 'deno-dir'), ...env },
    timeoutMs: 30_000,
  });
}
