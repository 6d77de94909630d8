/**
 * Reading a room's events.
 * https://spec.matrix.org/v1.19/client-server-api/#getting-events-for-a-room
 */
import type { getEventByTimestamp, getEventContext, getOneRoomEvent, getRoomEvents } from "../../matrix/endpoints/client/room-timeline.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { RoomTimelineService } from "../../services/rooms/timeline.js";
import { RoomEventFilter } from "../../sync/room-event-filter.js";
import { requireRoomId } from "./path-checks.js";

export type RoomTimelineDeps = Pick<RoomTimelineService, "getMessages" | "getContext" | "getEvent" | "timestampToEvent">;

/** The `filter` query parameter: "A JSON RoomEventFilter". */
function parseFilter(filter: string | undefined): RoomEventFilter | undefined {
  if (filter === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(filter);
  } catch {
    throw new MatrixError(400, ErrCode.InvalidParam, "filter must be a JSON RoomEventFilter");
  }
  return RoomEventFilter.fromJson(json);
}

/**
 * GET /_matrix/client/v3/rooms/{roomId}/messages
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidmessages
 */
export function handleGetRoomEvents(deps: RoomTimelineDeps): EndpointHandler<typeof getRoomEvents> {
  return async ({ requester, params, query }) => {
    requireRoomId(params.roomId);
    return deps.getMessages(requester.userId, params.roomId, {
      dir: query.dir,
      from: query.from,
      to: query.to,
      limit: query.limit,
      filter: parseFilter(query.filter),
    });
  };
}

/**
 * GET /_matrix/client/v3/rooms/{roomId}/context/{eventId}
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidcontexteventid
 */
export function handleGetEventContext(deps: RoomTimelineDeps): EndpointHandler<typeof getEventContext> {
  return async ({ requester, params, query }) => {
    requireRoomId(params.roomId);
    return deps.getContext(requester.userId, params.roomId, params.eventId, query.limit, parseFilter(query.filter));
  };
}

/**
 * GET /_matrix/client/v3/rooms/{roomId}/event/{eventId}
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomideventeventid
 */
export function handleGetOneRoomEvent(deps: RoomTimelineDeps): EndpointHandler<typeof getOneRoomEvent> {
  return async ({ requester, params }) => {
    requireRoomId(params.roomId);
    return deps.getEvent(requester.userId, params.roomId, params.eventId);
  };
}

/**
 * GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidtimestamp_to_event
 */
export function handleGetEventByTimestamp(deps: RoomTimelineDeps): EndpointHandler<typeof getEventByTimestamp> {
  return async ({ requester, params, query }) => {
    requireRoomId(params.roomId);
    return deps.timestampToEvent(requester.userId, params.roomId, query.ts, query.dir);
  };
}
