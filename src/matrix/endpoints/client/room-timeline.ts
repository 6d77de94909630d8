/**
 * Reading a room's events: `/messages`, `/context`, `/event` and `/timestamp_to_event`.
 * https://spec.matrix.org/v1.19/client-server-api/#getting-events-for-a-room
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidcontexteventid
 */
import type { JSONSchemaType } from "ajv";
import type { ClientEventJson } from "../../pdu-json.js";
import type { EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface MessagesQuery {
  dir: "b" | "f";
  from?: string;
  to?: string;
  limit?: number;
  /** A JSON-encoded RoomEventFilter. */
  filter?: string;
}

export interface MessagesResponseJson {
  start: string;
  end?: string;
  chunk: ClientEventJson[];
  state?: ClientEventJson[];
}

export interface ContextQuery {
  limit?: number;
  filter?: string;
}

export interface ContextResponseJson {
  start?: string;
  end?: string;
  events_before: ClientEventJson[];
  event: ClientEventJson;
  events_after: ClientEventJson[];
  state: ClientEventJson[];
}

export interface TimestampQuery {
  ts: number;
  dir: "b" | "f";
}

export interface TimestampResponseJson {
  event_id: string;
  origin_server_ts: number;
}

const messagesQuery: JSONSchemaType<MessagesQuery> = {
  type: "object",
  required: ["dir"],
  properties: {
    dir: { type: "string", enum: ["b", "f"] },
    from: { type: "string", nullable: true },
    to: { type: "string", nullable: true },
    limit: { type: "integer", minimum: 0, nullable: true },
    filter: { type: "string", nullable: true },
  },
  additionalProperties: true,
};

const contextQuery: JSONSchemaType<ContextQuery> = {
  type: "object",
  properties: {
    limit: { type: "integer", minimum: 0, nullable: true },
    filter: { type: "string", nullable: true },
  },
  additionalProperties: true,
};

const timestampQuery: JSONSchemaType<TimestampQuery> = {
  type: "object",
  required: ["ts", "dir"],
  properties: {
    ts: { type: "integer", minimum: 0 },
    dir: { type: "string", enum: ["b", "f"] },
  },
  additionalProperties: true,
};

/** GET /_matrix/client/v3/rooms/{roomId}/messages */
export const getRoomEvents: EndpointDefinition<{ params: { roomId: string }; query: MessagesQuery }, MessagesResponseJson, "accessToken"> = {
  name: "getRoomEvents",
  method: "GET",
  paths: clientPaths("/rooms/:roomId/messages"),
  auth: "accessToken",
  querySchema: messagesQuery,
};

/** GET /_matrix/client/v3/rooms/{roomId}/context/{eventId} */
export const getEventContext: EndpointDefinition<{ params: { roomId: string; eventId: string }; query: ContextQuery }, ContextResponseJson, "accessToken"> = {
  name: "getEventContext",
  method: "GET",
  paths: clientPaths("/rooms/:roomId/context/:eventId"),
  auth: "accessToken",
  querySchema: contextQuery,
};

/** GET /_matrix/client/v3/rooms/{roomId}/event/{eventId} */
export const getOneRoomEvent: EndpointDefinition<{ params: { roomId: string; eventId: string } }, ClientEventJson, "accessToken"> = {
  name: "getOneRoomEvent",
  method: "GET",
  paths: clientPaths("/rooms/:roomId/event/:eventId"),
  auth: "accessToken",
};

/** GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event (v1.6) */
export const getEventByTimestamp: EndpointDefinition<{ params: { roomId: string }; query: TimestampQuery }, TimestampResponseJson, "accessToken"> = {
  name: "getEventByTimestamp",
  method: "GET",
  paths: ["/_matrix/client/v1/rooms/:roomId/timestamp_to_event"],
  auth: "accessToken",
  querySchema: timestampQuery,
};
