import type { logout, logoutAll } from "../../matrix/endpoints/client/logout.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { SessionService } from "../../services/auth/session-service.js";
import { forbidGuests } from "./guest-access.js";

export interface LogoutDeps {
  readonly sessions: Pick<SessionService, "logout" | "logoutAll">;
}

/**
 * POST /_matrix/client/v3/logout
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3logout
 *
 * Not among the endpoints the guest access module admits guests to (as in Synapse).
 */
export function handleLogout(deps: LogoutDeps): EndpointHandler<typeof logout> {
  return async (request) => {
    forbidGuests(request.requester);
    await deps.sessions.logout(request.requester.userId, request.requester.deviceId, request.accessToken!);
    return {};
  };
}

/**
 * POST /_matrix/client/v3/logout/all
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3logoutall
 */
export function handleLogoutAll(deps: LogoutDeps): EndpointHandler<typeof logoutAll> {
  return async (request) => {
    forbidGuests(request.requester);
    await deps.sessions.logoutAll(request.requester.userId);
    return {};
  };
}
