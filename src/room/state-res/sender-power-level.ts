/**
 * The power level of an event's sender "when looking at their respective `auth_event`s", the
 * first tie-break of the reverse topological power ordering.
 * https://spec.matrix.org/v1.19/rooms/v2/#definitions
 */
import { getUserPowerLevel } from "../auth/power-levels.js";
import type { Pdu } from "../pdu.js";
import type { RoomVersionRules } from "../room-versions.js";
import { stateMapKey } from "../state-map.js";
import type { EventCache } from "./event-cache.js";

/**
 * The sender's level per the power levels and create events among the event's auth events (in
 * v12 the create event is the one the room ID names): Infinity for v12 creators, 100 for the
 * creator of a room without power levels, else `users`/`users_default`.
 */
export function senderPowerLevel(event: Pdu, rules: RoomVersionRules, cache: EventCache): number {
  const authEvents = cache.authEventsByKey(event, false);
  return getUserPowerLevel(event.sender, (type, stateKey) => authEvents.get(stateMapKey(type, stateKey)), rules);
}
