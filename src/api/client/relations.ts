/**
 * Relationships between events and threads.
 * https://spec.matrix.org/v1.19/client-server-api/#relationships-between-events
 * https://spec.matrix.org/v1.19/client-server-api/#threading
 */
import {
  getRelatingEvents,
  getRelatingEventsWithRelType,
  getRelatingEventsWithRelTypeAndEventType,
  getThreadRoots,
  type RelationsQuery,
} from "../../matrix/endpoints/client/relations.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import { route, type Route } from "../../http/route.js";
import type { RelationsResponse, RoomRelationsService } from "../../services/rooms/relations.js";
import { requireRoomId } from "./path-checks.js";

export type RelationsDeps = Pick<RoomRelationsService, "getRelations" | "getThreads">;

function relations(deps: RelationsDeps, userId: string, params: { roomId: string; eventId: string; relType?: string; eventType?: string }, query: RelationsQuery): Promise<RelationsResponse> {
  requireRoomId(params.roomId);
  return deps.getRelations(userId, params.roomId, params.eventId, { ...query, relType: params.relType, eventType: params.eventType });
}

/**
 * GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidrelationseventid
 */
export function handleGetRelatingEvents(deps: RelationsDeps): EndpointHandler<typeof getRelatingEvents> {
  return ({ requester, params, query }) => relations(deps, requester.userId, params, query);
}

/**
 * GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidrelationseventidreltype
 */
export function handleGetRelatingEventsWithRelType(deps: RelationsDeps): EndpointHandler<typeof getRelatingEventsWithRelType> {
  return ({ requester, params, query }) => relations(deps, requester.userId, params, query);
}

/**
 * GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidrelationseventidreltypeeventtype
 */
export function handleGetRelatingEventsWithRelTypeAndEventType(deps: RelationsDeps): EndpointHandler<typeof getRelatingEventsWithRelTypeAndEventType> {
  return ({ requester, params, query }) => relations(deps, requester.userId, params, query);
}

/**
 * GET /_matrix/client/v1/rooms/{roomId}/threads
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidthreads
 */
export function handleGetThreadRoots(deps: RelationsDeps): EndpointHandler<typeof getThreadRoots> {
  return async ({ requester, params, query }) => {
    requireRoomId(params.roomId);
    return deps.getThreads(requester.userId, params.roomId, query);
  };
}

/** The routes of this file. */
export function relationsRoutes(deps: RelationsDeps): Route[] {
  return [
    route(getRelatingEvents, handleGetRelatingEvents(deps)),
    route(getRelatingEventsWithRelType, handleGetRelatingEventsWithRelType(deps)),
    route(getRelatingEventsWithRelTypeAndEventType, handleGetRelatingEventsWithRelTypeAndEventType(deps)),
    route(getThreadRoots, handleGetThreadRoots(deps)),
  ];
}
