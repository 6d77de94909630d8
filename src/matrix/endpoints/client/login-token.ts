/**
 * Login tokens for other clients: a logged-in user asks for a single-use, short-lived token
 * that an unauthenticated client redeems with `m.login.token`.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv1loginget_token
 */
import type { EndpointDefinition } from "../types.js";
import { authDataSchema, type AuthDataJson } from "./account-auth.js";

export interface GenerateLoginTokenBodyJson {
  auth?: AuthDataJson;
}

export interface LoginTokenResponseJson {
  login_token: string;
  /** "The time remaining in milliseconds until the homeserver will no longer accept the token." */
  expires_in_ms: number;
}

/**
 * POST /_matrix/client/v1/login/get_token ("Servers are encouraged to apply stricter than normal
 * rate limiting to this endpoint"): rate-limited as login, behind User-Interactive Authentication.
 */
export const generateLoginToken: EndpointDefinition<{ body: GenerateLoginTokenBodyJson }, LoginTokenResponseJson, "accessToken"> = {
  name: "generateLoginToken",
  method: "POST",
  paths: ["/_matrix/client/v1/login/get_token"],
  auth: "accessToken",
  rateLimited: "login",
  bodySchema: {
    type: "object",
    properties: { auth: authDataSchema },
  },
};
