import type { generateLoginToken } from "../../matrix/endpoints/client/login-token.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { LoginTokenService } from "../../services/auth/login-token-service.js";

export interface LoginTokenDeps {
  readonly loginTokens: Pick<LoginTokenService, "issueLoginToken">;
}

/**
 * POST /_matrix/client/v1/login/get_token
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv1loginget_token
 */
export function handleGenerateLoginToken(deps: LoginTokenDeps): EndpointHandler<typeof generateLoginToken> {
  return async (request) => {
    const issued = await deps.loginTokens.issueLoginToken(request.requester, request.body.auth);
    return { login_token: issued.token, expires_in_ms: issued.expiresInMs };
  };
}
