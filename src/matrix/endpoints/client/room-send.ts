/**
 * Sending events to a room: messages, state events, redactions.
 * https://spec.matrix.org/v1.19/client-server-api/#sending-events-to-a-room
 * https://spec.matrix.org/v1.19/client-server-api/#redactions
 */
import type { JSONSchemaType } from "ajv";
import type { JsonObject } from "../../pdu-json.js";
import type { EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface EventIdResponseJson {
  event_id: string;
}

export interface RedactBody {
  reason?: string;
}

const redactBody: JSONSchemaType<RedactBody> = {
  type: "object",
  properties: { reason: { type: "string", nullable: true } },
};

/** PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId} */
export const sendMessage: EndpointDefinition<
  { params: { roomId: string; eventType: string; txnId: string }; body: JsonObject },
  EventIdResponseJson,
  "accessToken"
> = {
  name: "sendMessage",
  method: "PUT",
  paths: clientPaths("/rooms/:roomId/send/:eventType/:txnId"),
  auth: "accessToken",
  rateLimited: "message",
};

/**
 * PUT /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}: "When an empty string, the
 * trailing slash on this endpoint is optional", so the path without a state key is served too.
 */
export const setRoomStateWithKey: EndpointDefinition<
  { params: { roomId: string; eventType: string; stateKey?: string }; body: JsonObject },
  EventIdResponseJson,
  "accessToken"
> = {
  name: "setRoomStateWithKey",
  method: "PUT",
  paths: [...clientPaths("/rooms/:roomId/state/:eventType"), ...clientPaths("/rooms/:roomId/state/:eventType/:stateKey")],
  auth: "accessToken",
  rateLimited: "message",
};

/** PUT /_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId} */
export const redactEvent: EndpointDefinition<
  { params: { roomId: string; eventId: string; txnId: string }; body: RedactBody },
  EventIdResponseJson,
  "accessToken"
> = {
  name: "redactEvent",
  method: "PUT",
  paths: clientPaths("/rooms/:roomId/redact/:eventId/:txnId"),
  auth: "accessToken",
  rateLimited: "message",
  bodySchema: redactBody,
};
