/**
 * Packs the package once per run of the runtime and package suites, and
 * hands every worker the packed workspace (see test/package/packed.ts).
 */

import type { TestProject } from 'vitest/node';
import { type PackedPackage, packedPackage } from '../package/packed.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    packed: PackedPackage;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { packed, dispose } = await packedPackage();
  const steps = Object.entries(packed.timings)
    .map(([name, seconds]) => `${name} ${seconds}s`)
    .join(', ');
  console.log(`taskport packed and installed in ${packed.consumer} (${steps})`);
  project.provide('packed', packed);
  return dispose;
}
