/**
 * Signing JSON and checking for a signature.
 * https://spec.matrix.org/v1.19/appendices/#signing-details
 * https://spec.matrix.org/v1.19/appendices/#checking-for-a-signature
 *
 * > JSON is signed by encoding the JSON object without `signatures` or keys grouped as `unsigned`,
 * > using the canonical encoding described above. The JSON bytes are then signed using the
 * > signature algorithm and the signature is encoded using unpadded Base64.
 */
import { CanonicalJsonError, canonicalJsonWithout } from "./canonical-json.js";
import type { SigningKey, VerifyKey } from "./signing-key.js";

export type Signatures = Record<string, Record<string, string>>;

/** The top-level keys that signatures do not cover. */
const UNSIGNED_KEYS: readonly string[] = ["signatures", "unsigned"];

/** The bytes a signature covers: canonical JSON of `obj` without `signatures` and `unsigned`. */
export function signedBytes(obj: object): Buffer {
  return Buffer.from(canonicalJsonWithout(obj, UNSIGNED_KEYS), "utf8");
}

/**
 * A copy of `obj` with `serverName`'s signature by `key` added under `signatures`. Signatures of
 * other servers and other keys are kept; `unsigned` is kept but not signed. Throws
 * CanonicalJsonError if `obj` has no canonical form.
 */
export function signJson<T extends object>(obj: T, serverName: string, key: SigningKey): T & { signatures: Signatures } {
  const signature = key.sign(signedBytes(obj));
  const signatures = copySignatures((obj as { signatures?: unknown }).signatures);
  signatures[serverName] = { ...signatures[serverName], [key.keyId]: signature };
  return { ...obj, signatures };
}

/**
 * Whether `obj` carries a valid signature by `key` for `serverName` (steps 1, 4-7 of "Checking
 * for a Signature"; finding the key is the caller's). False when the signature is missing or
 * malformed, or when `obj` has no canonical form (it cannot have been signed as it stands).
 */
export function verifyJsonSignature(obj: object, serverName: string, key: VerifyKey): boolean {
  const signature = signatureOf(obj, serverName, key.keyId);
  if (signature === null) return false;
  let bytes: Buffer;
  try {
    bytes = signedBytes(obj);
  } catch (err) {
    if (err instanceof CanonicalJsonError) return false;
    throw err;
  }
  return key.verify(bytes, signature);
}

/** The base64 signature `obj.signatures[serverName][keyId]`, or null when absent or not a string. */
export function signatureOf(obj: object, serverName: string, keyId: string): string | null {
  const signatures = (obj as { signatures?: unknown }).signatures;
  if (!isRecord(signatures)) return null;
  const byServer = signatures[serverName];
  if (!isRecord(byServer)) return null;
  const signature = byServer[keyId];
  return typeof signature === "string" ? signature : null;
}

/** Copies two levels deep. Object.fromEntries defines properties, so even a "__proto__" key stays data. */
function copySignatures(existing: unknown): Signatures {
  if (!isRecord(existing)) return {};
  return Object.fromEntries(
    Object.entries(existing)
      .filter((entry): entry is [string, Record<string, string>] => isRecord(entry[1]))
      .map(([server, byKey]) => [server, { ...byKey }]),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
