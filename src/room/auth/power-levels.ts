/**
 * Power levels: reading them (with each room version's leniency) and authorizing a new
 * `m.room.power_levels` event.
 * https://spec.matrix.org/v1.19/client-server-api/#mroompower_levels
 * https://spec.matrix.org/v1.19/rooms/v12/#authorisation-rules (rule 10)
 */
import type { JsonObject } from "../../matrix/pdu-json.js";
import type { Pdu } from "../pdu.js";
import type { RoomVersionRules } from "../room-versions.js";
import { AuthError } from "./auth-error.js";
import type { AuthState } from "./auth-state.js";
import { isValidUserId } from "./user-ids.js";
import { isJsonObject } from "../is-json-object.js";

/** The levels compared one by one in rule 10.3 (v1) / 9.5 (v10) / 10.6 (v12). */
const LEVEL_KEYS = ["users_default", "events_default", "state_default", "ban", "redact", "kick", "invite"] as const;

export type NamedLevel = "ban" | "kick" | "redact" | "invite";
const NAMED_LEVEL_DEFAULTS: Record<NamedLevel, number> = { ban: 50, kick: 50, redact: 50, invite: 0 };

/** "optionally with any number of leading or trailing whitespace", a sign, then base-10 digits. */
const STRINGY_INTEGER = /^\s*[+-]?[0-9]+\s*$/;

/**
 * A power level value as a number, or null when the room version does not accept it:
 * integers always; integer strings before v10 ("stringy power levels"); floats, truncated,
 * where canonical JSON is not enforced (v1–v5, "floaty power levels").
 */
export function parsePowerLevel(value: unknown, rules: RoomVersionRules): number | null {
  if (typeof value === "number") {
    if (Number.isInteger(value)) return value;
    if (!rules.strictCanonicalJson && Number.isFinite(value)) return Math.trunc(value);
    return null;
  }
  if (typeof value === "string" && !rules.authorization.integerPowerLevels && STRINGY_INTEGER.test(value)) {
    return Number(value.trim());
  }
  return null;
}

/**
 * The room creators: v12, the create event's sender plus `additional_creators`; before, the one
 * creator (`content.creator` up to v10, the sender from v11).
 */
export function roomCreators(create: Pdu, rules: RoomVersionRules): string[] {
  if (rules.authorization.creatorInContent) {
    const creator = create.content.creator;
    return typeof creator === "string" ? [creator] : [];
  }
  const creators = [create.sender];
  const additional = create.content.additional_creators;
  if (rules.authorization.additionalCreators && Array.isArray(additional)) {
    for (const user of additional) if (typeof user === "string") creators.push(user);
  }
  return creators;
}

/** Whether `userId` is one of roomCreators(create) (without building the list). */
export function isRoomCreator(create: Pdu, userId: string, rules: RoomVersionRules): boolean {
  if (rules.authorization.creatorInContent) return create.content.creator === userId;
  if (create.sender === userId) return true;
  const additional = create.content.additional_creators;
  return rules.authorization.additionalCreators && Array.isArray(additional) && additional.includes(userId);
}

/**
 * A user's power level: Infinity for v12 creators; else `users[userId]`, else `users_default`
 * (0); with no power levels event, 100 for the creator (v1–v11) and 0 for everyone else.
 */
export function getUserPowerLevel(userId: string, state: AuthState, rules: RoomVersionRules): number {
  const create = state("m.room.create", "");
  if (rules.authorization.privilegedCreators && create !== undefined && isRoomCreator(create, userId, rules)) return Infinity;
  const powerLevels = state("m.room.power_levels", "");
  if (powerLevels === undefined) return create !== undefined && isRoomCreator(create, userId, rules) ? 100 : 0;
  const users = powerLevels.content.users;
  if (isJsonObject(users) && Object.hasOwn(users, userId)) {
    const level = parsePowerLevel(users[userId], rules);
    if (level !== null) return level;
  }
  return parsePowerLevel(powerLevels.content.users_default, rules) ?? 0;
}

/**
 * The *required power level* to send an event: `events[type]`, else `state_default` (50) for state
 * events or `events_default` (0) for others, the defaults also applying with no power levels event.
 */
export function getEventPowerLevel(
  type: string,
  stateKey: string | undefined,
  state: AuthState,
  rules: RoomVersionRules,
): number {
  const content = state("m.room.power_levels", "")?.content;
  if (content === undefined) return stateKey === undefined ? 0 : 50;
  const events = content.events;
  if (isJsonObject(events) && Object.hasOwn(events, type)) {
    const level = parsePowerLevel(events[type], rules);
    if (level !== null) return level;
  }
  return stateKey === undefined
    ? (parsePowerLevel(content.events_default, rules) ?? 0)
    : (parsePowerLevel(content.state_default, rules) ?? 50);
}

/** The *invite*, *kick*, *ban* or *redact level* (defaults 0, 50, 50, 50). */
export function getNamedPowerLevel(name: NamedLevel, state: AuthState, rules: RoomVersionRules): number {
  const content = state("m.room.power_levels", "")?.content;
  return (content === undefined ? null : parsePowerLevel(content[name], rules)) ?? NAMED_LEVEL_DEFAULTS[name];
}

