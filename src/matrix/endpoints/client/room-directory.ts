/**
 * The published room directory. https://spec.matrix.org/v1.19/client-server-api/#published-room-directory
 */
import type { JSONSchemaType } from "ajv";
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export type DirectoryVisibilityJson = "public" | "private";

export interface VisibilityJson {
  visibility: DirectoryVisibilityJson;
}

export interface SetVisibilityBody {
  /** "Defaults to `public`." */
  visibility?: DirectoryVisibilityJson;
}

export interface PublicRoomsQuery {
  limit?: number;
  since?: string;
  server?: string;
}

export interface PublicRoomsFilterJson {
  generic_search_term?: string;
  room_types?: (string | null)[];
}

export interface QueryPublicRoomsBody {
  limit?: number;
  since?: string;
  filter?: PublicRoomsFilterJson;
  include_all_networks?: boolean;
  third_party_instance_id?: string;
}

export interface PublicRoomsChunkJson {
  room_id: string;
  num_joined_members: number;
  world_readable: boolean;
  guest_can_join: boolean;
  name?: string;
  topic?: string;
  canonical_alias?: string;
  avatar_url?: string;
  join_rule?: string;
  room_type?: string;
}

export interface PublicRoomsResponseJson {
  chunk: PublicRoomsChunkJson[];
  next_batch?: string;
  prev_batch?: string;
  total_room_count_estimate?: number;
}

const setVisibilityBody: JSONSchemaType<SetVisibilityBody> = {
  type: "object",
  properties: { visibility: { type: "string", enum: ["public", "private"], nullable: true } },
};

const publicRoomsQuery: JSONSchemaType<PublicRoomsQuery> = {
  type: "object",
  properties: {
    limit: { type: "integer", nullable: true },
    since: { type: "string", nullable: true },
    server: { type: "string", nullable: true },
  },
  additionalProperties: true,
};

const serverQuery: JSONSchemaType<Pick<PublicRoomsQuery, "server">> = {
  type: "object",
  properties: { server: { type: "string", nullable: true } },
  additionalProperties: true,
};

const queryPublicRoomsBody: JSONSchemaType<QueryPublicRoomsBody> = {
  type: "object",
  properties: {
    limit: { type: "integer", nullable: true },
    since: { type: "string", nullable: true },
    filter: {
      type: "object",
      nullable: true,
      properties: {
        generic_search_term: { type: "string", nullable: true },
        room_types: { type: "array", nullable: true, items: { type: "string", nullable: true } },
      },
    },
    include_all_networks: { type: "boolean", nullable: true },
    third_party_instance_id: { type: "string", nullable: true },
  },
};

/** GET /_matrix/client/v3/directory/list/room/{roomId}: no authentication. */
export const getRoomVisibilityOnDirectory: EndpointDefinition<{ params: { roomId: string } }, VisibilityJson, "none"> = {
  name: "getRoomVisibilityOnDirectory",
  method: "GET",
  paths: clientPaths("/directory/list/room/:roomId"),
  auth: "none",
};

/** PUT /_matrix/client/v3/directory/list/room/{roomId} */
export const setRoomVisibilityOnDirectory: EndpointDefinition<{ params: { roomId: string }; body: SetVisibilityBody }, EmptyRequest, "accessToken"> = {
  name: "setRoomVisibilityOnDirectory",
  method: "PUT",
  paths: clientPaths("/directory/list/room/:roomId"),
  auth: "accessToken",
  bodySchema: setVisibilityBody,
};

/** GET /_matrix/client/v3/publicRooms: no authentication. */
export const getPublicRooms: EndpointDefinition<{ query: PublicRoomsQuery }, PublicRoomsResponseJson, "optional"> = {
  name: "getPublicRooms",
  method: "GET",
  paths: clientPaths("/publicRooms"),
  auth: "optional",
  querySchema: publicRoomsQuery,
};

/** POST /_matrix/client/v3/publicRooms */
export const queryPublicRooms: EndpointDefinition<{ query: Pick<PublicRoomsQuery, "server">; body: QueryPublicRoomsBody }, PublicRoomsResponseJson, "accessToken"> = {
  name: "queryPublicRooms",
  method: "POST",
  paths: clientPaths("/publicRooms"),
  auth: "accessToken",
  querySchema: serverQuery,
  bodySchema: queryPublicRoomsBody,
};
