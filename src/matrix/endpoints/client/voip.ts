/** GET /_matrix/client/v3/voip/turnServer — https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3voipturnserver */
import type { EndpointDefinition, EmptyRequest } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface TurnServerResponseJson {
  username: string;
  password: string;
  uris: string[];
  /** Seconds. */
  ttl: number;
}

export const getTurnServer: EndpointDefinition<EmptyRequest, TurnServerResponseJson | Record<string, never>, "accessToken"> = {
  name: "getTurnServer",
  method: "GET",
  paths: clientPaths("/voip/turnServer"),
  auth: "accessToken",
};
