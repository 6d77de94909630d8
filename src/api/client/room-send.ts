/**
 * Sending events: messages, state, redactions.
 * https://spec.matrix.org/v1.19/client-server-api/#sending-events-to-a-room
 */
import type { redactEvent, sendMessage, setRoomStateWithKey } from "../../matrix/endpoints/client/room-send.js";
import type { Requester } from "../../matrix/endpoints/types.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { ClientTxn, RoomEventsService } from "../../services/rooms/room-events.js";
import { forbidGuests } from "./guest-access.js";
import { requireRoomId } from "./path-checks.js";

export type RoomSendDeps = Pick<RoomEventsService, "sendMessage" | "sendStateEvent" | "redact">;

/** The transaction of a request: scoped to the requester's device (none for device-less tokens). */
function txnOf(requester: Requester, txnId: string): ClientTxn | undefined {
  return requester.deviceId === null ? undefined : { deviceId: requester.deviceId, txnId };
}

/**
 * PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId} — idempotent per device and
 * transaction ID: a retry answers with the first event's ID.
 * https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3roomsroomidsendeventtypetxnid
 */
export function handleSendMessage(deps: RoomSendDeps): EndpointHandler<typeof sendMessage> {
  return async ({ requester, params, body }) => {
    requireRoomId(params.roomId);
    const eventId = await deps.sendMessage(requester.userId, params.roomId, params.eventType, body, txnOf(requester, params.txnId));
    return { event_id: eventId };
  };
}

/**
 * PUT /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}
 * https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3roomsroomidstateeventtypestatekey
 */
export function handleSetRoomStateWithKey(deps: RoomSendDeps): EndpointHandler<typeof setRoomStateWithKey> {
  return async ({ requester, params, body }) => {
    requireRoomId(params.roomId);
    const eventId = await deps.sendStateEvent(requester.userId, params.roomId, params.eventType, params.stateKey ?? "", body);
    return { event_id: eventId };
  };
}

/**
 * PUT /_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}
 * https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3roomsroomidredacteventidtxnid
 */
export function handleRedactEvent(deps: RoomSendDeps): EndpointHandler<typeof redactEvent> {
  return async ({ requester, params, body }) => {
    forbidGuests(requester);
    requireRoomId(params.roomId);
    const eventId = await deps.redact(requester.userId, params.roomId, params.eventId, body.reason, txnOf(requester, params.txnId));
    return { event_id: eventId };
  };
}
