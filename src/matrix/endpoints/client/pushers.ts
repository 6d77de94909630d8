/**
 * Pushers and the notifications list.
 * https://spec.matrix.org/v1.19/client-server-api/#push-notifications
 * (data/api/client-server/pusher.yaml, notifications.yaml)
 *
 * The body schema of POST /pushers/set checks types only (a wrong type is M_BAD_JSON): which
 * fields are required depends on `kind`, and the service answers a missing one with
 * M_MISSING_PARAM as the spec's example does ("Missing parameters: lang, data").
 */
import type { JSONSchemaType } from "ajv";
import type { ClientEventJson } from "../../pdu-json.js";
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import type { PushActionJson } from "./push-rules.js";
import { clientPaths } from "./client-paths.js";

/** PusherData: `url` (kind http), `format`, and whatever else the client passes to its gateway. */
export interface PusherDataJson {
  url?: string;
  format?: string;
  [key: string]: unknown;
}

/** A pusher as GET /pushers lists it. */
export interface PusherJson {
  pushkey: string;
  kind: string;
  app_id: string;
  app_display_name: string;
  device_display_name: string;
  profile_tag?: string;
  lang: string;
  data: PusherDataJson;
}

/** The body of POST /pushers/set (`kind` null deletes). */
export interface SetPusherBody {
  pushkey?: string;
  kind?: string | null;
  app_id?: string;
  app_display_name?: string;
  device_display_name?: string;
  profile_tag?: string;
  lang?: string;
  data?: PusherDataJson;
  append?: boolean;
}

export interface NotificationJson {
  actions: PushActionJson[];
  event: ClientEventJson;
  profile_tag?: string;
  read: boolean;
  room_id: string;
  ts: number;
}

export interface NotificationsResponseJson {
  next_token?: string;
  notifications: NotificationJson[];
}

export interface NotificationsQuery {
  from?: string;
  limit?: number;
  only?: string;
}

const setPusherBody = {
  type: "object",
  properties: {
    pushkey: { type: "string" },
    kind: { type: ["string", "null"] },
    app_id: { type: "string" },
    app_display_name: { type: "string" },
    device_display_name: { type: "string" },
    profile_tag: { type: "string" },
    lang: { type: "string" },
    data: { type: "object", properties: { url: { type: "string" }, format: { type: "string" } } },
    append: { type: "boolean" },
  },
} as const;

const notificationsQuery: JSONSchemaType<NotificationsQuery> = {
  type: "object",
  properties: {
    from: { type: "string", nullable: true },
    limit: { type: "integer", minimum: 0, nullable: true },
    only: { type: "string", nullable: true },
  },
  additionalProperties: true,
};

/** GET /_matrix/client/v3/pushers */
export const getPushers: EndpointDefinition<EmptyRequest, { pushers: PusherJson[] }, "accessToken"> = {
  name: "getPushers",
  method: "GET",
  paths: clientPaths("/pushers"),
  auth: "accessToken",
};

/** POST /_matrix/client/v3/pushers/set (rate-limited in the spec; Hearth's buckets don't cover it yet) */
export const postPusher: EndpointDefinition<{ body: SetPusherBody }, Record<string, never>, "accessToken"> = {
  name: "postPusher",
  method: "POST",
  paths: clientPaths("/pushers/set"),
  auth: "accessToken",
  bodySchema: setPusherBody,
};

/** GET /_matrix/client/v3/notifications */
export const getNotifications: EndpointDefinition<{ query: NotificationsQuery }, NotificationsResponseJson, "accessToken"> = {
  name: "getNotifications",
  method: "GET",
  paths: clientPaths("/notifications"),
  auth: "accessToken",
  querySchema: notificationsQuery,
};
