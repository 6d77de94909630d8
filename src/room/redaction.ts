/**
 * The redaction algorithm, per room version (five variants: v1, v6, v8, v9, v11).
 * https://spec.matrix.org/v1.19/rooms/v11/#redactions and earlier versions' "Redactions" sections.
 *
 * Redaction keeps only the keys the protocol needs; everything else (including `unsigned`) is
 * stripped. The result is a new object; the input is never modified.
 */
import type { ClientEventJson, JsonObject, JsonValue, PduJson } from "../matrix/pdu-json.js";
import type { RedactionRules, RoomVersionRules } from "./room-versions.js";
import { isJsonObject } from "./is-json-object.js";

/** Top-level keys every version keeps. */
const KEPT_TOP_LEVEL = [
  "event_id",
  "type",
  "room_id",
  "sender",
  "state_key",
  "content",
  "hashes",
  "signatures",
  "depth",
  "prev_events",
  "auth_events",
  "origin_server_ts",
] as const;

/** Kept by v1–v10 only. */
const KEPT_TOP_LEVEL_BEFORE_V11 = ["origin", "membership", "prev_state"] as const;

/** Top-level keys of a client-format event that survive redaction (the client subset of the above). */
const KEPT_CLIENT_TOP_LEVEL = ["event_id", "type", "room_id", "sender", "state_key", "content", "origin_server_ts"] as const;

/** `unsigned` keys describing delivery rather than content; kept on redacted client events. */
const KEPT_CLIENT_UNSIGNED = ["age", "transaction_id", "membership"] as const;

/** Redacts a federation-format event (a PDU) following `rules.redaction`. */
export function redactPduJson(json: Readonly<PduJson>, rules: RoomVersionRules): PduJson {
  const redaction = rules.redaction;
  const out: JsonObject = {};
  const source = json as unknown as Record<string, JsonValue | undefined>;
  for (const key of KEPT_TOP_LEVEL) copyKey(source, out, key);
  if (redaction.keepOriginMembershipPrevState) {
    for (const key of KEPT_TOP_LEVEL_BEFORE_V11) copyKey(source, out, key);
  }
  out.content = redactContent(json.type, json.content, redaction);
  return out as unknown as PduJson;
}

/**
 * Redacts a client-format event: the same content rules, the client subset of the top-level keys,
 * and `unsigned` reduced to delivery facts plus `redacted_because` when given.
 * https://spec.matrix.org/v1.19/client-server-api/#redactions
 */
export function redactClientEvent(
  event: ClientEventJson,
  rules: RoomVersionRules,
  redactedBecause?: ClientEventJson,
): ClientEventJson {
  const out: JsonObject = {};
  const source = event as unknown as Record<string, JsonValue | undefined>;
  for (const key of KEPT_CLIENT_TOP_LEVEL) copyKey(source, out, key);
  out.content = redactContent(event.type, event.content, rules.redaction);
  const unsigned: JsonObject = {};
  if (isJsonObject(event.unsigned)) {
    for (const key of KEPT_CLIENT_UNSIGNED) copyKey(event.unsigned, unsigned, key);
  }
  if (redactedBecause !== undefined) unsigned.redacted_because = redactedBecause as unknown as JsonObject;
  if (Object.keys(unsigned).length > 0) out.unsigned = unsigned;
  return out as unknown as ClientEventJson;
}

/** The content an event of `type` keeps after redaction. */
export function redactContent(type: string, content: unknown, rules: RedactionRules): JsonObject {
  const out: JsonObject = {};
  if (!isJsonObject(content)) return out;
  switch (type) {
    case "m.room.member":
      copyKey(content, out, "membership");
      if (rules.keepJoinAuthorisedVia) copyKey(content, out, "join_authorised_via_users_server");
      if (rules.keepThirdPartyInviteSigned) {
        const invite = content.third_party_invite;
        if (isJsonObject(invite) && invite.signed !== undefined) out.third_party_invite = { signed: invite.signed };
      }
      break;
    case "m.room.create":
      if (rules.keepAllCreateContent) return { ...content };
      copyKey(content, out, "creator");
      break;
    case "m.room.join_rules":
      copyKey(content, out, "join_rule");
      if (rules.keepJoinRulesAllow) copyKey(content, out, "allow");
      break;
    case "m.room.power_levels":
      for (const key of ["ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"]) {
        copyKey(content, out, key);
      }
      if (rules.keepPowerLevelsInvite) copyKey(content, out, "invite");
      break;
    case "m.room.aliases":
      if (rules.keepAliases) copyKey(content, out, "aliases");
      break;
    case "m.room.history_visibility":
      copyKey(content, out, "history_visibility");
      break;
    case "m.room.redaction":
      if (rules.keepRedactionRedacts) copyKey(content, out, "redacts");
      break;
  }
  return out;
}

function copyKey(from: Record<string, JsonValue | undefined>, to: JsonObject, key: string): void {
  const value = from[key];
  if (value !== undefined) to[key] = value;
}
