/**
 * Go's `regexp.Compile` error for a pattern, through re2js (a maintained
 * port of RE2, the engine Go's regexp package implements). CTS reports these
 * errors verbatim (`unable to compile services regexp: <err>`), and re2js
 * words them as Go does (`error parsing regexp: missing closing ): `a(``).
 * Compiling never runs the pattern, and matching with RE2 is linear, so no
 * pattern a client sends can hang the server.
 */

import { RE2JS } from 're2js';

/** The error Go's `regexp.Compile` gives for `pattern`, or undefined when it compiles. */
export function goRegexpError(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Go's syntax.Error always appends ": `<expr>`", even when expr is empty
    // (a trailing backslash); re2js drops the empty one.
    return message.includes(': `') ? message : `${message}: \`\``;
  }
}
