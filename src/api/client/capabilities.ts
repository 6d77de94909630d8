import type { CapabilitiesJson, getCapabilities } from "../../matrix/endpoints/client/capabilities.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";

export interface CapabilitiesDeps {
  /** The version new rooms get, and every version this server knows (all stable). */
  readonly roomVersions: { readonly default: string; readonly available: readonly string[] };
  /** Whether `POST /login/get_token` is served. */
  readonly getLoginToken?: boolean;
}

/**
 * GET /_matrix/client/v3/capabilities
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3capabilities
 *
 * - `m.change_password`: /account/password works;
 * - `m.set_displayname`, `m.set_avatar_url`: users may change their profile;
 * - `m.3pid_changes`: disabled, this server keeps no third-party identifiers;
 * - `m.room_versions`: every supported version is stable;
 * - `m.get_login_token`: whether this user may use `POST /login/get_token` (served, and not a
 *   guest: "When not listed, clients SHOULD assume the user is unable to generate tokens").
 */
export function handleGetCapabilities(deps: CapabilitiesDeps): EndpointHandler<typeof getCapabilities> {
  const available: Record<string, "stable"> = {};
  for (const version of deps.roomVersions.available) available[version] = "stable";
  const capabilities: CapabilitiesJson = {
    "m.change_password": { enabled: true },
    "m.room_versions": { default: deps.roomVersions.default, available },
    "m.set_displayname": { enabled: true },
    "m.set_avatar_url": { enabled: true },
    "m.3pid_changes": { enabled: false },
  };
  const response = { capabilities: { ...capabilities, "m.get_login_token": { enabled: deps.getLoginToken === true } } };
  const guestResponse = { capabilities: { ...capabilities, "m.get_login_token": { enabled: false } } };
  return (request) => (request.requester.isGuest ? guestResponse : response);
}
