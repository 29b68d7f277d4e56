/**
 * Installs Node 24 for the runtime suites from the `node` package pinned in
 * test/runtime/node24/package.json (its lock file included), unless that very
 * version is there already. It lives in a project of its own because the
 * `node` package's bin is `node`: as a devDependency of the root package it
 * would shadow the Node that runs every npm script.
 *
 * Usage: node scripts/install-node24.mjs   (npm run runtimes:install)
 */

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const project = fileURLToPath(new URL('../test/runtime/node24/', import.meta.url));
const { devDependencies } = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
const wanted = `v${devDependencies.node}`;
const binary = join(project, 'node_modules/node/bin/node');

function installedVersion() {
  if (!existsSync(binary)) return undefined;
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

if (installedVersion() === wanted) {
  console.log(`Node ${wanted} is installed: ${binary}`);
} else {
  console.log(`Installing Node ${wanted} in ${project} …`);
  const env = { ...process.env };
  // The root npm's settings must not leak into the nested install.
  for (const key of Object.keys(env)) {
    if (/^npm_(config|package|lifecycle)_/i.test(key)) delete env[key];
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], {
    cwd: project,
    env,
    stdio: 'inherit',
    timeout: 300_000,
    shell: process.platform === 'win32',
  });
  const installed = installedVersion();
  if (result.status !== 0 || installed !== wanted) {
    console.error(
      `Node ${wanted} could not be installed (npm ci: ${result.status ?? result.error?.message}; found ${installed ?? 'nothing'}).`,
    );
    process.exit(1);
  }
  console.log(`Node ${installed} installed: ${binary}`);
}
