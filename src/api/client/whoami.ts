import type { getTokenOwner, WhoamiResponseJson } from "../../matrix/endpoints/client/whoami.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";

/**
 * GET /_matrix/client/v3/account/whoami
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3accountwhoami
 */
export function handleGetTokenOwner(): EndpointHandler<typeof getTokenOwner> {
  return (request) => {
    const { userId, deviceId, isGuest } = request.requester;
    const response: WhoamiResponseJson = { user_id: userId, is_guest: isGuest };
    if (deviceId !== null) response.device_id = deviceId;
    return response;
  };
}
