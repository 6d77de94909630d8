/**
 * Capabilities negotiation.
 * https://spec.matrix.org/v1.19/client-server-api/#capabilities-negotiation
 */
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface BooleanCapabilityJson {
  enabled: boolean;
}

export interface RoomVersionsCapabilityJson {
  default: string;
  /** Version → "stable" or "unstable". */
  available: Record<string, "stable" | "unstable">;
}

export interface CapabilitiesJson {
  "m.change_password"?: BooleanCapabilityJson;
  "m.room_versions"?: RoomVersionsCapabilityJson;
  "m.set_displayname"?: BooleanCapabilityJson;
  "m.set_avatar_url"?: BooleanCapabilityJson;
  "m.3pid_changes"?: BooleanCapabilityJson;
  "m.get_login_token"?: BooleanCapabilityJson;
  [capability: string]: unknown;
}

/** GET /_matrix/client/v3/capabilities */
export const getCapabilities: EndpointDefinition<EmptyRequest, { capabilities: CapabilitiesJson }, "accessToken"> = {
  name: "getCapabilities",
  method: "GET",
  paths: clientPaths("/capabilities"),
  auth: "accessToken",
};
