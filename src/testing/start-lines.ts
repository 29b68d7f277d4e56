/**
 * What `taskport serve` prints once it listens: where each served dialect,
 * the control API and the dashboard are, each with one request to try.
 * From the registry (each dialect's `startHint`), so a new dialect shows
 * up by itself.
 */

import { ALL_DIALECTS, type DialectName, FAKE_DIALECTS } from './dialects.ts';
import type { AnyFakeDialect } from './fake-dialect.ts';

/** Options of {@link startLines}. */
export interface StartLinesOptions {
  /** The dialects served. */
  readonly dialects: readonly DialectName[];
  /** Whether control requests need a token: the examples then send it from the environment. */
  readonly tokenRequired: boolean;
}

const LABEL_WIDTH = 11;

function entry(label: string, where: string, example: string): string {
  const pad = ' '.repeat(LABEL_WIDTH);
  return `  ${label.padEnd(LABEL_WIDTH)}${where}\n  ${pad}${example}\n`;
}

/** The lines under `taskport fake server listening on <url>`. */
export function startLines(url: string, options: StartLinesOptions): string {
  let text = '';
  for (const name of ALL_DIALECTS) {
    if (!options.dialects.includes(name)) continue;
    const hint = (FAKE_DIALECTS[name] as AnyFakeDialect).startHint;
    if (hint !== undefined) text += entry(name, `${url}${hint.path}`, hint.example(url));
  }
  // The token itself is never printed: it is in $TASKPORT_CONTROL_TOKEN or on the command line.
  const token = options.tokenRequired ? `-H "X-Taskport-Token: $TASKPORT_CONTROL_TOKEN" ` : '';
  text += entry('control', `${url}/_taskport`, `curl ${token}${url}/_taskport/clock`);
  text += entry(
    'dashboard',
    `${url}/_taskport/ui${options.tokenRequired ? '#token=<the control token>' : ''}  (open it in a browser)`,
    `curl -N ${token}${url}/_taskport/snapshot/stream`,
  );
  return text;
}
