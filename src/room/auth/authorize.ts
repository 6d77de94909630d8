/**
 * The authorization rules, for every room version, as one pure function of an event and a state.
 * https://spec.matrix.org/v1.19/rooms/v12/#authorisation-rules (and the v1, v3, v6, v7, v8, v10,
 * v11 variants). Which variant applies is read from `rules.authorization` (STYLE.md habit 8).
 *
 * Rule numbers below are room version 12's:
 *  1. `m.room.create`: no `prev_events`; (v1–v11) room ID domain = sender domain, (v12) no
 *     `room_id`; a recognised `room_version` if present; (v1–v10) a `creator`; (v12) valid
 *     `additional_creators`. Then allow.
 *  2. (v12) `room_id` must be the create event's ID with the `!` sigil. (v1–v11: a create event
 *     must be present — rule 2.4 there.)
 *  3. The auth events themselves: see check-auth-events.ts (run once by the caller).
 *  4. `m.federate: false` and a sender from another server than the create event's → reject.
 *  -. (v1–v5) `m.room.aliases`: allow iff the `state_key` is the sender's domain.
 *  5. `m.room.member`: membership.ts.
 *  6. Sender not joined → reject.
 *  7. `m.room.third_party_invite`: allow iff the sender's level ≥ the invite level.
 *  8. The event type's required power level above the sender's → reject.
 *  9. A `state_key` starting with `@` other than the sender → reject.
 * 10. `m.room.power_levels`: power-levels.ts.
 *  -. (v1–v2) `m.room.redaction`: allow iff the sender has the redact level or the redacted
 *     event's ID has the redaction's ID domain. (v3+ defer this to "handling redactions".)
 * 11. Otherwise allow.
 */
import type { Pdu } from "../pdu.js";
import { getRoomVersion, type RoomVersionRules } from "../room-versions.js";
import { AuthError } from "./auth-error.js";
import { type AuthState, membershipOf } from "./auth-state.js";
import { checkMemberEvent } from "./membership.js";
import { checkPowerLevelsEvent, getEventPowerLevel, getNamedPowerLevel, getUserPowerLevel } from "./power-levels.js";
import { domainOf, isValidUserId } from "./user-ids.js";

/**
 * Throws AuthError unless `event` is allowed in the room state `state` (auth events, state before
 * the event, or current state). `state` must not return rejected events, and must return the
 * create event even in room version 12, where it is not among the auth events (the room ID
 * names it).
 */
export function authorizeEvent(event: Pdu, state: AuthState, rules: RoomVersionRules = event.rules): void {
  if (event.type === "m.room.create") return checkCreateEvent(event, rules);

  const create = state("m.room.create", "");
  if (create === undefined) throw new AuthError("no m.room.create event in the room state");
  if (rules.roomIdFormat === "createEventHash" && event.roomId !== "!" + create.eventId.slice(1)) {
    throw new AuthError("room_id is not the m.room.create event's ID");
  }
  if (create.content["m.federate"] === false && domainOf(event.sender) !== domainOf(create.sender)) {
    throw new AuthError("the room is not federated and the sender is from another server");
  }

  if (rules.authorization.specialCaseAliases && event.type === "m.room.aliases") {
    if (event.stateKey === undefined) throw new AuthError("m.room.aliases without a state_key");
    if (event.stateKey !== domainOf(event.sender)) throw new AuthError("m.room.aliases state_key is not the sender's domain");
    return;
  }

  if (event.type === "m.room.member") return checkMemberEvent(event, state, rules);

  if (membershipOf(state, event.sender) !== "join") throw new AuthError("sender is not joined to the room");

  const senderLevel = getUserPowerLevel(event.sender, state, rules);
  if (event.type === "m.room.third_party_invite") {
    if (senderLevel >= getNamedPowerLevel("invite", state, rules)) return;
    throw new AuthError("m.room.third_party_invite: sender's power level is below the invite level");
  }

  if (getEventPowerLevel(event.type, event.stateKey, state, rules) > senderLevel) {
    throw new AuthError(`sender's power level is too low to send ${event.type}`);
  }

  if (event.stateKey !== undefined && event.stateKey.startsWith("@") && event.stateKey !== event.sender) {
    throw new AuthError("state_key starting with @ is not the sender");
  }

  if (event.type === "m.room.power_levels") return checkPowerLevelsEvent(event, state, rules);

  if (rules.authorization.redactionAuth && event.type === "m.room.redaction") {
    if (senderLevel >= getNamedPowerLevel("redact", state, rules)) return;
    const redactedDomain = event.redacts === undefined ? null : domainOf(event.redacts);
    if (redactedDomain !== null && redactedDomain === domainOf(event.eventId)) return;
    throw new AuthError("redaction: sender is below the redact level and the event is from another server");
  }
}

/**
 * Rule 1: 1. any `prev_events` → reject. 2. (v1–v11) room ID domain ≠ sender domain → reject;
 * (v12) a `room_id` → reject. 3. unrecognised `room_version` → reject. 4. (v1–v10) no `creator`
 * → reject; (v12) `additional_creators` not an array of valid user IDs → reject. 5. allow.
 */
function checkCreateEvent(event: Pdu, rules: RoomVersionRules): void {
  if (event.prevEventIds.length > 0) throw new AuthError("m.room.create has prev_events");
  if (rules.roomIdFormat === "createEventHash") {
    if (Object.hasOwn(event.json, "room_id")) throw new AuthError("m.room.create has a room_id");
  } else if (domainOf(event.roomId) !== domainOf(event.sender)) {
    throw new AuthError("m.room.create: room ID domain differs from the sender's");
  }
  const content = event.content;
  if (Object.hasOwn(content, "room_version")) {
    const version = content.room_version;
    if (typeof version !== "string" || getRoomVersion(version) === null) {
      throw new AuthError(`m.room.create: unrecognised room_version ${JSON.stringify(version)}`);
    }
  }
  if (rules.authorization.creatorInContent && !Object.hasOwn(content, "creator")) {
    throw new AuthError("m.room.create has no creator");
  }
  if (rules.authorization.additionalCreators && Object.hasOwn(content, "additional_creators")) {
    const additional = content.additional_creators;
    if (!Array.isArray(additional) || !additional.every((user) => isValidUserId(user))) {
      throw new AuthError("m.room.create: additional_creators is not an array of user IDs");
    }
  }
}
