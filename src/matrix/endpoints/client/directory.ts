/**
 * Room aliases. https://spec.matrix.org/v1.19/client-server-api/#room-aliases
 */
import type { JSONSchemaType } from "ajv";
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface SetRoomAliasBody {
  room_id: string;
}

export interface RoomAliasResponseJson {
  room_id: string;
  servers: string[];
}

export interface LocalAliasesResponseJson {
  aliases: string[];
}

const setRoomAliasBody: JSONSchemaType<SetRoomAliasBody> = {
  type: "object",
  required: ["room_id"],
  properties: { room_id: { type: "string", format: "mx-room-id" } },
};

/** PUT /_matrix/client/v3/directory/room/{roomAlias} */
export const setRoomAlias: EndpointDefinition<{ params: { roomAlias: string }; body: SetRoomAliasBody }, EmptyRequest, "accessToken"> = {
  name: "setRoomAlias",
  method: "PUT",
  paths: clientPaths("/directory/room/:roomAlias"),
  auth: "accessToken",
  bodySchema: setRoomAliasBody,
};

/** GET /_matrix/client/v3/directory/room/{roomAlias}: no authentication. */
export const getRoomIdByAlias: EndpointDefinition<{ params: { roomAlias: string } }, RoomAliasResponseJson, "none"> = {
  name: "getRoomIdByAlias",
  method: "GET",
  paths: clientPaths("/directory/room/:roomAlias"),
  auth: "none",
};

/** DELETE /_matrix/client/v3/directory/room/{roomAlias} */
export const deleteRoomAlias: EndpointDefinition<{ params: { roomAlias: string } }, EmptyRequest, "accessToken"> = {
  name: "deleteRoomAlias",
  method: "DELETE",
  paths: clientPaths("/directory/room/:roomAlias"),
  auth: "accessToken",
  body: "none",
};

/** GET /_matrix/client/v3/rooms/{roomId}/aliases (v1.1; r0.6.1 as well) */
export const getLocalAliases: EndpointDefinition<{ params: { roomId: string } }, LocalAliasesResponseJson, "accessToken"> = {
  name: "getLocalAliases",
  method: "GET",
  paths: clientPaths("/rooms/:roomId/aliases"),
  auth: "accessToken",
};
