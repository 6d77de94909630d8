/**
 * Wire shapes of events (spec field names). A received PDU is never re-keyed: these types describe,
 * they do not normalise. https://spec.matrix.org/v1.19/server-server-api/#pdus
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Signatures: server name → key ID → unpadded base64 signature. */
export type SignaturesJson = Record<string, Record<string, string>>;

export interface PduJson {
  /** Present in room versions 1 and 2 only. */
  event_id?: string;
  room_id?: string; // absent on v12 create events
  sender: string;
  origin?: string;
  origin_server_ts: number;
  type: string;
  state_key?: string;
  content: JsonObject;
  /** v1/v2: [[eventId, {sha256: hash}], ...]; v3+: eventId[] */
  prev_events: Array<string | [string, JsonObject]>;
  auth_events: Array<string | [string, JsonObject]>;
  depth: number;
  hashes: { sha256: string; [alg: string]: string };
  signatures: SignaturesJson;
  unsigned?: JsonObject;
  /** Room versions 1–10 for m.room.redaction; moved into content in v11. */
  redacts?: string;
  [key: string]: unknown;
}

export interface ClientEventJson {
  event_id: string;
  room_id?: string;
  sender: string;
  origin_server_ts: number;
  type: string;
  state_key?: string;
  content: JsonObject;
  redacts?: string;
  unsigned?: JsonObject;
}

export interface StrippedStateJson {
  type: string;
  state_key: string;
  sender: string;
  content: JsonObject;
}
