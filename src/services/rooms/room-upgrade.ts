/**
 * Room upgrades: `POST /rooms/{roomId}/upgrade`.
 * https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-16 (Room Upgrades)
 *
 * > 1. Checks that the user has permission to send `m.room.tombstone` events in the room.
 * > 2. Creates a replacement room with a `m.room.create` event containing a `predecessor` field,
 * >    the applicable `room_version`, and a `type` field which is copied from the `predecessor` room.
 * > 3. Replicates transferable state events to the new room. […] `m.room.server_acl`,
 * >    `m.room.encryption`, `m.room.name`, `m.room.avatar`, `m.room.topic`, `m.room.guest_access`,
 * >    `m.room.history_visibility`, `m.room.join_rules`, `m.room.power_levels`
 * > 4. Moves any local aliases to the new room.
 * > 5. Sends a `m.room.tombstone` event to the old room to indicate that it is not intended to be
 * >    used any further.
 * > 6. If possible, the power levels in the old room should also be modified to prevent sending
 * >    of events and inviting new users. For example, setting `events_default` and `invite` to the
 * >    greater of `50` and `users_default + 1`.
 *
 * The new room is made by RoomCreationService (so the creator's power is raised while it sets up
 * state and lowered back afterwards, as at creation). Besides the listed state, the canonical
 * alias (whose aliases now point to the new room), bans and the room's place in the published
 * directory follow; additional creators do not ("They must be explicitly set during the
 * `/upgrade` call").
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { JsonObject } from "../../matrix/pdu-json.js";
import { getEventPowerLevel, getUserPowerLevel, parsePowerLevel } from "../../room/auth/power-levels.js";
import { isValidUserId } from "../../room/auth/user-ids.js";
import { isJsonObject } from "../../room/is-json-object.js";
import type { Pdu } from "../../room/pdu.js";
import { getRoomVersion, type RoomVersionRules } from "../../room/room-versions.js";
import { parseStateMapKey } from "../../room/state-map.js";
import type { AliasService } from "./alias-service.js";
import type { RoomDirectoryService } from "./directory.js";
import type { EventPersister } from "./event-persister.js";
import { loadPowerState } from "./room-auth-state.js";
import type { RoomEventSender, RoomStateReader } from "./room-collaborators.js";
import type { RoomCreationService } from "./room-creation.js";
import type { InitialStateEvent } from "./room-creation-request.js";

/** Step 3's list, plus the canonical alias (step 4's aliases move with it). */
const TRANSFERRED_STATE = [
  "m.room.server_acl",
  "m.room.encryption",
  "m.room.name",
  "m.room.avatar",
  "m.room.topic",
  "m.room.guest_access",
  "m.room.history_visibility",
  "m.room.join_rules",
  "m.room.canonical_alias",
] as const;

/** What a room without these events behaves as; said explicitly so the preset adds nothing else. */
const IMPLICIT_STATE: Readonly<Record<string, JsonObject>> = {
  "m.room.join_rules": { join_rule: "invite" },
  "m.room.history_visibility": { history_visibility: "shared" },
  "m.room.guest_access": { guest_access: "forbidden" },
};

export interface RoomUpgradeDeps {
  persister: RoomEventSender & Pick<EventPersister, "getForwardExtremities">;
  reader: RoomStateReader;
  creation: Pick<RoomCreationService, "createRoom">;
  aliases: Pick<AliasService, "moveAliases">;
  directory: Pick<RoomDirectoryService, "getVisibility" | "setRoomVisibility">;
}

export class RoomUpgradeService {
  constructor(private readonly deps: RoomUpgradeDeps) {}

