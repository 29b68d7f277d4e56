/**
 * What one journal entry keeps in memory, and copies that keep no more.
 *
 * A string cut out of a longer one (`slice`) may share the longer one's
 * characters in V8, so a 64 KiB prefix of a refused 4 MB body kept the whole
 * 4 MB alive. The journal therefore stores copies, and counts their size.
 */

/**
 * Bytes counted for an entry besides its strings: the object, its fields and
 * the query object. An estimate on the high side, so the count stays above
 * what the heap holds.
 */
export const JOURNAL_ENTRY_OVERHEAD_BYTES = 256;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let scratch = new Uint8Array(0);

/** The scratch buffer, grown to at least `bytes`. */
function scratchOf(bytes: number): Uint8Array {
  if (scratch.byteLength < bytes) scratch = new Uint8Array(bytes);
  return scratch;
}

/** A copy of `text` that shares nothing, cut at `maxBytes` of UTF-8, and the bytes it holds. */
export interface RetainedText {
  readonly text: string;
  /**
   * Its UTF-8 length: never below what V8 stores for it (one byte per
   * character when every character is Latin-1, two per UTF-16 unit otherwise;
   * UTF-8 takes at least as much for each).
   */
  readonly bytes: number;
}

/**
 * A fresh copy of at most `maxBytes` UTF-8 bytes of `text`, cut on a
 * character boundary. Encoding and decoding again is the one portable way
 * to get a string that is not a view into `text`.
 */
export function retainedCopy(text: string, maxBytes: number): RetainedText {
  if (text.length === 0 || maxBytes <= 0) return { text: '', bytes: 0 };
  // A UTF-16 unit takes at most 3 UTF-8 bytes.
  const room = Math.min(maxBytes, text.length * 3);
  const buffer = scratchOf(room).subarray(0, room);
  // encodeInto writes whole characters only, so the cut never splits one.
  const { written } = encoder.encodeInto(text, buffer);
  return { text: decoder.decode(buffer.subarray(0, written)), bytes: written };
}

/** A copy of a query object whose strings share nothing, and the bytes they hold. */
export function retainedQuery(query: Readonly<Record<string, string | string[]>>): {
  readonly query: Record<string, string | string[]>;
  readonly bytes: number;
} {
  const copy: Record<string, string | string[]> = {};
  let bytes = 0;
  for (const [key, value] of Object.entries(query)) {
    const name = retainedCopy(key, Number.POSITIVE_INFINITY);
    bytes += name.bytes;
    if (typeof value === 'string') {
      const kept = retainedCopy(value, Number.POSITIVE_INFINITY);
      bytes += kept.bytes;
      copy[name.text] = kept.text;
    } else {
      copy[name.text] = value.map((item) => {
        const kept = retainedCopy(item, Number.POSITIVE_INFINITY);
        // An array slot is 8 bytes; count a string header besides.
        bytes += kept.bytes + 24;
        return kept.text;
      });
    }
  }
  return { query: copy, bytes };
}
