/**
 * Account management: changing the password, deactivating the account, and the password-reset
 * token requests.
 * https://spec.matrix.org/v1.19/client-server-api/#legacy-account-management
 */
import type { EndpointDefinition } from "../types.js";
import { authDataSchema, type AuthDataJson } from "./account-auth.js";
import { clientPaths } from "./client-paths.js";
import { emailRequestToken, msisdnRequestToken } from "./register-request-token.js";

export interface ChangePasswordBodyJson {
  new_password: string;
  /** Whether the user's other sessions end; default true. */
  logout_devices?: boolean;
  auth?: AuthDataJson;
}

export interface DeactivateAccountBodyJson {
  auth?: AuthDataJson;
  id_server?: string;
  erase?: boolean;
}

export type IdServerUnbindResult = "success" | "no-support";

export interface DeactivateAccountResponseJson {
  id_server_unbind_result: IdServerUnbindResult;
}

/** POST /_matrix/client/v3/account/password: "An access token should be submitted … if the client has an active session". */
export const changePassword: EndpointDefinition<{ body: ChangePasswordBodyJson }, Record<string, never>, "optional"> = {
  name: "changePassword",
  method: "POST",
  paths: clientPaths("/account/password"),
  auth: "optional",
  bodySchema: {
    type: "object",
    required: ["new_password"],
    properties: { new_password: { type: "string" }, logout_devices: { type: "boolean" }, auth: authDataSchema },
  },
};

/** POST /_matrix/client/v3/account/deactivate */
export const deactivateAccount: EndpointDefinition<{ body: DeactivateAccountBodyJson }, DeactivateAccountResponseJson, "optional"> = {
  name: "deactivateAccount",
  method: "POST",
  paths: clientPaths("/account/deactivate"),
  auth: "optional",
  bodySchema: {
    type: "object",
    properties: { auth: authDataSchema, id_server: { type: "string" }, erase: { type: "boolean" } },
  },
};

/** POST /_matrix/client/v3/account/password/email/requestToken */
export const requestTokenToResetPasswordEmail = emailRequestToken("requestTokenToResetPasswordEmail", "/account/password/email/requestToken");

/** POST /_matrix/client/v3/account/password/msisdn/requestToken */
export const requestTokenToResetPasswordMSISDN = msisdnRequestToken("requestTokenToResetPasswordMSISDN", "/account/password/msisdn/requestToken");
