/**
 * How deep a JSON text nests, found without recursion. connect-go decodes
 * with protojson, which gives up past its recursion limit; the fake's own
 * walks over a decoded value (`JSON.stringify` in messages among them) would
 * overflow the stack long before a 4 MiB body ran out of brackets.
 */

/** protojson's `RecursionLimit` (protowire's `DefaultRecursionLimit`). */
export const PROTOJSON_RECURSION_LIMIT = 10_000;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;

/** Whether `text` opens more than `limit` objects or arrays inside one another. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
