/**
 * The published room directory. https://spec.matrix.org/v1.19/client-server-api/#published-room-directory
 */
import type {
  getPublicRooms,
  getRoomVisibilityOnDirectory,
  queryPublicRooms,
  setRoomVisibilityOnDirectory,
} from "../../matrix/endpoints/client/room-directory.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { RoomDirectoryService } from "../../services/rooms/directory.js";
import { forbidGuests } from "./guest-access.js";
import { requireRoomId } from "./path-checks.js";

export type RoomDirectoryDeps = Pick<RoomDirectoryService, "getVisibility" | "setVisibilityAsUser" | "listPublicRooms">;

/** GET /_matrix/client/v3/directory/list/room/{roomId} — https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3directorylistroomroomid */
export function handleGetRoomVisibilityOnDirectory(deps: RoomDirectoryDeps): EndpointHandler<typeof getRoomVisibilityOnDirectory> {
  return async ({ params }) => {
    requireRoomId(params.roomId);
    return { visibility: await deps.getVisibility(params.roomId) };
  };
}

/** PUT /_matrix/client/v3/directory/list/room/{roomId} — https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3directorylistroomroomid */
export function handleSetRoomVisibilityOnDirectory(deps: RoomDirectoryDeps): EndpointHandler<typeof setRoomVisibilityOnDirectory> {
  return async ({ requester, params, body }) => {
    forbidGuests(requester);
    requireRoomId(params.roomId);
    await deps.setVisibilityAsUser(requester.userId, params.roomId, body.visibility ?? "public");
    return {};
  };
}

/** GET /_matrix/client/v3/publicRooms — https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3publicrooms */
export function handleGetPublicRooms(deps: RoomDirectoryDeps): EndpointHandler<typeof getPublicRooms> {
  return ({ query }) => deps.listPublicRooms({ limit: query.limit, since: query.since, server: query.server });
}

/** POST /_matrix/client/v3/publicRooms — https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3publicrooms */
export function handleQueryPublicRooms(deps: RoomDirectoryDeps): EndpointHandler<typeof queryPublicRooms> {
  return ({ query, body }) =>
    deps.listPublicRooms({
      limit: body.limit,
      since: body.since,
      server: query.server,
      genericSearchTerm: body.filter?.generic_search_term,
      roomTypes: body.filter?.room_types,
    });
}
