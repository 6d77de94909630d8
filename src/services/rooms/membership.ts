/**
 * Membership verbs: invite, join, leave, kick, ban, unban and knock, each one `m.room.member`
 * event sent through the event persister (whose auth rules have the last word: a refused change
 * is 403 M_FORBIDDEN). The checks here are the ones the spec asks of the client API beyond the
 * auth rules, and clearer errors for the common refusals.
 * https://spec.matrix.org/v1.19/client-server-api/#room-membership
 *
 * Only rooms this server knows are handled: joining, knocking on or rejecting an invite to a
 * room on another server needs the federation handshake (make_join/send_join, make_knock,
 * make_leave), which a later issue adds. Until then such rooms are 404 M_NOT_FOUND. A room we
 * hold in a version this server does not support is 400 M_INCOMPATIBLE_ROOM_VERSION ("The
 * client attempted to join a room that has a version the server does not support").
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { JsonObject } from "../../matrix/pdu-json.js";
import { getNamedPowerLevel, getUserPowerLevel } from "../../room/auth/power-levels.js";
import { domainOf, isValidUserId } from "../../room/auth/user-ids.js";
import { isJsonObject } from "../../room/is-json-object.js";
import type { Pdu } from "../../room/pdu.js";
import type { RoomVersionRules } from "../../room/room-versions.js";
import { parseStateMapKey } from "../../room/state-map.js";
import type { CurrentStateStore } from "../../storage/stores/current-state-store.js";
import type { RoomsStore } from "../../storage/stores/rooms-store.js";
import { loadPowerState } from "./room-auth-state.js";
import type { MemberProfile, ProfileLookup, RoomEventSender, RoomStateReader } from "./room-collaborators.js";
import { memberContent } from "./room-member-content.js";
import { strippedRoomState } from "./room-stripped-state.js";

export interface MembershipDeps {
  serverName: string;
  persister: RoomEventSender;
  reader: RoomStateReader;
  profiles: ProfileLookup;
  /** Rooms we hold, including those of versions we cannot serve. */
  rooms: Pick<RoomsStore, "selectRoom">;
  /** A user's rooms (deactivation, profile changes). */
  userRooms: Pick<CurrentStateStore, "selectRoomsForUser">;
}

export interface JoinOptions {
  reason?: string;
  /**
   * The joining user is a guest: "Servers MUST only allow guest users to join rooms if the
   * `m.room.guest_access` state event is present on the room, and has the `guest_access` value
   * `can_join`" (403 M_GUEST_ACCESS_FORBIDDEN).
   */
  isGuest?: boolean;
  /** `third_party_signed` of /join: accepts the room's `m.room.third_party_invite` for its token. */
  thirdPartySigned?: JsonObject;
}

export class MembershipService {
  constructor(private readonly deps: MembershipDeps) {}

  /** `POST /rooms/{roomId}/invite`. Returns the invite's event ID. */
  async invite(sender: string, roomId: string, target: string, reason?: string, isDirect?: boolean): Promise<string> {
    await this.requireRoom(roomId);
    if (!isValidUserId(target)) throw new MatrixError(400, ErrCode.InvalidParam, `${JSON.stringify(target)} is not a valid user ID`);
    const current = await this.membershipOf(roomId, target);
    if (current === "join") throw new MatrixError(403, ErrCode.Forbidden, `${target} is already in the room`);
    if (current === "ban") throw new MatrixError(403, ErrCode.Forbidden, `${target} is banned from the room`);
    const profile = await this.deps.profiles.getProfile(target);
    const unsigned = { invite_room_state: await strippedRoomState(this.deps.reader, roomId) };
    return this.send(roomId, sender, target, memberContent("invite", { profile, reason, isDirect }), unsigned);
  }

