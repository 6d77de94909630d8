/**
 * Room aliases. https://spec.matrix.org/v1.19/client-server-api/#room-aliases
 */
import type { deleteRoomAlias, getLocalAliases, getRoomIdByAlias, setRoomAlias } from "../../matrix/endpoints/client/directory.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { AliasService } from "../../services/rooms/alias-service.js";
import { forbidGuests } from "./guest-access.js";
import { requireRoomId } from "./path-checks.js";

export type DirectoryDeps = Pick<AliasService, "setAlias" | "resolveAlias" | "deleteAlias" | "getLocalAliases">;

/** PUT /_matrix/client/v3/directory/room/{roomAlias} — https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3directoryroomroomalias */
export function handleSetRoomAlias(deps: DirectoryDeps): EndpointHandler<typeof setRoomAlias> {
  return async ({ requester, params, body }) => {
    forbidGuests(requester);
    await deps.setAlias(requester.userId, params.roomAlias, body.room_id, requester.appserviceId);
    return {};
  };
}

/** GET /_matrix/client/v3/directory/room/{roomAlias} — https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3directoryroomroomalias */
export function handleGetRoomIdByAlias(deps: DirectoryDeps): EndpointHandler<typeof getRoomIdByAlias> {
  return ({ params }) => deps.resolveAlias(params.roomAlias);
}

/** DELETE /_matrix/client/v3/directory/room/{roomAlias} — https://spec.matrix.org/v1.19/client-server-api/#delete_matrixclientv3directoryroomroomalias */
export function handleDeleteRoomAlias(deps: DirectoryDeps): EndpointHandler<typeof deleteRoomAlias> {
  return async ({ requester, params }) => {
    forbidGuests(requester);
    await deps.deleteAlias(requester.userId, params.roomAlias, requester.appserviceId);
    return {};
  };
}

/** GET /_matrix/client/v3/rooms/{roomId}/aliases — https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidaliases */
export function handleGetLocalAliases(deps: DirectoryDeps): EndpointHandler<typeof getLocalAliases> {
  return async ({ requester, params }) => {
    requireRoomId(params.roomId);
    return { aliases: await deps.getLocalAliases(requester.userId, params.roomId) };
  };
}
