import { randomBytes } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** The largest multiple of 62 below 256: bytes at or above it are dropped to keep the draw uniform. */
const UNBIASED_LIMIT = 248;

/** `length` characters drawn uniformly from [A-Za-z0-9] with a cryptographic RNG. */
export function randomString(length: number): string {
  let out = "";
  while (out.length < length) {
    // 31/32 of the bytes are kept, so eight spare bytes nearly always finish in one round.
    const bytes = randomBytes(length - out.length + 8);
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      const byte = bytes[i] as number;
      if (byte < UNBIASED_LIMIT) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}
