/**
 * The space hierarchy: `GET /_matrix/client/v1/rooms/{roomId}/hierarchy` (v1.2).
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy
 */
import type { JSONSchemaType } from "ajv";
import type { JsonObject } from "../../pdu-json.js";
import type { EndpointDefinition } from "../types.js";
import type { RoomSummaryJson } from "./room-summary.js";

export interface SpaceHierarchyQuery {
  suggested_only?: boolean;
  limit?: number;
  max_depth?: number;
  from?: string;
}

/** An `m.space.child` event as stripped state "with an added `origin_server_ts` key". */
export interface StrippedChildStateJson {
  type: string;
  state_key: string;
  content: JsonObject;
  sender: string;
  origin_server_ts: number;
}

export interface SpaceHierarchyRoomJson extends RoomSummaryJson {
  children_state: StrippedChildStateJson[];
}

export interface SpaceHierarchyResponseJson {
  rooms: SpaceHierarchyRoomJson[];
  next_batch?: string;
}

const spaceHierarchyQuery: JSONSchemaType<SpaceHierarchyQuery> = {
  type: "object",
  properties: {
    suggested_only: { type: "boolean", nullable: true },
    limit: { type: "integer", nullable: true },
    max_depth: { type: "integer", nullable: true },
    from: { type: "string", nullable: true },
  },
  additionalProperties: true,
};

/** GET /_matrix/client/v1/rooms/{roomId}/hierarchy */
export const getSpaceHierarchy: EndpointDefinition<{ params: { roomId: string }; query: SpaceHierarchyQuery }, SpaceHierarchyResponseJson, "accessToken"> = {
  name: "getSpaceHierarchy",
  method: "GET",
  paths: ["/_matrix/client/v1/rooms/:roomId/hierarchy"],
  auth: "accessToken",
  querySchema: spaceHierarchyQuery,
};
