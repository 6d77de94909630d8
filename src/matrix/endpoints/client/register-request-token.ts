/**
 * Requests for a validation token sent to an email address or phone number, before registering
 * with it. Their bodies are shared with the password-reset and add-3PID variants.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3registeremailrequesttoken
 */
import type { EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface EmailValidationBodyJson {
  client_secret: string;
  email: string;
  send_attempt: number;
  next_link?: string;
  id_server?: string;
  id_access_token?: string;
}

export interface MsisdnValidationBodyJson {
  client_secret: string;
  country: string;
  phone_number: string;
  send_attempt: number;
  next_link?: string;
  id_server?: string;
  id_access_token?: string;
}

export interface RequestTokenResponseJson {
  sid: string;
  submit_url?: string;
}

/** "[0-9a-zA-Z.=_-]. Its length must not exceed 255 characters and it must not be empty." */
const clientSecret = { type: "string", pattern: "^[0-9a-zA-Z.=_-]{1,255}$" } as const;
const optional = {
  next_link: { type: "string" },
  id_server: { type: "string" },
  id_access_token: { type: "string" },
} as const;

export const emailValidationSchema = {
  type: "object",
  required: ["client_secret", "email", "send_attempt"],
  properties: { client_secret: clientSecret, email: { type: "string" }, send_attempt: { type: "integer" }, ...optional },
} as const;

export const msisdnValidationSchema = {
  type: "object",
  required: ["client_secret", "country", "phone_number", "send_attempt"],
  properties: { client_secret: clientSecret, country: { type: "string" }, phone_number: { type: "string" }, send_attempt: { type: "integer" }, ...optional },
} as const;

type EmailRequestToken = EndpointDefinition<{ body: EmailValidationBodyJson }, RequestTokenResponseJson, "none">;
type MsisdnRequestToken = EndpointDefinition<{ body: MsisdnValidationBodyJson }, RequestTokenResponseJson, "none">;

/** A `…/email/requestToken` endpoint (unauthenticated): `path` is the part after the version. */
export function emailRequestToken(name: string, path: string): EmailRequestToken {
  return { name, method: "POST", paths: clientPaths(path), auth: "none", bodySchema: emailValidationSchema };
}

/** A `…/msisdn/requestToken` endpoint (unauthenticated). */
export function msisdnRequestToken(name: string, path: string): MsisdnRequestToken {
  return { name, method: "POST", paths: clientPaths(path), auth: "none", bodySchema: msisdnValidationSchema };
}

/** POST /_matrix/client/v3/register/email/requestToken */
export const requestTokenToRegisterEmail = emailRequestToken("requestTokenToRegisterEmail", "/register/email/requestToken");

/** POST /_matrix/client/v3/register/msisdn/requestToken */
export const requestTokenToRegisterMSISDN = msisdnRequestToken("requestTokenToRegisterMSISDN", "/register/msisdn/requestToken");
