/**
 * GET /_matrix/client/versions
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientversions
 */
import type { EmptyRequest, EndpointDefinition } from "../types.js";

export interface VersionsResponseJson {
  /** Spec versions supported, `vX.Y` (or historical `rX.Y.Z`). */
  versions: string[];
  /** Namespaced experimental features and whether each is enabled. */
  unstable_features?: Record<string, boolean>;
}

export const getVersions: EndpointDefinition<EmptyRequest, VersionsResponseJson, "optional"> = {
  name: "getVersions",
  method: "GET",
  // Unversioned since the first release of the client-server API.
  paths: ["/_matrix/client/versions"],
  // "clients should include authentication in the request to get all the features available
  // for the logged-in user."
  auth: "optional",
};
