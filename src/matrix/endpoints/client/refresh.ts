/**
 * Refreshing an access token (added in v1.3, so v3 only).
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3refresh
 */
import type { EndpointDefinition } from "../types.js";

export interface RefreshBodyJson {
  refresh_token: string;
}

export interface RefreshResponseJson {
  access_token: string;
  refresh_token?: string;
  expires_in_ms?: number;
}

/** POST /_matrix/client/v3/refresh: authenticated by the refresh token, not an access token. */
export const refresh: EndpointDefinition<{ body: RefreshBodyJson }, RefreshResponseJson, "none"> = {
  name: "refresh",
  method: "POST",
  paths: ["/_matrix/client/v3/refresh"],
  auth: "none",
  bodySchema: {
    type: "object",
    required: ["refresh_token"],
    properties: { refresh_token: { type: "string" } },
  },
};
