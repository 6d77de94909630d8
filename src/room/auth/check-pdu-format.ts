/**
 * Step 1 of the checks on receipt of a PDU: "Is a valid event, otherwise it is dropped."
 * https://spec.matrix.org/v1.19/server-server-api/#checks-performed-on-receipt-of-a-pdu
 * https://spec.matrix.org/v1.19/client-server-api/#size-limits
 * https://spec.matrix.org/v1.19/rooms/v6/#canonical-json
 *
 * Lenient by design (STYLE.md habit 10): only what the event format and size limits require;
 * fields the rules ignore are not judged. From room version 6 the event must be valid canonical
 * JSON (integers within ±(2^53−1), no floats); before, it need not be.
 */
import { CanonicalJsonError, canonicalJson } from "../../crypto/canonical-json.js";
import type { PduJson } from "../../matrix/pdu-json.js";
import { isJsonObject } from "../is-json-object.js";
import { PduFormatError } from "../pdu-format-error.js";
import type { RoomVersionRules } from "../room-versions.js";

/** "The complete event MUST NOT be larger than 65536 bytes" as canonical JSON with signatures. */
export const MAX_PDU_BYTES = 65_536;
/** Limit for user, room and event IDs, `type` and `state_key`. */
export const MAX_ID_BYTES = 255;
/** "Must contain less than or equal to 20 events." */
export const MAX_PREV_EVENTS = 20;
/** "Must contain less than or equal to 10 events." */
export const MAX_AUTH_EVENTS = 10;

/**
 * Throws PduFormatError unless `json` is a well-formed PDU for the room version. `encoded` is
 * for callers that hold the event's JSON text and know the event to be canonical JSON (they
 * have just hashed and signed all of it): its length is then the canonical encoding's (the same
 * strings and integers, only the keys in another order), so the size is checked without
 * encoding the event again.
 */
export function checkPduFormat(json: unknown, rules: RoomVersionRules, encoded?: string): asserts json is PduJson {
  if (!isJsonObject(json)) throw new PduFormatError("a PDU must be a JSON object");
  checkSize(json, rules, encoded);

  const type = requireString(json, "type");
  if (type.includes("\u0000")) throw new PduFormatError("type contains NUL");
  requireString(json, "sender");
  if (!isJsonObject(json.content)) throw new PduFormatError("content is missing or not an object");
  requireInteger(json, "origin_server_ts", rules);
  const depth = requireInteger(json, "depth", rules);
  if (depth > rules.maxDepth) throw new PduFormatError(`depth exceeds ${rules.maxDepth}`);
  if (json.state_key !== undefined) requireString(json, "state_key");

  const roomIdOptional = rules.roomIdFormat === "createEventHash" && type === "m.room.create";
  if (json.room_id !== undefined || !roomIdOptional) requireString(json, "room_id");
  if (rules.eventFormat === "v1") requireString(json, "event_id");

  if (!isJsonObject(json.hashes) || typeof json.hashes.sha256 !== "string") throw new PduFormatError("hashes.sha256 is missing");
  checkSignatures(json.signatures);
  if (json.unsigned !== undefined && !isJsonObject(json.unsigned)) throw new PduFormatError("unsigned is not an object");
  checkReferences(json.prev_events, "prev_events", MAX_PREV_EVENTS, rules);
  checkReferences(json.auth_events, "auth_events", MAX_AUTH_EVENTS, rules);
  if (!rules.redactsInContent && json.redacts !== undefined) requireString(json, "redacts");

  for (const key of ["sender", "room_id", "event_id", "type", "state_key"]) {
    const value = json[key];
    if (typeof value === "string" && Buffer.byteLength(value, "utf8") > MAX_ID_BYTES) {
      throw new PduFormatError(`${key} is longer than ${MAX_ID_BYTES} bytes`);
    }
  }
}

/**
 * Size as canonical JSON. Where canonical JSON is enforced, failing to encode drops the event;
 * before v6 a value canonical JSON cannot hold (a float) is measured as plain JSON instead.
 */
function checkSize(json: object, rules: RoomVersionRules, encoded: string | undefined): void {
  let text: string;
  try {
    text = encoded ?? canonicalJson(json);
  } catch (err) {
    if (!(err instanceof CanonicalJsonError)) throw err;
    if (rules.strictCanonicalJson) throw new PduFormatError(`not canonical JSON: ${err.message}`);
    text = JSON.stringify(json);
  }
  // A UTF-8 byte count is at least the UTF-16 length and at most three times it.
  if (text.length > MAX_PDU_BYTES || (text.length * 3 > MAX_PDU_BYTES && Buffer.byteLength(text, "utf8") > MAX_PDU_BYTES)) {
    throw new PduFormatError(`the event is larger than ${MAX_PDU_BYTES} bytes`);
  }
}

function requireString(json: Record<string, unknown>, key: string): string {
  const value = json[key];
  if (typeof value !== "string") throw new PduFormatError(`${key} is missing or not a string`);
  return value;
}

function requireInteger(json: Record<string, unknown>, key: string, rules: RoomVersionRules): number {
  const value = json[key];
  const valid = rules.strictCanonicalJson ? Number.isSafeInteger(value) : Number.isInteger(value);
  if (!valid) throw new PduFormatError(`${key} is missing or not an integer`);
  return value as number;
}

/** `signatures`: server name → key ID → signature string. */
function checkSignatures(signatures: unknown): void {
  if (!isJsonObject(signatures)) throw new PduFormatError("signatures is missing or not an object");
  for (const [server, byKey] of Object.entries(signatures)) {
    if (!isJsonObject(byKey) || !Object.values(byKey).every((signature) => typeof signature === "string")) {
      throw new PduFormatError(`signatures of ${server} are not an object of strings`);
    }
  }
}

/** v1/v2: `[event_id, {sha256}]` pairs; v3+: event IDs. At most `max` entries. */
function checkReferences(list: unknown, field: string, max: number, rules: RoomVersionRules): void {
  if (!Array.isArray(list)) throw new PduFormatError(`${field} is missing or not an array`);
  if (list.length > max) throw new PduFormatError(`${field} has more than ${max} entries`);
  for (const entry of list) {
    const valid =
      rules.eventFormat === "v1"
        ? Array.isArray(entry) && entry.length === 2 && typeof entry[0] === "string" && isJsonObject(entry[1])
        : typeof entry === "string";
    if (!valid) throw new PduFormatError(`${field} has a malformed entry`);
  }
}
