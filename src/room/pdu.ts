/**
 * The immutable PDU: the raw JSON as received or built (never re-keyed), plus the derived event ID
 * and typed accessors. Mutable facts (rejected, soft-failed, outlier, redacted…) live elsewhere
 * (STYLE.md habit 5). https://spec.matrix.org/v1.19/server-server-api/#pdus
 */
import { CanonicalJsonError } from "../crypto/canonical-json.js";
import { computeReferenceHash, eventIdFromReferenceHash } from "../crypto/hashes.js";
import type { JsonObject, PduJson } from "../matrix/pdu-json.js";
import { PduFormatError } from "./pdu-format-error.js";
import { redactPduJson } from "./redaction.js";
import type { RoomVersionRules } from "./room-versions.js";
import { stateMapKey } from "./state-map.js";

export class Pdu {
  /** v1/v2: the `event_id` field; v3+: `$` + the reference hash of the redacted event. */
  readonly eventId: string;
  /** `room_id`; for a v12 `m.room.create` (which has none) its own event ID with the `!` sigil. */
  readonly roomId: string;
  readonly sender: string;
  readonly type: string;
  /** Present exactly for state events. */
  readonly stateKey: string | undefined;
  readonly content: JsonObject;
  readonly originServerTs: number;
  readonly depth: number;
  /** Frozen. */
  readonly prevEventIds: string[];
  /** Frozen. */
  readonly authEventIds: string[];
  /** For `m.room.redaction`: the redacted event (top level up to v10, `content.redacts` from v11). */
  readonly redacts: string | undefined;
  /** The raw PDU, deep-frozen. */
  readonly json: Readonly<PduJson>;
  readonly rules: RoomVersionRules;

  private constructor(json: PduJson, rules: RoomVersionRules, eventId: string) {
    this.json = json;
    this.rules = rules;
    this.eventId = eventId;
    this.sender = json.sender;
    this.type = json.type;
    this.stateKey = json.state_key;
    this.content = json.content;
    this.originServerTs = json.origin_server_ts;
    this.depth = json.depth;
    this.prevEventIds = Object.freeze(referencedIds(json.prev_events, "prev_events", rules)) as string[];
    this.authEventIds = Object.freeze(referencedIds(json.auth_events, "auth_events", rules)) as string[];
    const redacts = rules.redactsInContent ? json.content.redacts : json.redacts;
    this.redacts = typeof redacts === "string" ? redacts : undefined;
    if (rules.roomIdFormat === "createEventHash" && json.type === "m.room.create" && json.state_key === "") {
      this.roomId = "!" + eventId.slice(1);
    } else if (typeof json.room_id === "string") {
      this.roomId = json.room_id;
    } else {
      throw new PduFormatError("room_id is missing or not a string");
    }
    Object.freeze(this);
  }

  /**
   * A Pdu from its federation JSON. Takes ownership of `json` and deep-freezes it. `eventId` is for
   * callers that already know it (e.g. storage); otherwise it is taken from `event_id` (v1/v2) or
   * computed from the reference hash (v3+). Throws PduFormatError if the fields the accessors read
   * have the wrong types; the full format check is auth/check-pdu-format.ts.
   */
  static fromJson(json: PduJson, rules: RoomVersionRules, eventId?: string): Pdu {
    checkAccessedFields(json);
    deepFreeze(json);
    return new Pdu(json, rules, eventId ?? computeEventId(json, rules));
  }

  isState(): boolean {
    return this.stateKey !== undefined;
  }

  /** The key of this state event in a StateMap; throws for non-state events. */
  stateMapKey(): string {
    if (this.stateKey === undefined) throw new Error(`event ${this.eventId} is not a state event`);
    return stateMapKey(this.type, this.stateKey);
  }

  /** The same event redacted for its room version, keeping the event ID. */
  redact(): Pdu {
    return Pdu.fromJson(redactPduJson(this.json, this.rules), this.rules, this.eventId);
  }
}

/** The event ID of a PDU's JSON, per the room version's event format. */
export function computeEventId(json: PduJson, rules: RoomVersionRules): string {
  if (rules.eventFormat === "v1") {
    if (typeof json.event_id !== "string") throw new PduFormatError("event_id is missing or not a string");
    return json.event_id;
  }
  let hash: Buffer;
  try {
    hash = computeReferenceHash(redactPduJson(json, rules));
  } catch (err) {
    // Room versions 3–5 do not enforce canonical JSON, but a reference hash needs it.
    if (err instanceof CanonicalJsonError) throw new PduFormatError(`no reference hash: ${err.message}`);
    throw err;
  }
  return eventIdFromReferenceHash(hash, rules.eventFormat);
}

function checkAccessedFields(json: PduJson): void {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new PduFormatError("a PDU must be an object");
  if (typeof json.type !== "string") throw new PduFormatError("type is missing or not a string");
  if (typeof json.sender !== "string") throw new PduFormatError("sender is missing or not a string");
  if (json.state_key !== undefined && typeof json.state_key !== "string") throw new PduFormatError("state_key is not a string");
  if (typeof json.content !== "object" || json.content === null || Array.isArray(json.content)) {
    throw new PduFormatError("content is missing or not an object");
  }
  if (typeof json.origin_server_ts !== "number") throw new PduFormatError("origin_server_ts is missing or not a number");
  if (typeof json.depth !== "number") throw new PduFormatError("depth is missing or not a number");
}

/** Event IDs of `prev_events`/`auth_events`: plain IDs (v3+) or `[id, hashes]` pairs (v1/v2). */
function referencedIds(list: unknown, field: string, rules: RoomVersionRules): string[] {
  if (!Array.isArray(list)) throw new PduFormatError(`${field} is missing or not an array`);
  const ids = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) {
    const entry: unknown = list[i];
    const id = rules.eventFormat === "v1" ? (Array.isArray(entry) && entry.length === 2 ? entry[0] : undefined) : entry;
    if (typeof id !== "string") {
      throw new PduFormatError(
        rules.eventFormat === "v1" ? `${field}[${i}] is not an [event_id, hashes] pair` : `${field}[${i}] is not an event ID`,
      );
    }
    ids[i] = id;
  }
  return ids;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const item of value) deepFreeze(item);
  } else {
    for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  }
}
