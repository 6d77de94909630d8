import type { createRoom } from "../../matrix/endpoints/client/create-room.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { RoomCreationService } from "../../services/rooms/room-creation.js";
import type { CreateRoomRequest } from "../../services/rooms/room-creation-request.js";
import { forbidGuests } from "./guest-access.js";

export type CreateRoomDeps = Pick<RoomCreationService, "createRoom">;

/**
 * POST /_matrix/client/v3/createRoom
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3createroom
 */
export function handleCreateRoom(deps: CreateRoomDeps): EndpointHandler<typeof createRoom> {
  return async ({ requester, body }) => {
    forbidGuests(requester);
    // The service checks every field (types and values) before anything is sent.
    return deps.createRoom(requester.userId, body as unknown as CreateRoomRequest, requester.appserviceId);
  };
}