  /**
   * `POST /rooms/{roomId}/join`. Already joined: returns the current join unchanged. Restricted
   * rooms (`restricted`, `knock_restricted`) without an invite: the user must be joined to one of
   * the `allow` rooms, and a local member who can invite authorises the join.
   */
  async join(userId: string, roomId: string, options: JoinOptions = {}): Promise<string> {
    const rules = await this.requireJoinableRoom(roomId, "joining");
    if (options.isGuest && (await this.deps.reader.getStateEvent(roomId, "m.room.guest_access", ""))?.content.guest_access !== "can_join") {
      throw new MatrixError(403, ErrCode.GuestAccessForbidden, "Guest access is not allowed in this room");
    }
    const current = await this.deps.reader.getStateEvent(roomId, "m.room.member", userId);
    const membership = current?.content.membership ?? "leave";
    if (membership === "ban") throw new MatrixError(403, ErrCode.Forbidden, "You are banned from this room");
    if (membership === "join" && current !== null) return current.eventId;

    let invited = membership === "invite";
    if (!invited && options.thirdPartySigned !== undefined) {
      await this.acceptThirdPartyInvite(userId, roomId, options.thirdPartySigned);
      invited = true;
    }
    const joinAuthorisedVia = invited ? undefined : await this.restrictedJoinAuthoriser(userId, roomId, rules);
    const profile = await this.deps.profiles.getProfile(userId);
    return this.send(roomId, userId, userId, memberContent("join", { profile, reason: options.reason, joinAuthorisedVia }));
  }

  /**
   * `POST /rooms/{roomId}/leave`: leaves, rejects an invite or retracts a knock. Already left:
   * returns the member event that made it so (nothing is sent).
   */
  async leave(userId: string, roomId: string, reason?: string): Promise<string> {
    await this.requireRoom(roomId);
    const current = await this.deps.reader.getStateEvent(roomId, "m.room.member", userId);
    const membership = current?.content.membership ?? "leave";
    if (membership === "leave") {
      if (current !== null) return current.eventId;
      throw new MatrixError(403, ErrCode.Forbidden, "You are not a member of this room");
    }
    if (membership === "ban") throw new MatrixError(403, ErrCode.Forbidden, "You are banned from this room");
    return this.send(roomId, userId, userId, memberContent("leave", { reason }));
  }

  /** `POST /rooms/{roomId}/kick`: the target must be joined, invited or knocking. */
  async kick(sender: string, roomId: string, target: string, reason?: string): Promise<string> {
    await this.requireRoom(roomId);
    const current = await this.membershipOf(roomId, target);
    if (current !== "join" && current !== "invite" && current !== "knock") {
      throw new MatrixError(403, ErrCode.Forbidden, `${target} is not in the room`);
    }
    return this.send(roomId, sender, target, memberContent("leave", { reason }));
  }

  /** `POST /rooms/{roomId}/ban`. */
  async ban(sender: string, roomId: string, target: string, reason?: string): Promise<string> {
    await this.requireRoom(roomId);
    if (!isValidUserId(target)) throw new MatrixError(400, ErrCode.InvalidParam, `${JSON.stringify(target)} is not a valid user ID`);
    return this.send(roomId, sender, target, memberContent("ban", { reason }));
  }

  /** `POST /rooms/{roomId}/unban`: the target must be banned; their membership becomes `leave`. */
  async unban(sender: string, roomId: string, target: string, reason?: string): Promise<string> {
    await this.requireRoom(roomId);
    if ((await this.membershipOf(roomId, target)) !== "ban") {
      throw new MatrixError(403, ErrCode.Forbidden, `${target} is not banned from the room`);
    }
    return this.send(roomId, sender, target, memberContent("leave", { reason }));
  }

  /**
   * `POST /knock/{roomIdOrAlias}`: "Users who are currently in the room, already invited, or
   * banned cannot knock on the room", and the join rule must be `knock` (or `knock_restricted`).
   */
  async knock(userId: string, roomId: string, reason?: string): Promise<string> {
    const rules = await this.requireJoinableRoom(roomId, "knocking on");
    const joinRule = (await this.deps.reader.getStateEvent(roomId, "m.room.join_rules", ""))?.content.join_rule;
    const { knockJoinRule, knockRestrictedJoinRule } = rules.authorization;
    if (!((knockJoinRule && joinRule === "knock") || (knockRestrictedJoinRule && joinRule === "knock_restricted"))) {
      throw new MatrixError(403, ErrCode.Forbidden, "You are not allowed to knock on this room: it is not set up for knocking");
    }
    const current = await this.membershipOf(roomId, userId);
    if (current === "join" || current === "invite" || current === "ban") {
      const state = current === "join" ? "already in" : current === "invite" ? "already invited to" : "banned from";
      throw new MatrixError(403, ErrCode.Forbidden, `You cannot knock: you are ${state} this room`);
    }
    const profile = await this.deps.profiles.getProfile(userId);
    const unsigned = { knock_room_state: await strippedRoomState(this.deps.reader, roomId) };
    return this.send(roomId, userId, userId, memberContent("knock", { profile, reason }), unsigned);
  }

