/**
 * The README shows the namespace examples as they are in examples/, where
 * the package tests run them from the packed package: the two cannot drift.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');

it.each(['examples/vitest-namespaces.test.ts', 'examples/msw-handlers.test.ts'])(
  'the README shows %s verbatim',
  (file) => {
    const example = readFileSync(`${root}${file}`, 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${example}\`\`\`\n`);
  },
);
