/**
 * Login: the login types offered, and logging in.
 * https://spec.matrix.org/v1.19/client-server-api/#legacy-login
 */
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface LoginFlowJson {
  type: string;
  get_login_token?: boolean;
}

export interface LoginFlowsResponseJson {
  flows: LoginFlowJson[];
}

/** A user identifier: `type` plus the type's own keys (`user`, or `medium` and `address`, …). */
export interface UserIdentifierJson {
  type: string;
  [key: string]: unknown;
}

export interface LoginBodyJson {
  type: string;
  identifier?: UserIdentifierJson;
  /** Deprecated: the user ID or localpart. */
  user?: string;
  /** Deprecated: a third-party identifier's medium and address. */
  medium?: string;
  address?: string;
  password?: string;
  token?: string;
  device_id?: string;
  initial_device_display_name?: string;
  refresh_token?: boolean;
  [key: string]: unknown;
}

/** What login and registration answer with a new session. */
export interface SessionResponseJson {
  user_id: string;
  access_token: string;
  device_id: string;
  refresh_token?: string;
  expires_in_ms?: number;
  /** Deprecated, still sent: some older clients read it. */
  home_server?: string;
}

export const userIdentifierSchema = {
  type: "object",
  required: ["type"],
  properties: { type: { type: "string" } },
} as const;

export const loginBodySchema = {
  type: "object",
  required: ["type"],
  properties: {
    type: { type: "string" },
    identifier: userIdentifierSchema,
    user: { type: "string" },
    medium: { type: "string" },
    address: { type: "string" },
    password: { type: "string" },
    token: { type: "string" },
    device_id: { type: "string", minLength: 1 },
    initial_device_display_name: { type: "string" },
    refresh_token: { type: "boolean" },
  },
} as const;

/** GET /_matrix/client/v3/login */
export const getLoginFlows: EndpointDefinition<EmptyRequest, LoginFlowsResponseJson, "none"> = {
  name: "getLoginFlows",
  method: "GET",
  paths: clientPaths("/login"),
  auth: "none",
};

/** POST /_matrix/client/v3/login */
export const login: EndpointDefinition<{ body: LoginBodyJson }, SessionResponseJson, "none"> = {
  name: "login",
  method: "POST",
  paths: clientPaths("/login"),
  auth: "none",
  rateLimited: "login",
  bodySchema: loginBodySchema,
};
