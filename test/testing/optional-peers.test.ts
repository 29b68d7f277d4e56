/**
 * vitest and msw are optional peers of `taskport/vitest` and `taskport/msw`
 * only: no other module of src imports them, nor those two entries, so
 * `taskport`, `taskport/testing` and the rest load without them.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

const sources = readdirSync(SRC, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
  .map((entry) => relative(SRC, join(entry.parentPath, entry.name)).split(sep).join('/'));

/** The specifiers a module imports (static and dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map(
    ([, specifier]) => specifier as string,
  );
}

it.each([
  ['vitest', 'vitest/'],
  ['msw', 'msw/'],
])('only its own entry imports %s (src/%s), and nothing imports that entry', (peer, folder) => {
  const offending = sources
    .filter((file) => !file.startsWith(folder))
    .flatMap((file) =>
      importsOf(file)
        .filter(
          (specifier) =>
            specifier === peer ||
            specifier.startsWith(`${peer}/`) ||
            specifier.includes(`/${folder}`) ||
            specifier.startsWith(`./${folder}`),
        )
        .map((specifier) => `${file}: ${specifier}`),
    );
  expect(offending).toEqual([]);
  expect(sources.some((file) => file.startsWith(folder))).toBe(true);
});
