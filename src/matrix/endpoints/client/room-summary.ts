/**
 * Room summaries: `GET /_matrix/client/v1/room_summary/{roomIdOrAlias}` (v1.15), and the summary
 * shape the space hierarchy shares. https://spec.matrix.org/v1.19/client-server-api/#room-summaries
 */
import type { JSONSchemaType } from "ajv";
import type { EndpointDefinition } from "../types.js";
import type { PublicRoomsChunkJson } from "./room-directory.js";

/** `definitions/room_summary.yaml`: a published-room chunk plus the fields added in v1.15. */
export interface RoomSummaryJson extends PublicRoomsChunkJson {
  /** "If the room is a restricted room, these are the room IDs which are specified by the join rules." */
  allowed_room_ids?: string[];
  encryption?: string;
  room_version?: string;
}

export interface RoomSummaryResponseJson extends RoomSummaryJson {
  /** The caller's membership; "Absent if the API was called unauthenticated." */
  membership?: string;
}

export interface RoomSummaryQuery {
  /** Servers to ask when this server cannot summarise the room itself (federation: unused yet). */
  via?: string[];
}

const roomSummaryQuery: JSONSchemaType<RoomSummaryQuery> = {
  type: "object",
  properties: { via: { type: "array", items: { type: "string" }, nullable: true } },
  additionalProperties: true,
};

/** GET /_matrix/client/v1/room_summary/{roomIdOrAlias}: an access token is optional. */
export const getRoomSummary: EndpointDefinition<{ params: { roomIdOrAlias: string }; query: RoomSummaryQuery }, RoomSummaryResponseJson, "optional"> = {
  name: "getRoomSummary",
  method: "GET",
  paths: ["/_matrix/client/v1/room_summary/:roomIdOrAlias"],
  auth: "optional",
  querySchema: roomSummaryQuery,
};
