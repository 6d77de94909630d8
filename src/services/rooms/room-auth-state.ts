/**
 * A small AuthState (see room/auth/auth-state.ts) over a room's current state, for the power
 * checks the room verbs make themselves before sending (who may redact, who may authorise a
 * restricted join). The events that matter are read once; the auth rules run in the persister.
 */
import type { AuthState } from "../../room/auth/auth-state.js";
import { getEventPowerLevel, getUserPowerLevel } from "../../room/auth/power-levels.js";
import type { Pdu } from "../../room/pdu.js";
import { stateMapKey } from "../../room/state-map.js";
import type { RoomStateReader } from "./room-collaborators.js";

/** Current `m.room.create`, `m.room.power_levels`, `m.room.join_rules` and the members `userIds`. */
export async function loadPowerState(
  reader: Pick<RoomStateReader, "getStateEvent">,
  roomId: string,
  userIds: readonly string[] = [],
): Promise<AuthState> {
  const wanted: [string, string][] = [
    ["m.room.create", ""],
    ["m.room.power_levels", ""],
    ["m.room.join_rules", ""],
    ...userIds.map((userId): [string, string] => ["m.room.member", userId]),
  ];
  const events = await Promise.all(wanted.map(([type, stateKey]) => reader.getStateEvent(roomId, type, stateKey)));
  const state = new Map<string, Pdu>();
  events.forEach((pdu, i) => {
    const [type, stateKey] = wanted[i] as [string, string];
    if (pdu !== null) state.set(stateMapKey(type, stateKey), pdu);
  });
  return (type, stateKey) => state.get(stateMapKey(type, stateKey));
}

/**
 * Whether `userId` is joined to the room with the power level needed to send the state event
 * `eventType` (e.g. `m.room.canonical_alias`, the mark of a room moderator). False for unknown rooms.
 */
export async function canSendStateEvent(
  reader: Pick<RoomStateReader, "getStateEvent" | "getRoomVersion">,
  roomId: string,
  userId: string,
  eventType: string,
): Promise<boolean> {
  const rules = await reader.getRoomVersion(roomId);
  if (rules === null) return false;
  const state = await loadPowerState(reader, roomId, [userId]);
  if (state("m.room.member", userId)?.content.membership !== "join") return false;
  return getUserPowerLevel(userId, state, rules) >= getEventPowerLevel(eventType, "", state, rules);
}
