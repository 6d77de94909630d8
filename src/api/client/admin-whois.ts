import type { getWhoIs, WhoisConnectionJson } from "../../matrix/endpoints/client/admin-whois.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { DeviceService } from "../../services/users/device-service.js";

export interface WhoisDeps {
  readonly serverName: string;
  readonly devices: Pick<DeviceService, "listDevices">;
  /** Whether the user exists here, and is a server admin. */
  readonly userInfo: (userId: string) => Promise<{ isAdmin: boolean } | null>;
}

/**
 * GET /_matrix/client/v3/admin/whois/{userId}: "This API may be restricted to only be called by
 * the user being looked up, or by a server admin" — it is: anyone else gets 403 M_FORBIDDEN.
 * Each device is one session (its access tokens), with one connection: the last address and
 * time it was seen from (Hearth keeps no user agents).
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3adminwhoisuserid
 */
export function handleGetWhoIs(deps: WhoisDeps): EndpointHandler<typeof getWhoIs> {
  return async ({ requester, params }) => {
    const { userId } = params;
    if (requester.userId !== userId && (await deps.userInfo(requester.userId))?.isAdmin !== true) {
      throw new MatrixError(403, ErrCode.Forbidden, "Only server admins can look up other users.");
    }
    if (!userId.endsWith(`:${deps.serverName}`) || (await deps.userInfo(userId)) === null) {
      throw new MatrixError(404, ErrCode.NotFound, `${userId} is not a user of this server.`);
    }
    const devices: Record<string, { sessions: Array<{ connections: WhoisConnectionJson[] }> }> = {};
    for (const device of await deps.devices.listDevices(userId)) {
      const connection: WhoisConnectionJson = {};
      if (device.lastSeenIp !== null) connection.ip = device.lastSeenIp;
      if (device.lastSeenTs !== null) connection.last_seen = device.lastSeenTs;
      devices[device.deviceId] = { sessions: [{ connections: Object.keys(connection).length === 0 ? [] : [connection] }] };
    }
    return { user_id: userId, devices };
  };
}
