/**
 * GET /_matrix/federation/v1/openid/userinfo: a third party exchanges a user's OpenID token for
 * the user's ID. Authenticated by the token alone, not by X-Matrix.
 * https://spec.matrix.org/v1.19/server-server-api/#get_matrixfederationv1openiduserinfo
 */
import type { EndpointDefinition } from "../types.js";

export interface OpenIdUserInfoJson {
  sub: string;
}

export interface OpenIdUserInfoQuery {
  access_token: string;
}

export const exchangeOpenIdToken: EndpointDefinition<{ query: OpenIdUserInfoQuery }, OpenIdUserInfoJson, "none"> = {
  name: "exchangeOpenIdToken",
  method: "GET",
  paths: ["/_matrix/federation/v1/openid/userinfo"],
  auth: "none",
  querySchema: {
    type: "object",
    properties: { access_token: { type: "string", minLength: 1 } },
    required: ["access_token"],
  },
};
