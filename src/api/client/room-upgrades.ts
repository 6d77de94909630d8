import type { upgradeRoom } from "../../matrix/endpoints/client/room-upgrades.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { RoomUpgradeService } from "../../services/rooms/room-upgrade.js";
import { forbidGuests } from "./guest-access.js";
import { requireRoomId } from "./path-checks.js";

export type RoomUpgradeDeps = Pick<RoomUpgradeService, "upgradeRoom">;

/**
 * POST /_matrix/client/v3/rooms/{roomId}/upgrade
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidupgrade
 */
export function handleUpgradeRoom(deps: RoomUpgradeDeps): EndpointHandler<typeof upgradeRoom> {
  return async ({ requester, params, body }) => {
    forbidGuests(requester);
    requireRoomId(params.roomId);
    return { replacement_room: await deps.upgradeRoom(requester.userId, params.roomId, body.new_version, body.additional_creators) };
  };
}
