/**
 * Reporting content: events, rooms and users, reported to the server admins.
 * https://spec.matrix.org/v1.19/client-server-api/#reporting-content
 */
import type { JSONSchemaType } from "ajv";
import type { EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface ReportEventBodyJson {
  /** "The reason the content is being reported." */
  reason?: string;
  /**
   * Removed in v1.18 ("The `score` request parameter was removed"), still sent by older clients
   * (matrix-js-sdk's reportEvent): not validated, an integer one is kept with the report.
   */
  score?: unknown;
}

export interface ReportReasonBodyJson {
  /** "The reason the room [user] is being reported. May be blank." */
  reason: string;
}

const reasonBody: JSONSchemaType<ReportReasonBodyJson> = {
  type: "object",
  properties: { reason: { type: "string" } },
  required: ["reason"],
};

/** POST /_matrix/client/v3/rooms/{roomId}/report/{eventId} (r0 too) */
export const reportEvent: EndpointDefinition<{ params: { roomId: string; eventId: string }; body: ReportEventBodyJson }, Record<string, never>, "accessToken"> = {
  name: "reportEvent",
  method: "POST",
  paths: clientPaths("/rooms/:roomId/report/:eventId"),
  auth: "accessToken",
  rateLimited: "message",
  // Free-form: `score` may be anything.
  bodySchema: { type: "object", properties: { reason: { type: "string" } } },
};

/** POST /_matrix/client/v3/rooms/{roomId}/report (v1.13) */
export const reportRoom: EndpointDefinition<{ params: { roomId: string }; body: ReportReasonBodyJson }, Record<string, never>, "accessToken"> = {
  name: "reportRoom",
  method: "POST",
  paths: ["/_matrix/client/v3/rooms/:roomId/report"],
  auth: "accessToken",
  rateLimited: "message",
  bodySchema: reasonBody,
};

/** POST /_matrix/client/v3/users/{userId}/report (v1.14) */
export const reportUser: EndpointDefinition<{ params: { userId: string }; body: ReportReasonBodyJson }, Record<string, never>, "accessToken"> = {
  name: "reportUser",
  method: "POST",
  paths: ["/_matrix/client/v3/users/:userId/report"],
  auth: "accessToken",
  rateLimited: "message",
  bodySchema: reasonBody,
};
