/**
 * Account registration, username availability and registration token validity.
 * https://spec.matrix.org/v1.19/client-server-api/#legacy-account-registration
 */
import type { EndpointDefinition } from "../types.js";
import { authDataSchema, type AuthDataJson } from "./account-auth.js";
import { clientPaths } from "./client-paths.js";
import type { SessionResponseJson } from "./login.js";

export interface RegisterQueryJson {
  kind?: "guest" | "user";
}

export interface RegisterBodyJson {
  auth?: AuthDataJson;
  username?: string;
  password?: string;
  device_id?: string;
  initial_device_display_name?: string;
  inhibit_login?: boolean;
  refresh_token?: boolean;
  /** A guest's access token: the guest account is upgraded (guest access module). */
  guest_access_token?: string;
  [key: string]: unknown;
}

/** With `inhibit_login`, only `user_id` (and the deprecated `home_server`). */
export type RegisterResponseJson = Pick<SessionResponseJson, "user_id" | "home_server"> & Partial<SessionResponseJson>;

/** POST /_matrix/client/v3/register */
export const register: EndpointDefinition<{ query: RegisterQueryJson; body: RegisterBodyJson }, RegisterResponseJson, "none"> = {
  name: "register",
  method: "POST",
  paths: clientPaths("/register"),
  auth: "none",
  rateLimited: "registration",
  querySchema: {
    type: "object",
    properties: { kind: { type: "string", enum: ["guest", "user"] } },
  },
  bodySchema: {
    type: "object",
    properties: {
      auth: authDataSchema,
      username: { type: "string" },
      password: { type: "string" },
      device_id: { type: "string", minLength: 1 },
      initial_device_display_name: { type: "string" },
      inhibit_login: { type: "boolean" },
      refresh_token: { type: "boolean" },
      guest_access_token: { type: "string" },
    },
  },
};

/** GET /_matrix/client/v3/register/available?username= */
export const checkUsernameAvailability: EndpointDefinition<{ query: { username: string } }, { available: boolean }, "none"> = {
  name: "checkUsernameAvailability",
  method: "GET",
  paths: clientPaths("/register/available"),
  auth: "none",
  rateLimited: "registration",
  querySchema: {
    type: "object",
    required: ["username"],
    properties: { username: { type: "string" } },
  },
};

/**
 * GET /_matrix/client/v1/register/m.login.registration_token/validity?token= ("Servers should be
 * sure to rate limit this endpoint to avoid brute force attacks").
 */
export const registrationTokenValidity: EndpointDefinition<{ query: { token: string } }, { valid: boolean }, "none"> = {
  name: "registrationTokenValidity",
  method: "GET",
  paths: ["/_matrix/client/v1/register/m.login.registration_token/validity"],
  auth: "none",
  rateLimited: "registration",
  querySchema: {
    type: "object",
    required: ["token"],
    properties: { token: { type: "string" } },
  },
};
