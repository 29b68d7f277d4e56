/**
 * CTS's request ids: hashicorp/go-uuid's `GenerateUUID`, 16 random bytes
 * formatted 8-4-4-4-12 in lower case, without RFC 4122 version bits
 * (`api/middleware.go` `withRequestID`).
 */

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

// Random bytes are drawn 4 KiB at a time: one getRandomValues call per 256 ids.
const POOL = new Uint8Array(4096);
let poolOffset = POOL.length;

/** A new request id. */
export function newRequestId(): string {
  if (poolOffset + 16 > POOL.length) {
    crypto.getRandomValues(POOL);
    poolOffset = 0;
  }
  let hex = '';
  for (let index = poolOffset; index < poolOffset + 16; index++) hex += HEX[POOL[index] as number];
  poolOffset += 16;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
