/**
 * OpenID tokens, which a user hands a third party to prove who they are.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3useruseridopenidrequest_token
 */
import type { EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface OpenIdTokenResponseJson {
  access_token: string;
  token_type: string;
  matrix_server_name: string;
  /** Seconds until the token expires. */
  expires_in: number;
}

/** POST /_matrix/client/v3/user/{userId}/openid/request_token (body: "An empty object. Reserved for future expansion.") */
export const requestOpenIdToken: EndpointDefinition<{ params: { userId: string }; body: Record<string, unknown> }, OpenIdTokenResponseJson, "accessToken"> = {
  name: "requestOpenIdToken",
  method: "POST",
  paths: clientPaths("/user/:userId/openid/request_token"),
  auth: "accessToken",
  bodySchema: { type: "object" },
};
