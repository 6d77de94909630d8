/**
 * Relationships between events: `/relations` (three paths) and the thread list (v1 only).
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidrelationseventid
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidthreads
 */
import type { JSONSchemaType } from "ajv";
import type { ClientEventJson } from "../../pdu-json.js";
import type { EndpointDefinition } from "../types.js";

export interface RelationsQuery {
  from?: string;
  to?: string;
  limit?: number;
  dir?: "b" | "f";
  /** v1.10. */
  recurse?: boolean;
}

export interface RelationsResponseJson {
  chunk: ClientEventJson[];
  next_batch?: string;
  prev_batch?: string;
  recursion_depth?: number;
}

export interface ThreadsQuery {
  include?: "all" | "participated";
  from?: string;
  limit?: number;
}

export interface ThreadsResponseJson {
  chunk: ClientEventJson[];
  next_batch?: string;
}

const relationsQuery: JSONSchemaType<RelationsQuery> = {
  type: "object",
  properties: {
    from: { type: "string", nullable: true },
    to: { type: "string", nullable: true },
    limit: { type: "integer", minimum: 0, nullable: true },
    dir: { type: "string", enum: ["b", "f"], nullable: true },
    recurse: { type: "boolean", nullable: true },
  },
  additionalProperties: true,
};

const threadsQuery: JSONSchemaType<ThreadsQuery> = {
  type: "object",
  properties: {
    include: { type: "string", enum: ["all", "participated"], nullable: true },
    from: { type: "string", nullable: true },
    // "Must be an integer greater than zero."
    limit: { type: "integer", minimum: 1, nullable: true },
  },
  additionalProperties: true,
};

type RelationsEndpoint<P extends object> = EndpointDefinition<{ params: P; query: RelationsQuery }, RelationsResponseJson, "accessToken">;
const BASE = "/_matrix/client/v1/rooms/:roomId/relations/:eventId";

/** GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId} (v1.3) */
export const getRelatingEvents: RelationsEndpoint<{ roomId: string; eventId: string }> = {
  name: "getRelatingEvents",
  method: "GET",
  paths: [BASE],
  auth: "accessToken",
  querySchema: relationsQuery,
};

/** GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType} (v1.3) */
export const getRelatingEventsWithRelType: RelationsEndpoint<{ roomId: string; eventId: string; relType: string }> = {
  name: "getRelatingEventsWithRelType",
  method: "GET",
  paths: [`${BASE}/:relType`],
  auth: "accessToken",
  querySchema: relationsQuery,
};

/** GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}/{eventType} (v1.3) */
export const getRelatingEventsWithRelTypeAndEventType: RelationsEndpoint<{ roomId: string; eventId: string; relType: string; eventType: string }> = {
  name: "getRelatingEventsWithRelTypeAndEventType",
  method: "GET",
  paths: [`${BASE}/:relType/:eventType`],
  auth: "accessToken",
  querySchema: relationsQuery,
};

/** GET /_matrix/client/v1/rooms/{roomId}/threads (v1.4) */
export const getThreadRoots: EndpointDefinition<{ params: { roomId: string }; query: ThreadsQuery }, ThreadsResponseJson, "accessToken"> = {
  name: "getThreadRoots",
  method: "GET",
  paths: ["/_matrix/client/v1/rooms/:roomId/threads"],
  auth: "accessToken",
  querySchema: threadsQuery,
};
