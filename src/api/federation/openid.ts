import type { exchangeOpenIdToken } from "../../matrix/endpoints/federation/openid.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { OpenIdService } from "../../services/auth/openid-service.js";

export interface OpenIdUserInfoDeps {
  readonly openId: Pick<OpenIdService, "userOf">;
}

/**
 * GET /_matrix/federation/v1/openid/userinfo
 * https://spec.matrix.org/v1.19/server-server-api/#get_matrixfederationv1openiduserinfo
 */
export function handleExchangeOpenIdToken(deps: OpenIdUserInfoDeps): EndpointHandler<typeof exchangeOpenIdToken> {
  return async ({ query }) => ({ sub: await deps.openId.userOf(query.access_token) });
}
