/**
 * Client config (account data) and room tags.
 * https://spec.matrix.org/v1.19/client-server-api/#client-config
 * https://spec.matrix.org/v1.19/client-server-api/#room-tagging
 */
import type { JsonObject } from "../../pdu-json.js";
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface AccountDataRequest {
  params: { userId: string; type: string };
  body: JsonObject;
}

export interface RoomAccountDataRequest {
  params: { userId: string; roomId: string; type: string };
  body: JsonObject;
}

export interface RoomTagsRequest {
  params: { userId: string; roomId: string };
}

export interface RoomTagRequest {
  params: { userId: string; roomId: string; tag: string };
  body: { order?: number; [key: string]: unknown };
}

export interface RoomTagsResponseJson {
  tags: Record<string, JsonObject>;
}

/** PUT /_matrix/client/v3/user/{userId}/account_data/{type} */
export const setAccountData: EndpointDefinition<AccountDataRequest, EmptyRequest, "accessToken"> = {
  name: "setAccountData",
  method: "PUT",
  paths: clientPaths("/user/:userId/account_data/:type"),
  auth: "accessToken",
};

/** GET /_matrix/client/v3/user/{userId}/account_data/{type} */
export const getAccountData: EndpointDefinition<Omit<AccountDataRequest, "body">, JsonObject, "accessToken"> = {
  name: "getAccountData",
  method: "GET",
  paths: clientPaths("/user/:userId/account_data/:type"),
  auth: "accessToken",
};

/** PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type} */
export const setAccountDataPerRoom: EndpointDefinition<RoomAccountDataRequest, EmptyRequest, "accessToken"> = {
  name: "setAccountDataPerRoom",
  method: "PUT",
  paths: clientPaths("/user/:userId/rooms/:roomId/account_data/:type"),
  auth: "accessToken",
};

/** GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type} */
export const getAccountDataPerRoom: EndpointDefinition<Omit<RoomAccountDataRequest, "body">, JsonObject, "accessToken"> = {
  name: "getAccountDataPerRoom",
  method: "GET",
  paths: clientPaths("/user/:userId/rooms/:roomId/account_data/:type"),
  auth: "accessToken",
};

/** GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags */
export const getRoomTags: EndpointDefinition<RoomTagsRequest, RoomTagsResponseJson, "accessToken"> = {
  name: "getRoomTags",
  method: "GET",
  paths: clientPaths("/user/:userId/rooms/:roomId/tags"),
  auth: "accessToken",
};

/** PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag} */
export const setRoomTag: EndpointDefinition<RoomTagRequest, EmptyRequest, "accessToken"> = {
  name: "setRoomTag",
  method: "PUT",
  paths: clientPaths("/user/:userId/rooms/:roomId/tags/:tag"),
  auth: "accessToken",
  // The spec's Tag: `order` is a number; other keys are kept as they are.
  bodySchema: { type: "object", properties: { order: { type: "number" } } },
};

/** DELETE /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag} */
export const deleteRoomTag: EndpointDefinition<Omit<RoomTagRequest, "body">, EmptyRequest, "accessToken"> = {
  name: "deleteRoomTag",
  method: "DELETE",
  paths: clientPaths("/user/:userId/rooms/:roomId/tags/:tag"),
  auth: "accessToken",
};
