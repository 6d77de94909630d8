/**
 * Room membership handlers.
 * https://spec.matrix.org/v1.19/client-server-api/#room-membership
 */
import type {
  ban,
  forgetRoom,
  getJoinedRooms,
  inviteUser,
  joinRoom,
  joinRoomById,
  kick,
  knockRoom,
  leaveRoom,
  unban,
} from "../../matrix/endpoints/client/membership.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { AliasService } from "../../services/rooms/alias-service.js";
import type { ForgetRoomService } from "../../services/rooms/forget-room.js";
import type { MembershipService } from "../../services/rooms/membership.js";
import { forbidGuests } from "./guest-access.js";
import { requireRoomId } from "./path-checks.js";

export interface MembershipDeps {
  membership: Pick<MembershipService, "join" | "invite" | "leave" | "kick" | "ban" | "unban" | "knock" | "getJoinedRooms">;
  forget: Pick<ForgetRoomService, "forget">;
  aliases: Pick<AliasService, "resolveAlias">;
}

/** A room ID as is, or the room a (local) alias points to. */
async function roomIdOf(deps: MembershipDeps, roomIdOrAlias: string): Promise<string> {
  if (roomIdOrAlias.startsWith("#")) return (await deps.aliases.resolveAlias(roomIdOrAlias)).room_id;
  if (roomIdOrAlias.startsWith("!") && roomIdOrAlias.length > 1) return roomIdOrAlias;
  throw new MatrixError(400, ErrCode.InvalidParam, `${roomIdOrAlias} is neither a room ID nor a room alias`);
}

/** POST /_matrix/client/v3/rooms/{roomId}/join — https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidjoin */
export function handleJoinRoomById(deps: MembershipDeps): EndpointHandler<typeof joinRoomById> {
  return async ({ requester, params, body }) => {
    requireRoomId(params.roomId);
    await deps.membership.join(requester.userId, params.roomId, {
      reason: body.reason,
      thirdPartySigned: body.third_party_signed,
      isGuest: requester.isGuest,
    });
    return { room_id: params.roomId };
  };
}

/**
 * POST /_matrix/client/v3/join/{roomIdOrAlias} — https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3joinroomidoralias
 * `via` / `server_name` name servers to join through; rooms on other servers need federation,
 * so they are accepted and unused until then.
 */
export function handleJoinRoom(deps: MembershipDeps): EndpointHandler<typeof joinRoom> {
  return async ({ requester, params, body }) => {
    const roomId = await roomIdOf(deps, params.roomIdOrAlias);
    await deps.membership.join(requester.userId, roomId, { reason: body.reason, thirdPartySigned: body.third_party_signed, isGuest: requester.isGuest });
    return { room_id: roomId };
  };
}

/** POST /_matrix/client/v3/knock/{roomIdOrAlias} — https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3knockroomidoralias */
export function handleKnockRoom(deps: MembershipDeps): EndpointHandler<typeof knockRoom> {
  return async ({ requester, params, body }) => {
    forbidGuests(requester);
    const roomId = await roomIdOf(deps, params.roomIdOrAlias);
    await deps.membership.knock(requester.userId, roomId, body.reason);
    return { room_id: roomId };
  };
}

/** POST /_matrix/client/v3/rooms/{roomId}/invite — https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidinvite */
export function handleInviteUser(deps: MembershipDeps): EndpointHandler<typeof inviteUser> {
  return async ({ requester, params, body }) => {
    forbidGuests(requester);
    requireRoomId(params.roomId);
    await deps.membership.invite(requester.userId, params.roomId, body.user_id, body.reason);
    return {};
  };
}

/** POST /_matrix/client/v3/rooms/{roomId}/leave — https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidleave */
export function handleLeaveRoom(deps: MembershipDeps): EndpointHandler<typeof leaveRoom> {
  return async ({ requester, params, body }) => {
    requireRoomId(params.roomId);
    await deps.membership.leave(requester.userId, params.roomId, body.reason);
    return {};
  };
}

/** POST /_matrix/client/v3/rooms/{roomId}/forget — https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidforget */
export function handleForgetRoom(deps: MembershipDeps): EndpointHandler<typeof forgetRoom> {
  return async ({ requester, params }) => {
    forbidGuests(requester);
    requireRoomId(params.roomId);
    await deps.forget.forget(requester.userId, params.roomId);
    return {};
  };
}

/** POST /_matrix/client/v3/rooms/{roomId}/kick — https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidkick */
export function handleKick(deps: MembershipDeps): EndpointHandler<typeof kick> {
  return async ({ requester, params, body }) => {
    forbidGuests(requester);
    requireRoomId(params.roomId);
    await deps.membership.kick(requester.userId, params.roomId, body.user_id, body.reason);
    return {};
  };
}

/** POST /_matrix/client/v3/rooms/{roomId}/ban — https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidban */
export function handleBan(deps: MembershipDeps): EndpointHandler<typeof ban> {
  return async ({ requester, params, body }) => {
    forbidGuests(requester);
    requireRoomId(params.roomId);
    await deps.membership.ban(requester.userId, params.roomId, body.user_id, body.reason);
    return {};
  };
}

/** POST /_matrix/client/v3/rooms/{roomId}/unban — https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidunban */
export function handleUnban(deps: MembershipDeps): EndpointHandler<typeof unban> {
  return async ({ requester, params, body }) => {
    forbidGuests(requester);
    requireRoomId(params.roomId);
    await deps.membership.unban(requester.userId, params.roomId, body.user_id, body.reason);
    return {};
  };
}

/** GET /_matrix/client/v3/joined_rooms — https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3joined_rooms */
export function handleGetJoinedRooms(deps: MembershipDeps): EndpointHandler<typeof getJoinedRooms> {
  return async ({ requester }) => ({ joined_rooms: await deps.membership.getJoinedRooms(requester.userId) });
}
