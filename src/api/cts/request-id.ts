/**
 * CTS's request ids: hashicorp/go-uuid's `GenerateUUID`, 16 random bytes
 * formatted 8-4-4-4-12 in lower case, without RFC 4122 version bits
 * (`api/middleware.go` `withRequestID`).
 */

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A new request id. */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let hex = '';
  for (const byte of bytes) hex += HEX[byte];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
