/**
 * Logging out one session, or all of a user's.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3logout
 */
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

/** POST /_matrix/client/v3/logout */
export const logout: EndpointDefinition<EmptyRequest, EmptyRequest, "accessToken"> = {
  name: "logout",
  method: "POST",
  paths: clientPaths("/logout"),
  auth: "accessToken",
};

/** POST /_matrix/client/v3/logout/all */
export const logoutAll: EndpointDefinition<EmptyRequest, EmptyRequest, "accessToken"> = {
  name: "logout_all",
  method: "POST",
  paths: clientPaths("/logout/all"),
  auth: "accessToken",
};
