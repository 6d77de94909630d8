/**
 * The authorization rules about an event's `auth_events` themselves (rule 2 up to room version 11,
 * rule 3 in v12). They depend only on the event and its auth events, so the caller runs them once,
 * with the fetched auth events, before authorizeEvent.
 * https://spec.matrix.org/v1.19/rooms/v12/#authorisation-rules
 */
import type { Pdu } from "../pdu.js";
import type { RoomVersionRules } from "../room-versions.js";
import { stateMapKey } from "../state-map.js";
import { AuthError } from "./auth-error.js";
import { selectAuthEventKeys } from "./auth-events-selection.js";

/**
 * `authEvents` are the events `event.auth_events` names. Rejects when:
 * 1. two entries share a `(type, state_key)`;
 * 2. an entry is not one the auth-events selection would pick (in v12 that includes the create
 *    event, which must not be cited);
 * 3. (rejected entries: the caller knows rejection; it must not pass them as allowed);
 * 4. (v1–v11) there is no `m.room.create` among them;
 * 5. an entry's `room_id` differs from the event's.
 * Also rejects an entry that `auth_events` does not name, or a named event missing from the list.
 * The create event itself has no auth events and passes trivially.
 */
export function checkAuthEvents(event: Pdu, authEvents: readonly Pdu[], rules: RoomVersionRules = event.rules): void {
  const cited = new Set(event.authEventIds);
  for (const authEvent of authEvents) {
    if (!cited.has(authEvent.eventId)) throw new AuthError(`auth event ${authEvent.eventId} is not in auth_events`);
  }
  if (authEvents.length !== cited.size || cited.size !== event.authEventIds.length) {
    throw new AuthError("auth_events does not match the auth events given (duplicate or missing entries)");
  }
  const allowed = new Set(selectAuthEventKeys(event.type, event.stateKey, event.sender, event.content, rules));
  const seen = new Set<string>();
  let hasCreate = false;
  for (const authEvent of authEvents) {
    if (authEvent.stateKey === undefined) throw new AuthError(`auth event ${authEvent.eventId} is not a state event`);
    const key = stateMapKey(authEvent.type, authEvent.stateKey);
    if (seen.has(key)) throw new AuthError(`duplicate auth event for (${authEvent.type}, ${authEvent.stateKey})`);
    seen.add(key);
    if (!allowed.has(key)) throw new AuthError(`unexpected auth event (${authEvent.type}, ${authEvent.stateKey})`);
    if (authEvent.type === "m.room.create") hasCreate = true;
    if (authEvent.roomId !== event.roomId) throw new AuthError(`auth event ${authEvent.eventId} is in another room`);
  }
  if (rules.authorization.createEventInAuthEvents && !hasCreate && event.type !== "m.room.create") {
    throw new AuthError("no m.room.create among the auth events");
  }
}
