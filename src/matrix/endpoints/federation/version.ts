/**
 * GET /_matrix/federation/v1/version
 * https://spec.matrix.org/v1.19/server-server-api/#get_matrixfederationv1version
 */
import type { EmptyRequest, EndpointDefinition } from "../types.js";

export interface FederationVersionJson {
  server: { name: string; version: string };
}

export const getFederationVersion: EndpointDefinition<EmptyRequest, FederationVersionJson, "none"> = {
  name: "getFederationVersion",
  method: "GET",
  paths: ["/_matrix/federation/v1/version"],
  auth: "none",
};
