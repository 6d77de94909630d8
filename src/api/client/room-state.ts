/**
 * Reading a room's state and members.
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidstate
 */
import type { getJoinedMembersByRoom, getMembersByRoom, getRoomState, getRoomStateWithKey } from "../../matrix/endpoints/client/room-state.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { RoomStateView } from "../../services/rooms/room-state-view.js";
import { requireRoomId } from "./path-checks.js";

export type RoomStateDeps = Pick<RoomStateView, "getState" | "getStateEvent" | "getMembers" | "getJoinedMembers">;

/** GET /_matrix/client/v3/rooms/{roomId}/state — https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidstate */
export function handleGetRoomState(deps: RoomStateDeps): EndpointHandler<typeof getRoomState> {
  return async ({ requester, params }) => {
    requireRoomId(params.roomId);
    return deps.getState(requester.userId, params.roomId);
  };
}

/**
 * GET /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidstateeventtypestatekey
 */
export function handleGetRoomStateWithKey(deps: RoomStateDeps): EndpointHandler<typeof getRoomStateWithKey> {
  return async ({ requester, params, query }) => {
    requireRoomId(params.roomId);
    return deps.getStateEvent(requester.userId, params.roomId, params.eventType, params.stateKey ?? "", query.format ?? "content");
  };
}

/** GET /_matrix/client/v3/rooms/{roomId}/members — https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidmembers */
export function handleGetMembersByRoom(deps: RoomStateDeps): EndpointHandler<typeof getMembersByRoom> {
  return async ({ requester, params, query }) => {
    requireRoomId(params.roomId);
    const chunk = await deps.getMembers(requester.userId, params.roomId, {
      at: query.at,
      membership: query.membership,
      notMembership: query.not_membership,
    });
    return { chunk };
  };
}

/**
 * GET /_matrix/client/v3/rooms/{roomId}/joined_members
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidjoined_members
 */
export function handleGetJoinedMembersByRoom(deps: RoomStateDeps): EndpointHandler<typeof getJoinedMembersByRoom> {
  return async ({ requester, params }) => {
    requireRoomId(params.roomId);
    return { joined: await deps.getJoinedMembers(requester.userId, params.roomId) };
  };
}
