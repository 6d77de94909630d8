/**
 * Stripped state for invites and knocks (`unsigned.invite_room_state` / `knock_room_state` of the
 * `m.room.member` event), so the invitee or knocker can tell what the room is.
 * https://spec.matrix.org/v1.19/client-server-api/#stripped-state
 *
 * "Stripped state events can only have the `sender`, `type`, `state_key` and `content`
 * properties", and from v1.16 the `m.room.create` event is required among them.
 */
import type { JsonObject } from "../../matrix/pdu-json.js";
import type { RoomStateReader } from "./room-collaborators.js";

/** The state events the spec lists for stripped state, `m.room.create` first. */
export const STRIPPED_STATE_TYPES: readonly string[] = Object.freeze([
  "m.room.create",
  "m.room.name",
  "m.room.avatar",
  "m.room.topic",
  "m.room.join_rules",
  "m.room.canonical_alias",
  "m.room.encryption",
]);

/** The room's current stripped state, as JSON for `unsigned`. */
export async function strippedRoomState(reader: Pick<RoomStateReader, "getStateEvent">, roomId: string): Promise<JsonObject[]> {
  const events = await Promise.all(STRIPPED_STATE_TYPES.map((type) => reader.getStateEvent(roomId, type, "")));
  const stripped: JsonObject[] = [];
  for (const pdu of events) {
    if (pdu === null) continue;
    stripped.push({ sender: pdu.sender, type: pdu.type, state_key: pdu.stateKey ?? "", content: pdu.content });
  }
  return stripped;
}
