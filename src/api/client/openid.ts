import type { requestOpenIdToken } from "../../matrix/endpoints/client/openid.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { OpenIdService } from "../../services/auth/openid-service.js";
import { requireSelf } from "./path-checks.js";

export interface OpenIdDeps {
  readonly openId: Pick<OpenIdService, "issue">;
}

/**
 * POST /_matrix/client/v3/user/{userId}/openid/request_token: "The user to request an OpenID
 * token for. Should be the user who is authenticated for the request" — another is refused.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3useruseridopenidrequest_token
 */
export function handleRequestOpenIdToken(deps: OpenIdDeps): EndpointHandler<typeof requestOpenIdToken> {
  return async ({ requester, params }) => {
    requireSelf(requester, params.userId, "request OpenID tokens");
    return deps.openId.issue(params.userId);
  };
}