/**
 * Authorization of an `m.room.power_levels` event (it has already passed the generic rules).
 * Numbering as in room version 12, rule 10:
 * 1–2. (v10+) every level, and every value of `events`/`notifications`, is an integer;
 * 3. `users` is an object of valid user IDs to valid levels;
 * 4. (v12) `users` names no creator;
 * 5. with no previous power levels event, allow;
 * 6. each changed top-level level: neither the old nor the new value above the sender's level;
 * 7–8. `events` (and from v6 `notifications`): changed/removed entries' old values and
 *      added/changed entries' new values not above the sender's level;
 * 9. changed/removed `users` entries other than the sender's own: old value below the sender's;
 * 10. added/changed `users` entries: new value not above the sender's level.
 */
export function checkPowerLevelsEvent(event: Pdu, state: AuthState, rules: RoomVersionRules): void {
  const content = event.content;
  const { integerPowerLevels, notificationsPowerLevels, privilegedCreators } = rules.authorization;
  if (integerPowerLevels) {
    for (const key of LEVEL_KEYS) {
      if (Object.hasOwn(content, key) && !Number.isInteger(content[key])) throw new AuthError(`power levels: ${key} is not an integer`);
    }
    for (const key of ["events", "notifications"]) {
      if (!Object.hasOwn(content, key)) continue;
      const mapping = content[key];
      if (!isJsonObject(mapping) || !Object.values(mapping).every((value) => Number.isInteger(value))) {
        throw new AuthError(`power levels: ${key} is not an object of integers`);
      }
    }
  }
  if (Object.hasOwn(content, "users")) {
    const users = content.users;
    if (!isJsonObject(users)) throw new AuthError("power levels: users is not an object");
    for (const [userId, level] of Object.entries(users)) {
      if (!isValidUserId(userId)) throw new AuthError(`power levels: ${JSON.stringify(userId)} is not a valid user ID`);
      if (parsePowerLevel(level, rules) === null) throw new AuthError(`power levels: invalid level for ${userId}`);
    }
    const create = state("m.room.create", "");
    if (privilegedCreators && create !== undefined) {
      for (const creator of roomCreators(create, rules)) {
        if (Object.hasOwn(users, creator)) throw new AuthError(`power levels: room creator ${creator} may not be listed in users`);
      }
    }
  }

  const previous = state("m.room.power_levels", "");
  if (previous === undefined) return;
  const old = previous.content;
  const senderLevel = getUserPowerLevel(event.sender, state, rules);

  for (const key of LEVEL_KEYS) {
    checkChange(key, old[key], content[key], rules, (before, after) => {
      if (before !== null && before > senderLevel) throw new AuthError(`power levels: current ${key} is above the sender's level`);
      if (after !== null && after > senderLevel) throw new AuthError(`power levels: new ${key} is above the sender's level`);
    });
  }

  const mappings = notificationsPowerLevels ? ["events", "notifications"] : ["events"];
  for (const mapping of mappings) {
    forEachEntryChange(mapping, old[mapping], content[mapping], rules, (name, before, after) => {
      if (before !== null && before > senderLevel) {
        throw new AuthError(`power levels: current ${mapping}[${name}] is above the sender's level`);
      }
      if (after !== null && after > senderLevel) throw new AuthError(`power levels: new ${mapping}[${name}] is above the sender's level`);
    });
  }

  forEachEntryChange("users", old.users, content.users, rules, (userId, before, after) => {
    if (before !== null && userId !== event.sender && before >= senderLevel) {
      throw new AuthError(`power levels: cannot change the level of ${userId}, who is not below the sender`);
    }
    if (after !== null && after > senderLevel) throw new AuthError(`power levels: cannot raise ${userId} above the sender's level`);
  });
}

/**
 * Calls `check(old, new)` when a level was added, changed or removed; a side is null when absent.
 * An unreadable new value is refused; an unreadable old value counts as absent.
 */
function checkChange(
  name: string,
  oldValue: unknown,
  newValue: unknown,
  rules: RoomVersionRules,
  check: (before: number | null, after: number | null) => void,
): void {
  const before = oldValue === undefined ? null : parsePowerLevel(oldValue, rules);
  const after = newValue === undefined ? null : parsePowerLevel(newValue, rules);
  if (newValue !== undefined && after === null) throw new AuthError(`power levels: ${name} is not a valid power level`);
  if (before !== after) check(before, after);
}

/** checkChange for each key of a mapping (`events`, `notifications`, `users`) on either side. */
function forEachEntryChange(
  mapping: string,
  oldMapping: unknown,
  newMapping: unknown,
  rules: RoomVersionRules,
  check: (key: string, before: number | null, after: number | null) => void,
): void {
  const before: JsonObject = isJsonObject(oldMapping) ? oldMapping : {};
  const after: JsonObject = isJsonObject(newMapping) ? newMapping : {};
  for (const key of Object.keys(before)) {
    checkChange(`${mapping}[${key}]`, before[key], Object.hasOwn(after, key) ? after[key] : undefined, rules, (b, a) => check(key, b, a));
  }
  for (const key of Object.keys(after)) {
    if (Object.hasOwn(before, key)) continue;
    checkChange(`${mapping}[${key}]`, undefined, after[key], rules, (b, a) => check(key, b, a));
  }
}
