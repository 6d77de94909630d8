/**
 * Server administration: who a user is, by their devices' sessions and connections.
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3adminwhoisuserid
 */
import type { EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface WhoisConnectionJson {
  ip?: string;
  last_seen?: number;
  user_agent?: string;
}

export interface WhoisResponseJson {
  user_id: string;
  devices: Record<string, { sessions: Array<{ connections: WhoisConnectionJson[] }> }>;
}

/** GET /_matrix/client/v3/admin/whois/{userId} */
export const getWhoIs: EndpointDefinition<{ params: { userId: string } }, WhoisResponseJson, "accessToken"> = {
  name: "getWhoIs",
  method: "GET",
  paths: clientPaths("/admin/whois/:userId"),
  auth: "accessToken",
};
