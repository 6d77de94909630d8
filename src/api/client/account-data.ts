/**
 * Client config (account data) and room tags.
 * https://spec.matrix.org/v1.19/client-server-api/#client-config
 * https://spec.matrix.org/v1.19/client-server-api/#room-tagging
 */
import type {
  deleteRoomTag,
  getAccountData,
  getAccountDataPerRoom,
  getRoomTags,
  setAccountData,
  setAccountDataPerRoom,
  setRoomTag,
} from "../../matrix/endpoints/client/account-data.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { JsonObject } from "../../matrix/pdu-json.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { AccountDataService, TagContentJson } from "../../services/account-data.js";
import { requireRoomId, requireSelf } from "./path-checks.js";

export type AccountDataDeps = Pick<AccountDataService, "setClientAccountData" | "getAccountData" | "getTags" | "setTag" | "removeTag">;

function found(content: JsonObject | null): JsonObject {
  if (content === null) throw new MatrixError(404, ErrCode.NotFound, "Account data not found.");
  return content;
}

/** PUT /_matrix/client/v3/user/{userId}/account_data/{type} — #put_matrixclientv3useruseridaccount_datatype */
export function handleSetAccountData(deps: AccountDataDeps): EndpointHandler<typeof setAccountData> {
  return async ({ requester, params, body }) => {
    requireSelf(requester, params.userId, "add account data");
    await deps.setClientAccountData(params.userId, null, params.type, body);
    return {};
  };
}

/** GET /_matrix/client/v3/user/{userId}/account_data/{type} — #get_matrixclientv3useruseridaccount_datatype */
export function handleGetAccountData(deps: AccountDataDeps): EndpointHandler<typeof getAccountData> {
  return async ({ requester, params }) => {
    requireSelf(requester, params.userId, "get account data");
    return found(await deps.getAccountData(params.userId, null, params.type));
  };
}

/** PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type} */
export function handleSetAccountDataPerRoom(deps: AccountDataDeps): EndpointHandler<typeof setAccountDataPerRoom> {
  return async ({ requester, params, body }) => {
    requireSelf(requester, params.userId, "add account data");
    requireRoomId(params.roomId);
    await deps.setClientAccountData(params.userId, params.roomId, params.type, body);
    return {};
  };
}

/** GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type} */
export function handleGetAccountDataPerRoom(deps: AccountDataDeps): EndpointHandler<typeof getAccountDataPerRoom> {
  return async ({ requester, params }) => {
    requireSelf(requester, params.userId, "get account data");
    requireRoomId(params.roomId);
    return found(await deps.getAccountData(params.userId, params.roomId, params.type));
  };
}

/** GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags — #get_matrixclientv3useruseridroomsroomidtags */
export function handleGetRoomTags(deps: AccountDataDeps): EndpointHandler<typeof getRoomTags> {
  return async ({ requester, params }) => {
    requireSelf(requester, params.userId, "get tags");
    requireRoomId(params.roomId);
    return { tags: await deps.getTags(params.userId, params.roomId) };
  };
}

/** PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag} */
export function handleSetRoomTag(deps: AccountDataDeps): EndpointHandler<typeof setRoomTag> {
  return async ({ requester, params, body }) => {
    requireSelf(requester, params.userId, "add tags");
    requireRoomId(params.roomId);
    await deps.setTag(params.userId, params.roomId, params.tag, body as TagContentJson);
    return {};
  };
}

/** DELETE /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag} */
export function handleDeleteRoomTag(deps: AccountDataDeps): EndpointHandler<typeof deleteRoomTag> {
  return async ({ requester, params }) => {
    requireSelf(requester, params.userId, "remove tags");
    requireRoomId(params.roomId);
    await deps.removeTag(params.userId, params.roomId, params.tag);
    return {};
  };
}
