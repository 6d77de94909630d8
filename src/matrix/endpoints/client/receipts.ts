/**
 * Receipts and read markers. https://spec.matrix.org/v1.19/client-server-api/#receipts
 * `receiptType` and `thread_id` are checked by the service (400 M_INVALID_PARAM, as the spec's
 * example), so neither is in a schema.
 */
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

/** POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId} */
export const postReceipt: EndpointDefinition<
  { params: { roomId: string; receiptType: string; eventId: string }; body: { thread_id?: unknown } },
  EmptyRequest,
  "accessToken"
> = {
  name: "postReceipt",
  method: "POST",
  paths: clientPaths("/rooms/:roomId/receipt/:receiptType/:eventId"),
  auth: "accessToken",
};

export interface SetReadMarkerBody {
  "m.fully_read"?: string;
  "m.read"?: string;
  "m.read.private"?: string;
}

const eventId = { type: "string", minLength: 1 } as const;

/** POST /_matrix/client/v3/rooms/{roomId}/read_markers */
export const setReadMarker: EndpointDefinition<{ params: { roomId: string }; body: SetReadMarkerBody }, EmptyRequest, "accessToken"> = {
  name: "setReadMarker",
  method: "POST",
  paths: clientPaths("/rooms/:roomId/read_markers"),
  auth: "accessToken",
  bodySchema: { type: "object", properties: { "m.fully_read": eventId, "m.read": eventId, "m.read.private": eventId } },
};
