/**
 * Presence. https://spec.matrix.org/v1.19/client-server-api/#presence
 * The state is checked by the service (400 M_INVALID_PARAM for an unknown one), not the schema.
 */
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface SetPresenceBody {
  presence: string;
  status_msg?: string | null;
}

export interface PresenceResponseJson {
  presence: string;
  last_active_ago?: number;
  status_msg?: string | null;
  currently_active?: boolean;
}

/** PUT /_matrix/client/v3/presence/{userId}/status */
export const setPresence: EndpointDefinition<{ params: { userId: string }; body: SetPresenceBody }, EmptyRequest, "accessToken"> = {
  name: "setPresence",
  method: "PUT",
  paths: clientPaths("/presence/:userId/status"),
  auth: "accessToken",
  bodySchema: {
    type: "object",
    required: ["presence"],
    properties: { presence: { type: "string" }, status_msg: { type: ["string", "null"] } },
  },
};

/** GET /_matrix/client/v3/presence/{userId}/status */
export const getPresence: EndpointDefinition<{ params: { userId: string } }, PresenceResponseJson, "accessToken"> = {
  name: "getPresence",
  method: "GET",
  paths: clientPaths("/presence/:userId/status"),
  auth: "accessToken",
};
