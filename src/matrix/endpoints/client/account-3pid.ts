/**
 * Administrative contact information (third-party identifiers) of an account.
 * https://spec.matrix.org/v1.19/client-server-api/#adding-account-administrative-contact-information
 */
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { authDataSchema, type AuthDataJson } from "./account-auth.js";
import type { IdServerUnbindResult } from "./account.js";
import { clientPaths } from "./client-paths.js";
import { emailRequestToken, msisdnRequestToken } from "./register-request-token.js";

export interface ThirdPartyIdentifierJson {
  medium: "email" | "msisdn";
  address: string;
  validated_at: number;
  added_at: number;
}

export interface ThreePidCredentialsJson {
  client_secret: string;
  id_server: string;
  id_access_token: string;
  sid: string;
}

export interface Add3pidBodyJson {
  auth?: AuthDataJson;
  client_secret: string;
  sid: string;
}

export interface Remove3pidBodyJson {
  id_server?: string;
  medium: "email" | "msisdn";
  address: string;
}

export interface Unbind3pidResponseJson {
  id_server_unbind_result: IdServerUnbindResult;
}

const threePidCredentials = {
  type: "object",
  required: ["client_secret", "id_server", "id_access_token", "sid"],
  properties: { client_secret: { type: "string" }, id_server: { type: "string" }, id_access_token: { type: "string" }, sid: { type: "string" } },
} as const;

const remove3pidSchema = {
  type: "object",
  required: ["medium", "address"],
  properties: { id_server: { type: "string" }, medium: { type: "string", enum: ["email", "msisdn"] }, address: { type: "string" } },
} as const;

/** GET /_matrix/client/v3/account/3pid */
export const getAccount3PIDs: EndpointDefinition<EmptyRequest, { threepids: ThirdPartyIdentifierJson[] }, "accessToken"> = {
  name: "getAccount3PIDs",
  method: "GET",
  paths: clientPaths("/account/3pid"),
  auth: "accessToken",
};

/** POST /_matrix/client/v3/account/3pid (deprecated for /3pid/add and /3pid/bind) */
export const post3PIDs: EndpointDefinition<{ body: { three_pid_creds: ThreePidCredentialsJson } }, { submit_url?: string }, "accessToken"> = {
  name: "post3PIDs",
  method: "POST",
  paths: clientPaths("/account/3pid"),
  auth: "accessToken",
  bodySchema: { type: "object", required: ["three_pid_creds"], properties: { three_pid_creds: threePidCredentials } },
};

/** POST /_matrix/client/v3/account/3pid/add */
export const add3PID: EndpointDefinition<{ body: Add3pidBodyJson }, EmptyRequest, "accessToken"> = {
  name: "add3PID",
  method: "POST",
  paths: clientPaths("/account/3pid/add"),
  auth: "accessToken",
  bodySchema: {
    type: "object",
    required: ["client_secret", "sid"],
    properties: { auth: authDataSchema, client_secret: { type: "string" }, sid: { type: "string" } },
  },
};

/** POST /_matrix/client/v3/account/3pid/bind */
export const bind3PID: EndpointDefinition<{ body: ThreePidCredentialsJson }, EmptyRequest, "accessToken"> = {
  name: "bind3PID",
  method: "POST",
  paths: clientPaths("/account/3pid/bind"),
  auth: "accessToken",
  bodySchema: threePidCredentials,
};

/** POST /_matrix/client/v3/account/3pid/delete */
export const delete3pidFromAccount: EndpointDefinition<{ body: Remove3pidBodyJson }, Unbind3pidResponseJson, "accessToken"> = {
  name: "delete3pidFromAccount",
  method: "POST",
  paths: clientPaths("/account/3pid/delete"),
  auth: "accessToken",
  bodySchema: remove3pidSchema,
};

/** POST /_matrix/client/v3/account/3pid/unbind */
export const unbind3pidFromAccount: EndpointDefinition<{ body: Remove3pidBodyJson }, Unbind3pidResponseJson, "accessToken"> = {
  name: "unbind3pidFromAccount",
  method: "POST",
  paths: clientPaths("/account/3pid/unbind"),
  auth: "accessToken",
  bodySchema: remove3pidSchema,
};

/** POST /_matrix/client/v3/account/3pid/email/requestToken */
export const requestTokenTo3PIDEmail = emailRequestToken("requestTokenTo3PIDEmail", "/account/3pid/email/requestToken");

/** POST /_matrix/client/v3/account/3pid/msisdn/requestToken */
export const requestTokenTo3PIDMSISDN = msisdnRequestToken("requestTokenTo3PIDMSISDN", "/account/3pid/msisdn/requestToken");
