import type { VersionsResponseJson } from "../../matrix/endpoints/client/versions.js";
import type { getVersions } from "../../matrix/endpoints/client/versions.js";
import type { Requester } from "../../matrix/endpoints/types.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";

export interface VersionsDeps {
  /** The spec versions this server implements; the app decides what it can honestly advertise. */
  readonly versions: readonly string[];
  /** Either fixed, or chosen per user ("Servers can choose to enable some features only for some users"). */
  readonly unstableFeatures:
    | Readonly<Record<string, boolean>>
    | ((requester: Requester | null) => Readonly<Record<string, boolean>>);
}

/**
 * GET /_matrix/client/versions
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientversions
 */
export function handleGetVersions(deps: VersionsDeps): EndpointHandler<typeof getVersions> {
  const { unstableFeatures } = deps;
  const versions = [...deps.versions];
  if (typeof unstableFeatures !== "function") {
    // The same answer for everyone: build it once.
    const response: VersionsResponseJson = { versions, unstable_features: { ...unstableFeatures } };
    return () => response;
  }
  return (request) => ({ versions, unstable_features: { ...unstableFeatures(request.requester) } });
}
