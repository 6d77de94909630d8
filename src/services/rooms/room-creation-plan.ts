/**
 * The events a /createRoom request implies, in the spec's order, as a pure function of the checked
 * request. https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3createroom
 *
 * 1. `m.room.create` (`createContent`); 2. the creator's join (sent by the service, which knows
 * the profile); 3. `m.room.power_levels` (`powerLevels`); 4. `m.room.canonical_alias` for
 * `room_alias_name`; 5. the preset's join rules, history visibility and guest access;
 * 6. `initial_state` in order; 7. `name` and `topic`; 8. invites (`invites`).
 *
 * Precedence: `initial_state` wins over the preset's events (and over the canonical alias of
 * `room_alias_name`), and `name`/`topic` win over `initial_state`; an overridden event is not sent
 * at all. An `m.room.power_levels` in `initial_state` replaces the default content and is sent at
 * step 3, with `power_level_content_override` applied on top, so the room never holds two.
 *
 * Rooms before v12 may end up with a creator whose final level cannot send the remaining
 * events (e.g. an override of `users` that leaves the creator out). Then step 3 raises the creator
 * just enough, and `finalPowerLevels` is sent after the invites: the creator lowering their own
 * level is always allowed.
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { JsonObject } from "../../matrix/pdu-json.js";
import { parsePowerLevel } from "../../room/auth/power-levels.js";
import { isJsonObject } from "../../room/is-json-object.js";
import type { RoomVersionRules } from "../../room/room-versions.js";
import { stateMapKey } from "../../room/state-map.js";
import { defaultPowerLevels, PRESETS } from "./preset-state.js";
import type { CheckedCreateRoomRequest, PlannedStateEvent } from "./room-creation-request.js";

export interface RoomCreationPlan {
  createContent: JsonObject;
  /** The creator plus, from v12, `additional_creators`. */
  creators: string[];
  powerLevels: JsonObject;
  /** Sent after the invites when `powerLevels` had to raise the creator; else null. */
  finalPowerLevels: JsonObject | null;
  /** Steps 4–7. */
  stateEvents: PlannedStateEvent[];
  /** Step 8: `m.room.member` invites, in request order. */
  invites: string[];
}

const POWER_LEVELS_KEY = stateMapKey("m.room.power_levels", "");

export function planRoomCreation(creator: string, req: CheckedCreateRoomRequest): RoomCreationPlan {
  const { rules } = req;
  const preset = PRESETS[req.preset];
  const privileged = rules.authorization.privilegedCreators;

  const createContent: JsonObject = { ...req.creationContent, room_version: rules.id };
  if (rules.authorization.creatorInContent) createContent.creator = creator;
  if (rules.authorization.additionalCreators && preset.inviteesAreCreatorsPeers && req.invitees.length > 0) {
    // "the users specified in the `invite` parameter SHOULD also be appended to `additional_creators`"
    const given = Array.isArray(createContent.additional_creators) ? (createContent.additional_creators as string[]) : [];
    createContent.additional_creators = [...new Set([...given, ...req.invitees])];
  }
  const creators = [creator];
  if (rules.authorization.additionalCreators && Array.isArray(createContent.additional_creators)) {
    creators.push(...(createContent.additional_creators as string[]));
  }

  const initialState = new Map(req.initialState);
  const initialPowerLevels = initialState.get(POWER_LEVELS_KEY);
  initialState.delete(POWER_LEVELS_KEY);
  const peers = preset.inviteesAreCreatorsPeers && !privileged ? req.invitees : [];
  let powerLevels = initialPowerLevels?.content ?? defaultPowerLevels(preset, rules, creators, peers);
  if (req.powerLevelOverride !== null) powerLevels = { ...powerLevels, ...req.powerLevelOverride };
  if (privileged) checkCreatorsNotListed(powerLevels, creators);

  const stateEvents: PlannedStateEvent[] = [];
  const add = (type: string, content: JsonObject): void => {
    if (!initialState.has(stateMapKey(type, ""))) stateEvents.push({ type, stateKey: "", content });
  };
  if (req.alias !== null) add("m.room.canonical_alias", { alias: req.alias });
  add("m.room.join_rules", { join_rule: preset.joinRule });
  add("m.room.history_visibility", { history_visibility: preset.historyVisibility });
  add("m.room.guest_access", { guest_access: preset.guestAccess });
  if (req.name !== null) initialState.delete(stateMapKey("m.room.name", ""));
  if (req.topic !== null) initialState.delete(stateMapKey("m.room.topic", ""));
  stateEvents.push(...initialState.values());
  if (req.name !== null) stateEvents.push({ type: "m.room.name", stateKey: "", content: { name: req.name } });
  if (req.topic !== null) stateEvents.push({ type: "m.room.topic", stateKey: "", content: topicContent(req.topic) });

  const plan: RoomCreationPlan = {
    createContent,
    creators,
    powerLevels,
    finalPowerLevels: null,
    stateEvents,
    invites: req.invitees,
  };
  if (!privileged) raiseCreatorIfNeeded(plan, creator, rules);
  return plan;
}

/** "an `m.room.topic` event with a `text/plain` mimetype" (v1.15+: the `m.topic` block too). */
export function topicContent(topic: string): JsonObject {
  return { topic, "m.topic": { "m.text": [{ mimetype: "text/plain", body: topic }] } };
}

/** v12: "the room creator … cannot be specified in the `users` field of `m.room.power_levels`". */
function checkCreatorsNotListed(powerLevels: JsonObject, creators: readonly string[]): void {
  const users = powerLevels.users;
  if (!isJsonObject(users)) return;
  for (const creator of creators) {
    if (Object.hasOwn(users, creator)) {
      throw new MatrixError(400, ErrCode.InvalidParam, `${creator} is a room creator and may not be listed in the power levels' users`);
    }
  }
}

/**
 * Before v12: when the creator's level in `plan.powerLevels` is below what the later creation
 * events need, step 3 lists the creator at that level (at least the level to send power levels)
 * and the requested content becomes `finalPowerLevels`.
 */
function raiseCreatorIfNeeded(plan: RoomCreationPlan, creator: string, rules: RoomVersionRules): void {
  const content = plan.powerLevels;
  const users = isJsonObject(content.users) ? content.users : {};
  const level = (value: unknown, fallback: number): number => (value === undefined ? null : parsePowerLevel(value, rules)) ?? fallback;
  const events = isJsonObject(content.events) ? content.events : {};
  const stateDefault = level(content.state_default, 50);
  const required = (type: string): number => level(Object.hasOwn(events, type) ? events[type] : undefined, stateDefault);

  const creatorLevel = level(Object.hasOwn(users, creator) ? users[creator] : undefined, level(content.users_default, 0));
  let needed = -Infinity;
  for (const event of plan.stateEvents) needed = Math.max(needed, required(event.type));
  if (plan.invites.length > 0) needed = Math.max(needed, level(content.invite, 0));
  if (creatorLevel >= needed) return;
  plan.finalPowerLevels = content;
  plan.powerLevels = { ...content, users: { ...users, [creator]: Math.max(needed, required("m.room.power_levels")) } };
}
