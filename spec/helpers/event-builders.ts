/**
 * Event templates for tests (js-sdk `mkMembership` style): type, state key and content, to be
 * built into signed events by RoomBuilder.
 */
import type { JsonObject } from "../../src/matrix/pdu-json.js";

export interface EventTemplate {
  type: string;
  stateKey?: string;
  content: JsonObject;
  /** For m.room.redaction (placed per room version by the builder). */
  redacts?: string;
}

export function mkMembership(target: string, membership: string, extra: JsonObject = {}): EventTemplate {
  return { type: "m.room.member", stateKey: target, content: { membership, ...extra } };
}

export function mkJoinRules(joinRule: string, extra: JsonObject = {}): EventTemplate {
  return { type: "m.room.join_rules", stateKey: "", content: { join_rule: joinRule, ...extra } };
}

/** A restricted (or knock_restricted) join rule allowing members of `rooms`. */
export function mkRestrictedJoinRules(rooms: string[], joinRule = "restricted"): EventTemplate {
  return mkJoinRules(joinRule, { allow: rooms.map((room) => ({ type: "m.room_membership", room_id: room })) });
}

export function mkPowerLevels(content: JsonObject): EventTemplate {
  return { type: "m.room.power_levels", stateKey: "", content };
}

export function mkState(type: string, stateKey: string, content: JsonObject): EventTemplate {
  return { type, stateKey, content };
}

export function mkMessage(body: string): EventTemplate {
  return { type: "m.room.message", content: { msgtype: "m.text", body } };
}

export function mkRedaction(redacts: string, reason?: string): EventTemplate {
  return { type: "m.room.redaction", content: reason === undefined ? {} : { reason }, redacts };
}
