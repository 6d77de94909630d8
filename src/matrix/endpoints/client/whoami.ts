/**
 * Who an access token belongs to.
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3accountwhoami
 */
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface WhoamiResponseJson {
  user_id: string;
  /** Absent for tokens without a device (appservices). */
  device_id?: string;
  is_guest?: boolean;
}

/** GET /_matrix/client/v3/account/whoami */
export const getTokenOwner: EndpointDefinition<EmptyRequest, WhoamiResponseJson, "accessToken"> = {
  name: "getTokenOwner",
  method: "GET",
  paths: clientPaths("/account/whoami"),
  auth: "accessToken",
};
