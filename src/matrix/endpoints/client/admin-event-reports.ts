/**
 * Synapse's event reports admin API, which moderation tools (synapse-admin, …) read
 * (DESIGN.md: `/_synapse/admin` for the admin calls that existing tools use).
 * https://element-hq.github.io/synapse/latest/admin_api/event_reports.html
 */
import type { JSONSchemaType } from "ajv";
import type { EndpointDefinition } from "../types.js";

export interface EventReportsQuery {
  /** Offset into the results (a previous page's `next_token`). */
  from?: number;
  limit?: number;
  /** `b`: most recent first (default); `f`: oldest first. */
  dir?: "b" | "f";
  /** The reporter. */
  user_id?: string;
  room_id?: string;
  /** The sender of the reported event. */
  event_sender_user_id?: string;
}

export interface EventReportJson {
  id: number;
  received_ts: number;
  room_id: string;
  /** The room's name, null when it has none. */
  name: string | null;
  event_id: string;
  /** Who reported the event. */
  user_id: string;
  reason: string | null;
  score: number | null;
  /** Who sent the reported event. */
  sender: string | null;
  canonical_alias: string | null;
}

export interface EventReportDetailJson extends EventReportJson {
  /** The reported event as stored; null when this server no longer has it. */
  event_json: Record<string, unknown> | null;
}

export interface EventReportsResponseJson {
  event_reports: EventReportJson[];
  /** The `from` of the next page; absent on the last page. */
  next_token?: number;
  /** How many reports match the query. */
  total: number;
}

const eventReportsQuery: JSONSchemaType<EventReportsQuery> = {
  type: "object",
  properties: {
    from: { type: "integer", minimum: 0, nullable: true },
    limit: { type: "integer", minimum: 0, nullable: true },
    dir: { type: "string", enum: ["b", "f"], nullable: true },
    user_id: { type: "string", nullable: true },
    room_id: { type: "string", nullable: true },
    event_sender_user_id: { type: "string", nullable: true },
  },
  additionalProperties: true,
};

/** GET /_synapse/admin/v1/event_reports */
export const getEventReports: EndpointDefinition<{ query: EventReportsQuery }, EventReportsResponseJson, "accessToken"> = {
  name: "getEventReports",
  method: "GET",
  paths: ["/_synapse/admin/v1/event_reports"],
  auth: "accessToken",
  querySchema: eventReportsQuery,
};

/** GET /_synapse/admin/v1/event_reports/{reportId} */
export const getEventReport: EndpointDefinition<{ params: { reportId: string } }, EventReportDetailJson, "accessToken"> = {
  name: "getEventReport",
  method: "GET",
  paths: ["/_synapse/admin/v1/event_reports/:reportId"],
  auth: "accessToken",
};
