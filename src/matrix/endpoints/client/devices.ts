/**
 * Device management.
 * https://spec.matrix.org/v1.19/client-server-api/#device-management
 */
import type { EmptyRequest, EndpointDefinition } from "../types.js";
import { authDataSchema, type AuthDataJson } from "./account-auth.js";
import { clientPaths } from "./client-paths.js";

export interface ClientDeviceJson {
  device_id: string;
  display_name?: string;
  last_seen_ip?: string;
  last_seen_ts?: number;
}

interface DeviceParams {
  params: { deviceId: string };
}

/** GET /_matrix/client/v3/devices */
export const getDevices: EndpointDefinition<EmptyRequest, { devices: ClientDeviceJson[] }, "accessToken"> = {
  name: "getDevices",
  method: "GET",
  paths: clientPaths("/devices"),
  auth: "accessToken",
};

/** GET /_matrix/client/v3/devices/{deviceId} */
export const getDevice: EndpointDefinition<DeviceParams, ClientDeviceJson, "accessToken"> = {
  name: "getDevice",
  method: "GET",
  paths: clientPaths("/devices/:deviceId"),
  auth: "accessToken",
};

/** PUT /_matrix/client/v3/devices/{deviceId} */
export const updateDevice: EndpointDefinition<DeviceParams & { body: { display_name?: string } }, EmptyRequest, "accessToken"> = {
  name: "updateDevice",
  method: "PUT",
  paths: clientPaths("/devices/:deviceId"),
  auth: "accessToken",
  bodySchema: { type: "object", properties: { display_name: { type: "string" } } },
};

/** DELETE /_matrix/client/v3/devices/{deviceId} (User-Interactive Authentication) */
export const deleteDevice: EndpointDefinition<DeviceParams & { body: { auth?: AuthDataJson } }, EmptyRequest, "accessToken"> = {
  name: "deleteDevice",
  method: "DELETE",
  paths: clientPaths("/devices/:deviceId"),
  auth: "accessToken",
  bodySchema: { type: "object", properties: { auth: authDataSchema } },
};

/** POST /_matrix/client/v3/delete_devices (User-Interactive Authentication) */
export const deleteDevices: EndpointDefinition<{ body: { devices: string[]; auth?: AuthDataJson } }, EmptyRequest, "accessToken"> = {
  name: "deleteDevices",
  method: "POST",
  paths: clientPaths("/delete_devices"),
  auth: "accessToken",
  bodySchema: {
    type: "object",
    required: ["devices"],
    properties: { devices: { type: "array", items: { type: "string" } }, auth: authDataSchema },
  },
};
