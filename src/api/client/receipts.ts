/** Receipts and read markers. https://spec.matrix.org/v1.19/client-server-api/#receipts */
import type { postReceipt, setReadMarker } from "../../matrix/endpoints/client/receipts.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { ReceiptsService } from "../../services/ephemeral/receipts.js";
import { requireRoomId } from "./path-checks.js";

export type ReceiptsDeps = Pick<ReceiptsService, "sendReceipt" | "setReadMarkers">;

/** POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId} — #post_matrixclientv3roomsroomidreceiptreceipttypeeventid */
export function handlePostReceipt(deps: ReceiptsDeps): EndpointHandler<typeof postReceipt> {
  return async ({ requester, params, body }) => {
    requireRoomId(params.roomId);
    await deps.sendReceipt(requester.userId, params.roomId, params.receiptType, params.eventId, body.thread_id);
    return {};
  };
}

/** POST /_matrix/client/v3/rooms/{roomId}/read_markers — #post_matrixclientv3roomsroomidread_markers */
export function handleSetReadMarker(deps: ReceiptsDeps): EndpointHandler<typeof setReadMarker> {
  return async ({ requester, params, body }) => {
    requireRoomId(params.roomId);
    await deps.setReadMarkers(requester.userId, params.roomId, {
      fullyRead: body["m.fully_read"],
      read: body["m.read"],
      readPrivate: body["m.read.private"],
    });
    return {};
  };
}