  /** Upgrades `roomId` to `newVersion` on behalf of `userId`; returns the replacement room's ID. */
  async upgradeRoom(userId: string, roomId: string, newVersion: string, additionalCreators?: readonly string[]): Promise<string> {
    const newRules = getRoomVersion(newVersion);
    if (newRules === null || newRules.stability !== "stable") {
      throw new MatrixError(400, ErrCode.UnsupportedRoomVersion, `This server does not support room version ${JSON.stringify(newVersion)}`);
    }
    const { reader, persister } = this.deps;
    const oldRules = await reader.getRoomVersion(roomId);
    if (oldRules === null) throw new MatrixError(404, ErrCode.NotFound, `Room ${roomId} is not known to this server`);
    // 1. Permission to send the tombstone.
    const power = await loadPowerState(reader, roomId, [userId]);
    if (power("m.room.member", userId)?.content.membership !== "join") throw new MatrixError(403, ErrCode.Forbidden, "You are not in this room");
    const userLevel = getUserPowerLevel(userId, power, oldRules);
    if (userLevel < getEventPowerLevel("m.room.tombstone", "", power, oldRules)) {
      throw new MatrixError(403, ErrCode.Forbidden, "You do not have the power level to upgrade this room");
    }
    for (const creator of additionalCreators ?? []) {
      if (!isValidUserId(creator)) throw new MatrixError(400, ErrCode.InvalidParam, `additional_creators: ${JSON.stringify(creator)} is not a valid user ID`);
    }

    // 2–3. The replacement room, with the transferable state.
    const create = power("m.room.create", "")!;
    const [lastEventId] = await persister.getForwardExtremities(roomId);
    const creationContent: JsonObject = { predecessor: { room_id: roomId, event_id: lastEventId ?? create.eventId } };
    if (typeof create.content.type === "string") creationContent.type = create.content.type;
    if (create.content["m.federate"] !== undefined) creationContent["m.federate"] = create.content["m.federate"];
    const creators = [userId];
    if (newRules.authorization.additionalCreators && additionalCreators !== undefined && additionalCreators.length > 0) {
      creationContent.additional_creators = [...additionalCreators];
      creators.push(...additionalCreators);
    }
    const initialState: InitialStateEvent[] = [];
    for (const type of TRANSFERRED_STATE) {
      const event = await reader.getStateEvent(roomId, type, "");
      const content = event?.content ?? IMPLICIT_STATE[type];
      if (content !== undefined) initialState.push({ type, state_key: "", content: { ...content } });
    }
    const oldPowerLevels = power("m.room.power_levels", "")?.content;
    if (oldPowerLevels !== undefined) {
      initialState.push({ type: "m.room.power_levels", content: carriedPowerLevels(oldPowerLevels, newRules, creators, userId, userLevel) });
    }
    const published = (await this.deps.directory.getVisibility(roomId)) === "public";
    const { room_id: newRoomId } = await this.deps.creation.createRoom(userId, {
      room_version: newRules.id,
      creation_content: creationContent,
      initial_state: initialState,
      visibility: published ? "public" : "private",
    });
    await this.copyBans(userId, roomId, newRoomId);

    // 4. Local aliases, and the directory listing, move to the new room.
    await this.deps.aliases.moveAliases(roomId, newRoomId);
    if (published) await this.deps.directory.setRoomVisibility(roomId, "private");
    // 5. The tombstone.
    await persister.sendLocalEvent({
      roomId,
      sender: userId,
      type: "m.room.tombstone",
      stateKey: "",
      content: { body: "This room has been replaced", replacement_room: newRoomId },
    });
    // 6. Quieten the old room, and drop its canonical alias (the aliases have moved).
    if (oldPowerLevels !== undefined) await this.tryToSend(userId, roomId, "m.room.power_levels", restrictedPowerLevels(oldPowerLevels, oldRules));
    if ((await reader.getStateEvent(roomId, "m.room.canonical_alias", "")) !== null) {
      await this.tryToSend(userId, roomId, "m.room.canonical_alias", {});
    }
    return newRoomId;
  }

  /** Bans carry over (they impersonate no one: the upgrader sends them). */
  private async copyBans(userId: string, oldRoomId: string, newRoomId: string): Promise<void> {
    const bans: Pdu[] = [];
    for (const [key, eventId] of await this.deps.reader.getCurrentState(oldRoomId)) {
      if (parseStateMapKey(key).type !== "m.room.member") continue;
      const member = await this.deps.reader.getEvent(eventId);
      if (member?.content.membership === "ban") bans.push(member);
    }
    for (const ban of bans) {
      const content: JsonObject = { membership: "ban" };
      if (typeof ban.content.reason === "string") content.reason = ban.content.reason;
      await this.tryToSend(userId, newRoomId, "m.room.member", content, ban.stateKey);
    }
  }

  /** Sends a state event the upgrade can do without (the rules may refuse it). */
  private async tryToSend(sender: string, roomId: string, type: string, content: JsonObject, stateKey = ""): Promise<void> {
    try {
      await this.deps.persister.sendLocalEvent({ roomId, sender, type, stateKey, content });
    } catch (err) {
      if (!(err instanceof MatrixError) || err.status !== 403) throw err;
    }
  }
}

/**
 * The old power levels for the new room. v12 creators "are *not* specified in the power levels
 * event": the new creators leave `users`. Into a version without privileged creators, an
 * upgrader who was a creator keeps the room's highest level.
 */
function carriedPowerLevels(old: JsonObject, rules: RoomVersionRules, creators: readonly string[], upgrader: string, upgraderLevel: number): JsonObject {
  const content = structuredClone(old);
  const users: JsonObject = isJsonObject(content.users) ? content.users : {};
  if (rules.authorization.privilegedCreators) {
    for (const creator of creators) delete users[creator];
  } else if (upgraderLevel === Infinity) {
    let highest = 100;
    const levels = [...Object.values(users), ...Object.values(isJsonObject(content.events) ? content.events : {}), content.state_default];
    for (const value of levels) highest = Math.max(highest, parsePowerLevel(value, rules) ?? 0);
    users[upgrader] = highest;
  }
  content.users = users;
  return content;
}

/** Step 6: "setting `events_default` and `invite` to the greater of `50` and `users_default + 1`". */
function restrictedPowerLevels(old: JsonObject, rules: RoomVersionRules): JsonObject {
  const level = Math.max(50, (parsePowerLevel(old.users_default, rules) ?? 0) + 1);
  return { ...old, events_default: level, invite: level };
}
