import type { ClientDeviceJson, deleteDevice, deleteDevices, getDevice, getDevices, updateDevice } from "../../matrix/endpoints/client/devices.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { AccountService } from "../../services/users/account-service.js";
import type { DeviceInfo, DeviceService } from "../../services/users/device-service.js";

export interface DevicesDeps {
  readonly devices: Pick<DeviceService, "listDevices" | "getDevice" | "renameDevice">;
  readonly accounts: Pick<AccountService, "deleteDevices">;
}

/**
 * GET /_matrix/client/v3/devices
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3devices
 */
export function handleGetDevices(deps: DevicesDeps): EndpointHandler<typeof getDevices> {
  return async (request) => ({ devices: (await deps.devices.listDevices(request.requester.userId)).map(deviceJson) });
}

/**
 * GET /_matrix/client/v3/devices/{deviceId}
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3devicesdeviceid
 */
export function handleGetDevice(deps: DevicesDeps): EndpointHandler<typeof getDevice> {
  return async (request) => deviceJson(await deps.devices.getDevice(request.requester.userId, request.params.deviceId));
}

/**
 * PUT /_matrix/client/v3/devices/{deviceId}: updates a device's name. Creating devices is for
 * application services only, so an unknown device is 404.
 * https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3devicesdeviceid
 */
export function handleUpdateDevice(deps: DevicesDeps): EndpointHandler<typeof updateDevice> {
  return async (request) => {
    await deps.devices.renameDevice(request.requester.userId, request.params.deviceId, request.body.display_name);
    return {};
  };
}

/**
 * DELETE /_matrix/client/v3/devices/{deviceId}: behind User-Interactive Authentication; a device
 * already gone is still a success ("or had been removed previously").
 * https://spec.matrix.org/v1.19/client-server-api/#delete_matrixclientv3devicesdeviceid
 */
export function handleDeleteDevice(deps: DevicesDeps): EndpointHandler<typeof deleteDevice> {
  return async (request) => {
    const { deviceId } = request.params;
    await deps.accounts.deleteDevices(request.requester, request.body.auth, [deviceId], `DELETE /devices/${deviceId}`);
    return {};
  };
}

/**
 * POST /_matrix/client/v3/delete_devices
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3delete_devices
 */
export function handleDeleteDevices(deps: DevicesDeps): EndpointHandler<typeof deleteDevices> {
  return async (request) => {
    await deps.accounts.deleteDevices(request.requester, request.body.auth, request.body.devices, "POST /delete_devices");
    return {};
  };
}

function deviceJson(row: DeviceInfo): ClientDeviceJson {
  const json: ClientDeviceJson = { device_id: row.deviceId };
  if (row.displayName !== null) json.display_name = row.displayName;
  if (row.lastSeenIp !== null) json.last_seen_ip = row.lastSeenIp;
  if (row.lastSeenTs !== null) json.last_seen_ts = row.lastSeenTs;
  return json;
}
