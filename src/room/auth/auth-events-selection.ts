/**
 * Which state events an event cites as `auth_events`.
 * https://spec.matrix.org/v1.19/server-server-api/#auth-events-selection
 *
 * > The `auth_events` for the `m.room.create` event in a room is empty; for other events, it
 * > should be the following subset of the room state: [the `m.room.create` event, depending on
 * > the room version]; the current `m.room.power_levels` event, if any; the sender's current
 * > `m.room.member` event, if any. If type is `m.room.member`: the target's current
 * > `m.room.member` event, if any; if `membership` is `join`, `invite` or `knock`, the current
 * > `m.room.join_rules` event, if any; if membership is `invite` and `content` contains a
 * > `third_party_invite` property, the current `m.room.third_party_invite` event with
 * > `state_key` matching `content.third_party_invite.signed.token`, if any; if `membership` is
 * > `join`, `content.join_authorised_via_users_server` is present, and the room version supports
 * > restricted rooms, then the `m.room.member` event with `state_key` matching
 * > `content.join_authorised_via_users_server`.
 */
import type { JsonObject } from "../../matrix/pdu-json.js";
import { isJsonObject } from "../is-json-object.js";
import type { RoomVersionRules } from "../room-versions.js";
import { stateMapKey } from "../state-map.js";

/**
 * The state-map keys (see state-map.ts) of the events to cite; the caller looks each up in the
 * current state and cites those that exist. No duplicates. Empty for `m.room.create`; in room
 * version 12 the create event is never selected.
 */
export function selectAuthEventKeys(
  type: string,
  stateKey: string | undefined,
  sender: string,
  content: JsonObject,
  rules: RoomVersionRules,
): string[] {
  if (type === "m.room.create") return [];
  const keys = new Set<string>();
  if (rules.authorization.createEventInAuthEvents) keys.add(stateMapKey("m.room.create", ""));
  keys.add(stateMapKey("m.room.power_levels", ""));
  keys.add(stateMapKey("m.room.member", sender));
  if (type === "m.room.member" && stateKey !== undefined) {
    const membership = content.membership;
    keys.add(stateMapKey("m.room.member", stateKey));
    if (membership === "join" || membership === "invite" || membership === "knock") {
      keys.add(stateMapKey("m.room.join_rules", ""));
    }
    if (membership === "invite" && isJsonObject(content.third_party_invite)) {
      const signed = content.third_party_invite.signed;
      if (isJsonObject(signed) && typeof signed.token === "string") {
        keys.add(stateMapKey("m.room.third_party_invite", signed.token));
      }
    }
    const authoriser = content.join_authorised_via_users_server;
    if (membership === "join" && typeof authoriser === "string" && rules.authorization.restrictedJoinRule) {
      keys.add(stateMapKey("m.room.member", authoriser));
    }
  }
  return [...keys];
}
