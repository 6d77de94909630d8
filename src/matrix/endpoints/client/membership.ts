/**
 * Room membership: joining, inviting, leaving, forgetting, kicking, banning, knocking, and the
 * list of joined rooms. https://spec.matrix.org/v1.19/client-server-api/#room-membership
 */
import type { JSONSchemaType } from "ajv";
import type { JsonObject } from "../../pdu-json.js";
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface JoinBody {
  third_party_signed?: JsonObject;
  reason?: string;
}

export interface RoomIdResponseJson {
  room_id: string;
}

/** `via` (v1.12) and its deprecated predecessor `server_name`: servers to join through. */
export interface ViaQuery {
  via?: string[];
  server_name?: string[];
}

export interface TargetUserBody {
  user_id: string;
  reason?: string;
}

export interface ReasonBody {
  reason?: string;
}

export interface JoinedRoomsResponseJson {
  joined_rooms: string[];
}

const joinBody: JSONSchemaType<JoinBody> = {
  type: "object",
  properties: {
    third_party_signed: { type: "object", nullable: true, required: [] },
    reason: { type: "string", nullable: true },
  },
};

const viaQuery: JSONSchemaType<ViaQuery> = {
  type: "object",
  properties: {
    via: { type: "array", items: { type: "string" }, nullable: true },
    server_name: { type: "array", items: { type: "string" }, nullable: true },
  },
  additionalProperties: true,
};

const targetUserBody: JSONSchemaType<TargetUserBody> = {
  type: "object",
  required: ["user_id"],
  properties: { user_id: { type: "string" }, reason: { type: "string", nullable: true } },
};

const reasonBody: JSONSchemaType<ReasonBody> = {
  type: "object",
  properties: { reason: { type: "string", nullable: true } },
};

type RoomTargetRequest = { params: { roomId: string }; body: TargetUserBody };

/** POST /_matrix/client/v3/rooms/{roomId}/join */
export const joinRoomById: EndpointDefinition<{ params: { roomId: string }; body: JoinBody }, RoomIdResponseJson, "accessToken"> = {
  name: "joinRoomById",
  method: "POST",
  paths: clientPaths("/rooms/:roomId/join"),
  auth: "accessToken",
  bodySchema: joinBody,
};

/** POST /_matrix/client/v3/join/{roomIdOrAlias} */
export const joinRoom: EndpointDefinition<{ params: { roomIdOrAlias: string }; query: ViaQuery; body: JoinBody }, RoomIdResponseJson, "accessToken"> = {
  name: "joinRoom",
  method: "POST",
  paths: clientPaths("/join/:roomIdOrAlias"),
  auth: "accessToken",
  bodySchema: joinBody,
  querySchema: viaQuery,
};

/** POST /_matrix/client/v3/knock/{roomIdOrAlias} (v1.1) */
export const knockRoom: EndpointDefinition<{ params: { roomIdOrAlias: string }; query: ViaQuery; body: ReasonBody }, RoomIdResponseJson, "accessToken"> = {
  name: "knockRoom",
  method: "POST",
  paths: ["/_matrix/client/v3/knock/:roomIdOrAlias"],
  auth: "accessToken",
  bodySchema: reasonBody,
  querySchema: viaQuery,
};

/** POST /_matrix/client/v3/rooms/{roomId}/invite */
export const inviteUser: EndpointDefinition<RoomTargetRequest, EmptyRequest, "accessToken"> = {
  name: "inviteUser",
  method: "POST",
  paths: clientPaths("/rooms/:roomId/invite"),
  auth: "accessToken",
  bodySchema: targetUserBody,
};

/** POST /_matrix/client/v3/rooms/{roomId}/leave */
export const leaveRoom: EndpointDefinition<{ params: { roomId: string }; body: ReasonBody }, EmptyRequest, "accessToken"> = {
  name: "leaveRoom",
  method: "POST",
  paths: clientPaths("/rooms/:roomId/leave"),
  auth: "accessToken",
  bodySchema: reasonBody,
};

/** POST /_matrix/client/v3/rooms/{roomId}/forget */
export const forgetRoom: EndpointDefinition<{ params: { roomId: string } }, EmptyRequest, "accessToken"> = {
  name: "forgetRoom",
  method: "POST",
  paths: clientPaths("/rooms/:roomId/forget"),
  auth: "accessToken",
};

/** POST /_matrix/client/v3/rooms/{roomId}/kick */
export const kick: EndpointDefinition<RoomTargetRequest, EmptyRequest, "accessToken"> = {
  name: "kick",
  method: "POST",
  paths: clientPaths("/rooms/:roomId/kick"),
  auth: "accessToken",
  bodySchema: targetUserBody,
};

/** POST /_matrix/client/v3/rooms/{roomId}/ban */
export const ban: EndpointDefinition<RoomTargetRequest, EmptyRequest, "accessToken"> = {
  name: "ban",
  method: "POST",
  paths: clientPaths("/rooms/:roomId/ban"),
  auth: "accessToken",
  bodySchema: targetUserBody,
};

/** POST /_matrix/client/v3/rooms/{roomId}/unban */
export const unban: EndpointDefinition<RoomTargetRequest, EmptyRequest, "accessToken"> = {
  name: "unban",
  method: "POST",
  paths: clientPaths("/rooms/:roomId/unban"),
  auth: "accessToken",
  bodySchema: targetUserBody,
};

/** GET /_matrix/client/v3/joined_rooms */
export const getJoinedRooms: EndpointDefinition<EmptyRequest, JoinedRoomsResponseJson, "accessToken"> = {
  name: "getJoinedRooms",
  method: "GET",
  paths: clientPaths("/joined_rooms"),
  auth: "accessToken",
};
