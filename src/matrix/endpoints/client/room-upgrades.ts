/**
 * POST /_matrix/client/v3/rooms/{roomId}/upgrade
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidupgrade
 */
import type { JSONSchemaType } from "ajv";
import type { EndpointDefinition } from "../types.js";
import { clientPaths } from "./client-paths.js";

export interface UpgradeRoomBody {
  new_version: string;
  /** v1.16: creators besides the upgrader, for versions that have additional creators. */
  additional_creators?: string[];
}

export interface UpgradeRoomResponseJson {
  replacement_room: string;
}

const upgradeRoomBody: JSONSchemaType<UpgradeRoomBody> = {
  type: "object",
  required: ["new_version"],
  properties: {
    new_version: { type: "string" },
    additional_creators: { type: "array", items: { type: "string" }, nullable: true },
  },
};

export const upgradeRoom: EndpointDefinition<{ params: { roomId: string }; body: UpgradeRoomBody }, UpgradeRoomResponseJson, "accessToken"> = {
  name: "upgradeRoom",
  method: "POST",
  paths: clientPaths("/rooms/:roomId/upgrade"),
  auth: "accessToken",
  bodySchema: upgradeRoomBody,
};
