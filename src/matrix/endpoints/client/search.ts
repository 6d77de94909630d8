/**
 * Server-side search.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3search
 */
import type { ClientEventJson } from "../../pdu-json.js";
import type { EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export type SearchKey = "content.body" | "content.name" | "content.topic";

export interface RoomEventsCriteriaJson {
  search_term: string;
  keys?: SearchKey[];
  /** A RoomEventFilter (validated by the service). */
  filter?: Record<string, unknown>;
  order_by?: "rank" | "recent";
  event_context?: { before_limit?: number; after_limit?: number; include_profile?: boolean };
  include_state?: boolean;
  groupings?: { group_by?: Array<{ key?: "room_id" | "sender" }> };
}

export interface SearchRequestJson {
  search_categories: { room_events?: RoomEventsCriteriaJson };
}

export interface SearchResultContextJson {
  start?: string;
  end?: string;
  events_before: ClientEventJson[];
  events_after: ClientEventJson[];
  profile_info?: Record<string, { displayname?: string; avatar_url?: string }>;
}

export interface SearchResultJson {
  rank: number;
  result: ClientEventJson;
  context?: SearchResultContextJson;
}

export interface GroupValueJson {
  next_batch?: string;
  order: number;
  results: string[];
}

export interface RoomEventsResultsJson {
  count: number;
  highlights: string[];
  results: SearchResultJson[];
  state?: Record<string, ClientEventJson[]>;
  groups?: Record<string, Record<string, GroupValueJson>>;
  next_batch?: string;
}

export interface SearchResponseJson {
  search_categories: { room_events?: RoomEventsResultsJson };
}

const nonNegative = { type: "integer", minimum: 0 };

const roomEventsCriteria = {
  type: "object",
  required: ["search_term"],
  properties: {
    search_term: { type: "string" },
    keys: { type: "array", items: { type: "string", enum: ["content.body", "content.name", "content.topic"] } },
    filter: { type: "object" },
    order_by: { type: "string", enum: ["rank", "recent"] },
    event_context: {
      type: "object",
      properties: { before_limit: nonNegative, after_limit: nonNegative, include_profile: { type: "boolean" } },
    },
    include_state: { type: "boolean" },
    groupings: {
      type: "object",
      properties: {
        group_by: { type: "array", items: { type: "object", properties: { key: { type: "string", enum: ["room_id", "sender"] } } } },
      },
    },
  },
};

/** POST /_matrix/client/v3/search */
export const search: EndpointDefinition<{ query: { next_batch?: string }; body: SearchRequestJson }, SearchResponseJson, "accessToken"> = {
  name: "search",
  method: "POST",
  paths: clientPaths("/search"),
  auth: "accessToken",
  querySchema: { type: "object", properties: { next_batch: { type: "string" } }, additionalProperties: true },
  bodySchema: {
    type: "object",
    required: ["search_categories"],
    properties: { search_categories: { type: "object", properties: { room_events: roomEventsCriteria } } },
  },
};
