/**
 * Content hashes, reference hashes and the identifiers built from them.
 * https://spec.matrix.org/v1.19/server-server-api/#calculating-the-content-hash-for-an-event
 * https://spec.matrix.org/v1.19/server-server-api/#calculating-the-reference-hash-for-an-event
 *
 * Redaction is room-version specific and lives in src/room; reference hashes take the event in
 * its already-redacted form.
 */
import { hash, timingSafeEqual } from "node:crypto";
import { decodeBase64, encodeBase64, encodeBase64Url } from "./base64.js";
import { canonicalJsonWithout } from "./canonical-json.js";
import { randomString } from "./random-string.js";

/** "First, any existing `unsigned`, `signatures`, and `hashes` properties are removed." */
const CONTENT_HASH_OMITTED: readonly string[] = ["unsigned", "signatures", "hashes"];
/** "The `signatures` and `unsigned` properties are removed from the event, if present." */
const REFERENCE_HASH_OMITTED: readonly string[] = ["signatures", "unsigned"];
/** Length of the random part of room v1/v2 event IDs. */
const RANDOM_EVENT_ID_LENGTH = 24;

/** Event ID encodings: "v3" is room version 3 (standard base64), "v4" is room version 4 onwards (URL-safe). */
export type EventIdFormat = "v3" | "v4";

/** One-shot hashing (crypto.hash, Node ≥ 20.12): no Hash object per call. */
function sha256(text: string): Buffer {
  return hash("sha256", text, "buffer");
}

function contentHashBytes(pdu: object): Buffer {
  return sha256(canonicalJsonWithout(pdu, CONTENT_HASH_OMITTED));
}

/** The unpadded base64 SHA-256 content hash of a PDU (covers the unredacted event). */
export function computeContentHash(pdu: object): string {
  return encodeBase64(contentHashBytes(pdu));
}

/**
 * Whether `pdu.hashes.sha256` matches the event. False when it is missing, not valid base64, or
 * different: per the spec the receiver then keeps only the redacted form of the event.
 */
export function checkContentHash(pdu: object): boolean {
  const hashes = (pdu as { hashes?: unknown }).hashes;
  if (typeof hashes !== "object" || hashes === null) return false;
  const claimed = (hashes as { sha256?: unknown }).sha256;
  if (typeof claimed !== "string") return false;
  let claimedBytes: Buffer;
  try {
    claimedBytes = decodeBase64(claimed);
  } catch {
    return false;
  }
  const actual = contentHashBytes(pdu);
  return claimedBytes.length === actual.length && timingSafeEqual(claimedBytes, actual);
}

/** A copy of `pdu` whose `hashes` is `{ sha256: <content hash> }`. */
export function addContentHash<T extends object>(pdu: T): T & { hashes: { sha256: string } } {
  return { ...pdu, hashes: { sha256: computeContentHash(pdu) } };
}

/** SHA-256 of the canonical JSON of an already-redacted event without `signatures` and `unsigned`. */
export function computeReferenceHash(redactedPdu: object): Buffer {
  return sha256(canonicalJsonWithout(redactedPdu, REFERENCE_HASH_OMITTED));
}

/**
 * The reference hash from bytes already encoded: the canonical JSON of the redacted event
 * without `signatures` and `unsigned`, which is exactly what signing a redacted event covers.
 */
export function referenceHashOfEncoded(encoded: Uint8Array): Buffer {
  return hash("sha256", encoded, "buffer");
}

/**
 * The event ID of room versions 3 and up: "$" + the reference hash in unpadded base64, standard
 * alphabet for room version 3 ("v3"), URL-safe for room version 4 and later ("v4").
 */
export function eventIdFromReferenceHash(hash: Uint8Array, format: EventIdFormat): string {
  return "$" + (format === "v3" ? encodeBase64(hash) : encodeBase64Url(hash));
}

/**
 * The room ID of room version 12: the create event's event ID with the sigil "!" instead of "$",
 * i.e. "!" + URL-safe unpadded base64 of its reference hash.
 */
export function roomIdFromReferenceHash(hash: Uint8Array): string {
  return "!" + encodeBase64Url(hash);
}

/** A fresh event ID for room versions 1 and 2: "$" + random alphanumerics + ":" + server name. */
export function randomEventId(serverName: string): string {
  return `$${randomString(RANDOM_EVENT_ID_LENGTH)}:${serverName}`;
}
