/**
 * Unpadded Base64, standard and URL-safe.
 * https://spec.matrix.org/v1.19/appendices/#unpadded-base64
 *
 * > When decoding Base64, implementations SHOULD accept input with or without padding characters
 * > wherever possible, to ensure maximum interoperability.
 *
 * Decoding also accepts the URL-safe alphabet (one alphabet per string) and non-zero trailing bits
 * (the spec's own test seed has them), but refuses anything else: Buffer.from(s, "base64") alone
 * silently skips invalid characters.
 */

/** Either alphabet, not mixed, then at most two "=". */
const BASE64 = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)(={0,2})$/;

/** Standard alphabet, no padding: what Matrix puts in keys, signatures and hashes. */
export function encodeBase64(bytes: Uint8Array): string {
  const padded = asBuffer(bytes).toString("base64");
  let end = padded.length;
  while (end > 0 && padded.charCodeAt(end - 1) === 0x3d /* = */) end--;
  return end === padded.length ? padded : padded.slice(0, end);
}

/** URL-safe alphabet (`-` and `_`), no padding: event IDs from room version 4 on. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return asBuffer(bytes).toString("base64url");
}

/** Decodes padded or unpadded, standard or URL-safe Base64; throws on anything malformed. */
export function decodeBase64(text: string): Buffer {
  const match = BASE64.exec(text);
  if (match === null) throw new Error("invalid base64: unexpected character");
  const padding = (match[1] as string).length;
  const dataLength = text.length - padding;
  const remainder = dataLength % 4;
  if (remainder === 1) throw new Error("invalid base64: impossible length");
  if (padding > 0 && (remainder === 0 || remainder + padding !== 4)) {
    throw new Error("invalid base64: wrong padding");
  }
  return Buffer.from(text, "base64");
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
