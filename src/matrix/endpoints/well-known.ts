/**
 * Server discovery documents.
 * https://spec.matrix.org/v1.19/client-server-api/#getwell-knownmatrixclient
 * https://spec.matrix.org/v1.19/server-server-api/#getwell-knownmatrixserver
 */
import type { EmptyRequest, EndpointDefinition } from "./types.js";

export interface WellKnownClientJson {
  "m.homeserver": { base_url: string };
  "m.identity_server"?: { base_url: string };
  [key: string]: unknown;
}

export interface WellKnownServerJson {
  /** The delegated server name, with optional port. */
  "m.server": string;
}

export const getWellKnownClient: EndpointDefinition<EmptyRequest, WellKnownClientJson, "none"> = {
  name: "getWellKnownClient",
  method: "GET",
  paths: ["/.well-known/matrix/client"],
  auth: "none",
};

export const getWellKnownServer: EndpointDefinition<EmptyRequest, WellKnownServerJson, "none"> = {
  name: "getWellKnownServer",
  method: "GET",
  paths: ["/.well-known/matrix/server"],
  auth: "none",
};
