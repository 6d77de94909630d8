/**
 * Profiles. https://spec.matrix.org/v1.19/client-server-api/#profiles
 * Before v1.16 only `displayname` and `avatar_url` had endpoints; since, any `keyName` does.
 * Keys and values are checked by services/profile/profile-fields.ts, whose error codes the spec
 * fixes (M_KEY_TOO_LARGE, M_MISSING_PARAM, …), so no schema here.
 */
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export type ProfileResponseJson = Record<string, unknown>;

/** GET /_matrix/client/v3/profile/{userId}: no authentication required. */
export const getUserProfile: EndpointDefinition<{ params: { userId: string } }, ProfileResponseJson, "optional"> = {
  name: "getUserProfile",
  method: "GET",
  paths: clientPaths("/profile/:userId"),
  auth: "optional",
};

/** GET /_matrix/client/v3/profile/{userId}/{keyName} */
export const getProfileField: EndpointDefinition<{ params: { userId: string; keyName: string } }, ProfileResponseJson, "optional"> = {
  name: "getProfileField",
  method: "GET",
  paths: clientPaths("/profile/:userId/:keyName"),
  auth: "optional",
};

/** PUT /_matrix/client/v3/profile/{userId}/{keyName} */
export const setProfileField: EndpointDefinition<{ params: { userId: string; keyName: string }; body: Record<string, unknown> }, EmptyRequest, "accessToken"> = {
  name: "setProfileField",
  method: "PUT",
  paths: clientPaths("/profile/:userId/:keyName"),
  auth: "accessToken",
};

/** DELETE /_matrix/client/v3/profile/{userId}/{keyName} (v1.16) */
export const deleteProfileField: EndpointDefinition<{ params: { userId: string; keyName: string } }, EmptyRequest, "accessToken"> = {
  name: "deleteProfileField",
  method: "DELETE",
  paths: ["/_matrix/client/v3/profile/:userId/:keyName"],
  auth: "accessToken",
  body: "none",
};
