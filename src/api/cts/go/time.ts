/**
 * Go's `time.Time` JSON form (RFC 3339 with nanoseconds, trailing zeros of the
 * fraction trimmed), as CTS writes event times. The fake runs in UTC, where Go
 * writes the zone as `Z`.
 */

/** Formats epoch ms as Go's `time.RFC3339Nano` in UTC: `2026-01-01T00:00:05.12Z`. */
export function formatGoTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2026-01-01T00:00:05.120Z
  const [seconds, fraction = '000Z'] = iso.split('.') as [string, string?];
  const digits = fraction.slice(0, -1).replace(/0+$/, '');
  return digits === '' ? `${seconds}Z` : `${seconds}.${digits}Z`;
}
