/**
 * Building a new local PDU: fill in the DAG fields, hash, sign and derive the event ID.
 * https://spec.matrix.org/v1.19/server-server-api/#adding-hashes-and-signatures-to-outgoing-events
 *
 * 1. "the content hash of the event is calculated … and stored in the event object, in a `hashes`
 *    object, under a `sha256` key."
 * 2. "The event object is then redacted, following the redaction algorithm. Finally it is signed …"
 * 3. "The signature is then copied back to the original event object."
 *
 * Choosing `prevEvents` (forward extremities) and `authEvents` (auth-events selection against the
 * current state) is the caller's: see auth/auth-events-selection.ts.
 */
import { encodeBase64 } from "../crypto/base64.js";
import { addContentHash, computeReferenceHash, eventIdFromReferenceHash, randomEventId, referenceHashOfEncoded } from "../crypto/hashes.js";
import { signedBytes } from "../crypto/json-signing.js";
import type { SigningKey } from "../crypto/signing-key.js";
import type { JsonObject, PduJson } from "../matrix/pdu-json.js";
import { Pdu } from "./pdu.js";
import { redactPduJson } from "./redaction.js";
import type { RoomVersionRules } from "./room-versions.js";

/** At most this many `prev_events` are referenced (the spec allows 20); the deepest win. */
export const PREV_EVENTS_LIMIT = 10;

export interface BuildEventOptions {
  rules: RoomVersionRules;
  /** Required except for the `m.room.create` event of a room whose ID derives from it (v12). */
  roomId?: string;
  sender: string;
  type: string;
  stateKey?: string;
  content: JsonObject;
  /** Forward extremities; capped to the PREV_EVENTS_LIMIT deepest. Empty only for `m.room.create`. */
  prevEvents: readonly Pdu[];
  authEvents: readonly Pdu[];
  originServerTs: number;
  /** The legacy top-level `origin`; left out when undefined. */
  origin?: string;
  signingKey: SigningKey;
  /** The server whose signature this is (the sender's server). */
  serverName: string;
  /** For `m.room.redaction`: top level up to v10, `content.redacts` from v11. */
  redacts?: string;
  /** Not hashed or signed. */
  unsigned?: JsonObject;
}

/** Builds, hashes and signs an event and returns it as a Pdu. */
export function buildEvent(options: BuildEventOptions): Pdu {
  const { rules, type } = options;
  const prevEvents = newestByDepth(options.prevEvents, PREV_EVENTS_LIMIT);
  let depth = 0;
  for (const prev of prevEvents) if (prev.depth > depth) depth = prev.depth;
  depth = Math.min(depth + 1, Number.MAX_SAFE_INTEGER, rules.maxDepth);

  // A copy: the built Pdu deep-freezes its JSON, which must not freeze the caller's objects.
  const content = structuredClone(options.content);
  if (options.redacts !== undefined && rules.redactsInContent) content.redacts = options.redacts;

  const event: Record<string, unknown> = {};
  const isHashRoomCreate = rules.roomIdFormat === "createEventHash" && type === "m.room.create";
  if (!isHashRoomCreate) {
    if (options.roomId === undefined) throw new Error(`roomId is required for ${type} in room version ${rules.id}`);
    event.room_id = options.roomId;
  }
  if (rules.eventFormat === "v1") event.event_id = randomEventId(options.serverName);
  event.sender = options.sender;
  event.type = type;
  if (options.stateKey !== undefined) event.state_key = options.stateKey;
  event.content = content;
  event.origin_server_ts = options.originServerTs;
  if (options.origin !== undefined) event.origin = options.origin;
  event.depth = depth;
  event.prev_events = prevEvents.map((pdu) => reference(pdu, rules));
  event.auth_events = options.authEvents.map((pdu) => reference(pdu, rules));
  if (options.redacts !== undefined && !rules.redactsInContent) event.redacts = options.redacts;

  const hashed = addContentHash(event) as unknown as PduJson;
  // One encoding of the redacted event serves both the signature and (v3+) the event ID: the
  // reference hash covers the same bytes, the redacted event without signatures and unsigned.
  const redactedBytes = signedBytes(redactPduJson(hashed, rules));
  const key = options.signingKey;
  const json: PduJson = { ...hashed, signatures: { [options.serverName]: { [key.keyId]: key.sign(redactedBytes) } } };
  if (options.unsigned !== undefined) json.unsigned = structuredClone(options.unsigned);
  const eventId = rules.eventFormat === "v1" ? (event.event_id as string) : eventIdFromReferenceHash(referenceHashOfEncoded(redactedBytes), rules.eventFormat);
  return Pdu.fromJson(json, rules, eventId);
}

/** The `limit` deepest events, deepest first (ties broken by event ID for determinism). */
function newestByDepth(events: readonly Pdu[], limit: number): readonly Pdu[] {
  if (events.length <= limit) return events;
  return [...events].sort((a, b) => b.depth - a.depth || (a.eventId < b.eventId ? -1 : 1)).slice(0, limit);
}

/** v1/v2: `[event_id, {sha256: reference hash}]`; v3+: the event ID. */
function reference(pdu: Pdu, rules: RoomVersionRules): string | [string, JsonObject] {
  if (rules.eventFormat !== "v1") return pdu.eventId;
  const hash = computeReferenceHash(redactPduJson(pdu.json, pdu.rules));
  return [pdu.eventId, { sha256: encodeBase64(hash) }];
}
