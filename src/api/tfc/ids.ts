/**
 * Resource IDs: a prefix and 16 characters of the Base58 alphabet, which is
 * what every sample ID in the docs fits (research §1.3).
 */

/** Base58 (Bitcoin): no `0`, `O`, `I` or `l`. */
export const ID_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Length of the part after the prefix. */
export const ID_SUFFIX_LENGTH = 16;

/** A random `<prefix><16 Base58 characters>`, e.g. `newId('task-')`. */
export function newId(prefix: string): string {
  const bytes = new Uint8Array(ID_SUFFIX_LENGTH);
  crypto.getRandomValues(bytes);
  let suffix = '';
  // 256 is not a multiple of 58; the tiny bias does not matter for IDs.
  for (const byte of bytes) suffix += ID_ALPHABET[byte % ID_ALPHABET.length];
  return `${prefix}${suffix}`;
}

/** A random opaque secret (access tokens), web-crypto backed. */
export function newSecret(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  let text = '';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return `${text.slice(0, 14)}.atlasv1.${text.slice(14)}`;
}
