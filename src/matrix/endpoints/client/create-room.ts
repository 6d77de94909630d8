/**
 * POST /_matrix/client/v3/createRoom
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3createroom
 *
 * The body is checked field by field by services/rooms/room-creation-request.ts (M_BAD_JSON for
 * wrong types, M_INVALID_PARAM for unusable values, M_UNSUPPORTED_ROOM_VERSION), so the schema
 * here only asks for an object.
 */
import type { JsonObject } from "../../pdu-json.js";
import type { EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface CreateRoomResponseJson {
  room_id: string;
}

export const createRoom: EndpointDefinition<{ body: JsonObject }, CreateRoomResponseJson, "accessToken"> = {
  name: "createRoom",
  method: "POST",
  paths: clientPaths("/createRoom"),
  auth: "accessToken",
};
