/**
 * The bounds of a step's `output` as the engine keeps it. The API documents
 * `map<string, string>` with keys of 1 to 128 characters and values of at
 * most 4096; an executor may return anything, and each finished execution is
 * kept (50 per task), so what it returns is cut to those bounds when the
 * step finishes, not only when it is shown.
 */

/** The longest output key the API allows, in characters. */
export const OUTPUT_KEY_MAX_CHARS = 128;
/** The longest output value the API allows, in characters. */
export const OUTPUT_VALUE_MAX_CHARS = 4096;
/** Keys kept per step output (taskport's own bound: the API states none). */
export const OUTPUT_MAX_KEYS = 64;

/**
 * `output` as the engine keeps it: only string values under keys of 1 to
 * {@link OUTPUT_KEY_MAX_CHARS} characters, the first {@link OUTPUT_MAX_KEYS}
 * of them, each value cut to {@link OUTPUT_VALUE_MAX_CHARS}; anything but an
 * object is dropped (the API could not show it).
 */
export function boundedStepOutput(output: unknown): Record<string, string> | undefined {
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return undefined;
  const kept: Record<string, string> = {};
  let count = 0;
  for (const [key, value] of Object.entries(output)) {
    if (count === OUTPUT_MAX_KEYS) break;
    if (typeof value !== 'string' || key.length === 0 || key.length > OUTPUT_KEY_MAX_CHARS)
      continue;
    // A cut value is copied (JSON.parse builds a new string), so it does not
    // keep the executor's whole string alive as a slice of it would.
    kept[key] =
      value.length > OUTPUT_VALUE_MAX_CHARS
        ? (JSON.parse(JSON.stringify(value.slice(0, OUTPUT_VALUE_MAX_CHARS))) as string)
        : value;
    count++;
  }
  return kept;
}
