/**
 * The /createRoom presets: the state each one sets, and the default power levels of a new room.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3createroom
 *
 * | Preset                 | `join_rules` | `history_visibility` | `guest_access` | Other |
 * | `private_chat`         | `invite`     | `shared`             | `can_join`     |       |
 * | `trusted_private_chat` | `invite`     | `shared`             | `can_join`     | All invitees are given the same power level as the room creator. |
 * | `public_chat`          | `public`     | `shared`             | `forbidden`    |       |
 */
import type { JsonObject } from "../../matrix/pdu-json.js";
import type { RoomVersionRules } from "../../room/room-versions.js";

export type RoomPreset = "private_chat" | "trusted_private_chat" | "public_chat";

export interface PresetState {
  readonly joinRule: "invite" | "public";
  readonly historyVisibility: "shared";
  readonly guestAccess: "can_join" | "forbidden";
  /**
   * The *invite level* of the default power levels (Hearth's choice; the spec names none): anyone
   * may invite in private rooms, moderators in public ones.
   */
  readonly inviteLevel: number;
  /** `trusted_private_chat`: invitees get the creator's power (v12: they become creators). */
  readonly inviteesAreCreatorsPeers: boolean;
}

export const PRESETS: Readonly<Record<RoomPreset, PresetState>> = Object.freeze({
  private_chat: Object.freeze({
    joinRule: "invite",
    historyVisibility: "shared",
    guestAccess: "can_join",
    inviteLevel: 0,
    inviteesAreCreatorsPeers: false,
  }),
  trusted_private_chat: Object.freeze({
    joinRule: "invite",
    historyVisibility: "shared",
    guestAccess: "can_join",
    inviteLevel: 0,
    inviteesAreCreatorsPeers: true,
  }),
  public_chat: Object.freeze({
    joinRule: "public",
    historyVisibility: "shared",
    guestAccess: "forbidden",
    inviteLevel: 50,
    inviteesAreCreatorsPeers: false,
  }),
});

export function isRoomPreset(value: unknown): value is RoomPreset {
  return typeof value === "string" && Object.hasOwn(PRESETS, value);
}

/** The creator's level in v1–v11 rooms; invitees of `trusted_private_chat` get the same. */
export const CREATOR_POWER_LEVEL = 100;

/**
 * The default `m.room.power_levels` content of a new room (before `power_level_content_override`).
 * v1–v11: the creator is listed at 100 ("the room creator (and not other members) will be given
 * permission to send state events"). v12: creators have infinite power and are not listed; "the
 * power level for sending `m.room.tombstone` events MUST explicitly be higher than
 * `state_default`", so it is 150 there. `peers` (trusted_private_chat invitees who are not
 * creators) are listed at the creator's level.
 */
export function defaultPowerLevels(preset: PresetState, rules: RoomVersionRules, creators: readonly string[], peers: readonly string[]): JsonObject {
  const users: JsonObject = {};
  if (!rules.authorization.privilegedCreators) {
    for (const creator of creators) users[creator] = CREATOR_POWER_LEVEL;
  }
  for (const peer of peers) {
    if (!(rules.authorization.privilegedCreators && creators.includes(peer))) users[peer] = CREATOR_POWER_LEVEL;
  }
  return {
    users,
    users_default: 0,
    events: {
      "m.room.name": 50,
      "m.room.power_levels": 100,
      "m.room.history_visibility": 100,
      "m.room.canonical_alias": 50,
      "m.room.avatar": 50,
      "m.room.tombstone": rules.authorization.privilegedCreators ? 150 : 100,
      "m.room.server_acl": 100,
      "m.room.encryption": 100,
    },
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    invite: preset.inviteLevel,
  };
}
