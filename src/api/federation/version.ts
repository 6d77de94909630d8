import packageJson from "../../../package.json" with { type: "json" };
import type { FederationVersionJson, getFederationVersion } from "../../matrix/endpoints/federation/version.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";

export const SERVER_SOFTWARE_NAME = "Hearth";

/**
 * GET /_matrix/federation/v1/version
 * https://spec.matrix.org/v1.19/server-server-api/#get_matrixfederationv1version
 */
export function handleGetFederationVersion(): EndpointHandler<typeof getFederationVersion> {
  const response: FederationVersionJson = { server: { name: SERVER_SOFTWARE_NAME, version: packageJson.version } };
  return () => response;
}
