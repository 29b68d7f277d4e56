/**
 * `X-TFC-Task-Signature`: lower-case hex HMAC-SHA512 of the exact body bytes
 * (research §4.1), with Web Crypto so it runs in any runtime.
 */

const encoder = new TextEncoder();

/** Lower-case hex HMAC-SHA512 of `body` under `key`. */
export async function hmacSha512Hex(key: string, body: string): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey(
    'raw',
    encoder.encode(key),
    { name: 'HMAC', hash: 'SHA-512' },
    false,
    ['sign'],
  );
  const signature = new Uint8Array(
    await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(body)),
  );
  let hex = '';
  for (const byte of signature) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** The header value: the signature, or an empty string without a key (research §4.1). */
export async function taskSignature(hmacKey: string | null, body: string): Promise<string> {
  return hmacKey === null ? '' : hmacSha512Hex(hmacKey, body);
}