  /** `GET /joined_rooms`: the rooms where the user's membership is `join`. */
  async getJoinedRooms(userId: string): Promise<string[]> {
    return (await this.deps.userRooms.selectRoomsForUser(userId, ["join"])).map((room) => room.roomId);
  }

  /**
   * Leaves (or rejects or retracts) every room the user is joined to, invited to or knocking on:
   * account deactivation. Rooms that refuse are skipped.
   */
  async leaveAllRooms(userId: string): Promise<void> {
    for (const { roomId } of await this.deps.userRooms.selectRoomsForUser(userId, ["join", "invite", "knock"])) {
      try {
        await this.leave(userId, roomId);
      } catch (err) {
        if (!(err instanceof MatrixError)) throw err;
      }
    }
  }

  /**
   * A changed display name or avatar, into the user's member event in each room they are joined
   * to ("changes to these fields cause an automatic propagation event").
   */
  async propagateProfile(userId: string, profile: MemberProfile): Promise<void> {
    for (const { roomId } of await this.deps.userRooms.selectRoomsForUser(userId, ["join"])) {
      const current = await this.deps.reader.getStateEvent(roomId, "m.room.member", userId);
      if (current?.content.membership !== "join") continue;
      const content: JsonObject = { ...current.content };
      delete content.displayname;
      delete content.avatar_url;
      delete content.join_authorised_via_users_server;
      if (typeof profile.displayname === "string") content.displayname = profile.displayname;
      if (typeof profile.avatar_url === "string") content.avatar_url = profile.avatar_url;
      if (content.displayname === current.content.displayname && content.avatar_url === current.content.avatar_url) continue;
      try {
        await this.send(roomId, userId, userId, content);
      } catch (err) {
        if (!(err instanceof MatrixError)) throw err;
      }
    }
  }

  private async send(roomId: string, sender: string, target: string, content: JsonObject, unsigned?: JsonObject): Promise<string> {
    const { pdu } = await this.deps.persister.sendLocalEvent({ roomId, sender, type: "m.room.member", stateKey: target, content, unsigned });
    return pdu.eventId;
  }

  /** A room to join or knock on: known here (404 otherwise), in a version we support. */
  private async requireJoinableRoom(roomId: string, what: string): Promise<RoomVersionRules> {
    const rules = await this.deps.reader.getRoomVersion(roomId);
    if (rules !== null) return rules;
    const row = await this.deps.rooms.selectRoom(roomId);
    if (row !== null) {
      throw new MatrixError(400, ErrCode.IncompatibleRoomVersion, `This server does not support room version ${row.roomVersion}`, {
        room_version: row.roomVersion,
      });
    }
    throw new MatrixError(404, ErrCode.NotFound, `Room ${roomId} is not known to this server (${what} rooms on other servers is not supported yet)`);
  }

  private async requireRoom(roomId: string): Promise<RoomVersionRules> {
    const rules = await this.deps.reader.getRoomVersion(roomId);
    if (rules === null) throw new MatrixError(404, ErrCode.NotFound, `Room ${roomId} is not known to this server`);
    return rules;
  }

  private async membershipOf(roomId: string, userId: string): Promise<string> {
    const membership = (await this.deps.reader.getStateEvent(roomId, "m.room.member", userId))?.content.membership;
    return typeof membership === "string" ? membership : "leave";
  }

