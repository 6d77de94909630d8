import type { refresh } from "../../matrix/endpoints/client/refresh.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { SessionService } from "../../services/auth/session-service.js";

export interface RefreshDeps {
  readonly sessions: Pick<SessionService, "refresh">;
}

/**
 * POST /_matrix/client/v3/refresh
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3refresh
 */
export function handleRefresh(deps: RefreshDeps): EndpointHandler<typeof refresh> {
  return async (request) => {
    const tokens = await deps.sessions.refresh(request.body.refresh_token);
    return { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, expires_in_ms: tokens.expiresInMs };
  };
}
