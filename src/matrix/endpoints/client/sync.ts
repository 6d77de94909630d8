/**
 * GET /_matrix/client/v3/sync (and r0)
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3sync
 * (data/api/client-server/sync.yaml)
 *
 * The response types keep the spec's field names (STYLE.md "wire vs domain"); the WebSocket
 * transport (docs/websocket-sync.md) sends frames of exactly this shape.
 */
import type { JSONSchemaType } from "ajv";
import type { ClientEventJson, JsonObject, PduJson, StrippedStateJson } from "../../pdu-json.js";
import type { EndpointDefinition } from "../types.js";

export type SetPresence = "offline" | "online" | "unavailable";

export interface SyncQuery {
  filter?: string;
  since?: string;
  full_state?: boolean;
  set_presence?: SetPresence;
  timeout?: number;
  use_state_after?: boolean;
}

/** A room event as /sync sends it: client format without `room_id`, or a PDU (`event_format: federation`). */
export type SyncEventJson = ClientEventJson | PduJson | Partial<ClientEventJson>;

/** Account data, presence, typing and receipts: `type` and `content` (plus `sender` for presence). */
export interface BasicEventJson {
  type: string;
  content: JsonObject | Record<string, unknown>;
  sender?: string;
}

export interface EventBatchJson<E = BasicEventJson> {
  events: E[];
}

export interface TimelineJson {
  events: SyncEventJson[];
  limited: boolean;
  prev_batch?: string;
}

export interface RoomSummaryJson {
  "m.heroes"?: string[];
  "m.joined_member_count"?: number;
  "m.invited_member_count"?: number;
}

export interface UnreadNotificationCountsJson {
  highlight_count: number;
  notification_count: number;
}

export interface JoinedRoomJson {
  summary?: RoomSummaryJson;
  state?: EventBatchJson<SyncEventJson>;
  state_after?: EventBatchJson<SyncEventJson>;
  timeline?: TimelineJson;
  ephemeral?: EventBatchJson;
  account_data?: EventBatchJson;
  unread_notifications?: UnreadNotificationCountsJson;
  /** Thread root → counts, when the filter asks for `unread_thread_notifications`. */
  unread_thread_notifications?: Record<string, UnreadNotificationCountsJson>;
}

export interface InvitedRoomJson {
  invite_state: EventBatchJson<StrippedStateJson>;
}

export interface KnockedRoomJson {
  knock_state: EventBatchJson<StrippedStateJson>;
}

export interface LeftRoomJson {
  state?: EventBatchJson<SyncEventJson>;
  state_after?: EventBatchJson<SyncEventJson>;
  timeline?: TimelineJson;
  account_data?: EventBatchJson;
}

export interface SyncRoomsJson {
  join: Record<string, JoinedRoomJson>;
  invite: Record<string, InvitedRoomJson>;
  leave: Record<string, LeftRoomJson>;
  knock: Record<string, KnockedRoomJson>;
}

export interface DeviceListsJson {
  changed: string[];
  left: string[];
}

export interface SyncResponseJson {
  next_batch: string;
  rooms: SyncRoomsJson;
  presence: EventBatchJson;
  account_data: EventBatchJson;
  to_device: EventBatchJson;
  device_lists: DeviceListsJson;
  device_one_time_keys_count?: Record<string, number>;
}

const syncQuery: JSONSchemaType<SyncQuery> = {
  type: "object",
  properties: {
    filter: { type: "string", nullable: true },
    since: { type: "string", nullable: true },
    full_state: { type: "boolean", nullable: true },
    set_presence: { type: "string", enum: ["offline", "online", "unavailable"], nullable: true },
    // Negative timeouts are treated as 0 (return at once), as Synapse does.
    timeout: { type: "integer", nullable: true },
    use_state_after: { type: "boolean", nullable: true },
  },
  // Unknown parameters (e.g. `org.matrix.msc…` experiments) are ignored, not refused.
  additionalProperties: true,
};

export const sync: EndpointDefinition<{ query: SyncQuery }, SyncResponseJson, "accessToken"> = {
  name: "sync",
  method: "GET",
  paths: ["/_matrix/client/r0/sync", "/_matrix/client/v3/sync"],
  auth: "accessToken",
  querySchema: syncQuery,
};