  /**
   * The `join_authorised_via_users_server` of a join, or undefined when the join rule is not a
   * restricted one. https://spec.matrix.org/v1.19/client-server-api/#restricted-rooms
   * "When joining without an invite, the server MUST verify that the requesting user meets at
   * least one of the conditions" — `m.room_membership`: joined to the `room_id` (rooms this
   * server knows; others cannot be verified).
   */
  private async restrictedJoinAuthoriser(userId: string, roomId: string, rules: RoomVersionRules): Promise<string | undefined> {
    const joinRules = (await this.deps.reader.getStateEvent(roomId, "m.room.join_rules", ""))?.content;
    const joinRule = joinRules?.join_rule;
    const { restrictedJoinRule, knockRestrictedJoinRule } = rules.authorization;
    if (!((restrictedJoinRule && joinRule === "restricted") || (knockRestrictedJoinRule && joinRule === "knock_restricted"))) {
      return undefined;
    }
    const allow = Array.isArray(joinRules?.allow) ? joinRules.allow : [];
    let eligible = false;
    for (const condition of allow) {
      if (!isJsonObject(condition) || condition.type !== "m.room_membership" || typeof condition.room_id !== "string") continue;
      if ((await this.membershipOf(condition.room_id, userId)) === "join") {
        eligible = true;
        break;
      }
    }
    if (!eligible) throw new MatrixError(403, ErrCode.Forbidden, "You do not satisfy any of this restricted room's join conditions");
    const authoriser = await this.findLocalInviter(roomId, rules);
    if (authoriser === null) {
      throw new MatrixError(403, ErrCode.Forbidden, "No member of this server in the room has the power to authorise your join");
    }
    return authoriser;
  }

  /** A joined local member whose power level reaches the *invite level*, or null. */
  private async findLocalInviter(roomId: string, rules: RoomVersionRules): Promise<string | null> {
    const state = await loadPowerState(this.deps.reader, roomId);
    const inviteLevel = getNamedPowerLevel("invite", state, rules);
    const suffix = ":" + this.deps.serverName;
    for (const [key, eventId] of await this.deps.reader.getCurrentState(roomId)) {
      const { type, stateKey } = parseStateMapKey(key);
      if (type !== "m.room.member" || !stateKey.endsWith(suffix)) continue;
      if (getUserPowerLevel(stateKey, state, rules) < inviteLevel) continue;
      const member = await this.deps.reader.getEvent(eventId);
      if (member?.content.membership === "join") return stateKey;
    }
    return null;
  }

  /**
   * `third_party_signed`: the invite that the room's `m.room.third_party_invite` promised, sent as
   * that event's sender (the auth rules check the signature against its public keys). Only
   * invites issued by a local user can be turned into an invite here; remote ones need the
   * federation `exchange_third_party_invite`, which comes later.
   * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3joinroomidoralias
   */
  private async acceptThirdPartyInvite(userId: string, roomId: string, signed: JsonObject): Promise<void> {
    if (!isJsonObject(signed) || typeof signed.token !== "string" || typeof signed.sender !== "string" || !isJsonObject(signed.signatures)) {
      throw new MatrixError(400, ErrCode.BadJson, "third_party_signed needs sender, mxid, token and signatures");
    }
    if (signed.mxid !== userId) throw new MatrixError(403, ErrCode.Forbidden, "third_party_signed was issued to another user");
    const thirdPartyInvite: Pdu | null = await this.deps.reader.getStateEvent(roomId, "m.room.third_party_invite", signed.token);
    if (thirdPartyInvite === null || thirdPartyInvite.sender !== signed.sender) {
      throw new MatrixError(403, ErrCode.Forbidden, "No matching third-party invite in this room");
    }
    if (domainOf(thirdPartyInvite.sender) !== this.deps.serverName) {
      throw new MatrixError(403, ErrCode.Forbidden, "The third-party invite was issued on another server; accepting it is not supported yet");
    }
    const displayName = thirdPartyInvite.content.display_name;
    const content = memberContent("invite", {
      third_party_invite: { display_name: typeof displayName === "string" ? displayName : "", signed },
    });
    await this.send(roomId, thirdPartyInvite.sender, userId, content);
  }
}
