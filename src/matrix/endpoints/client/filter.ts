/**
 * Filters. https://spec.matrix.org/v1.19/client-server-api/#filtering
 * The body is checked by sync/filter-schema.ts (in the service), which names the bad field.
 */
import type { EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface DefineFilterResponseJson {
  filter_id: string;
}

/** POST /_matrix/client/v3/user/{userId}/filter */
export const defineFilter: EndpointDefinition<{ params: { userId: string }; body: Record<string, unknown> }, DefineFilterResponseJson, "accessToken"> = {
  name: "defineFilter",
  method: "POST",
  paths: clientPaths("/user/:userId/filter"),
  auth: "accessToken",
};

/** GET /_matrix/client/v3/user/{userId}/filter/{filterId} */
export const getFilter: EndpointDefinition<{ params: { userId: string; filterId: string } }, Record<string, unknown>, "accessToken"> = {
  name: "getFilter",
  method: "GET",
  paths: clientPaths("/user/:userId/filter/:filterId"),
  auth: "accessToken",
};
