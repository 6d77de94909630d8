/**
 * Room summaries. https://spec.matrix.org/v1.19/client-server-api/#room-summaries
 */
import type { getRoomSummary } from "../../matrix/endpoints/client/room-summary.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { AliasService } from "../../services/rooms/alias-service.js";
import type { RoomSummaryService } from "../../services/rooms/room-summary.js";

export interface RoomSummaryDeps {
  summaries: Pick<RoomSummaryService, "getRoomSummary">;
  aliases: Pick<AliasService, "resolveAlias">;
}

/**
 * GET /_matrix/client/v1/room_summary/{roomIdOrAlias} — https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1room_summaryroomidoralias
 * "Servers MAY allow unauthenticated access to this API if […] the room has a join rule of
 * `public`, `knock` or `knock_restricted` [or] a `world_readable` history visibility": Hearth
 * does. `via` names servers to ask for rooms this server does not hold; without federation it is
 * accepted and unused (such rooms are 404).
 */
export function handleGetRoomSummary(deps: RoomSummaryDeps): EndpointHandler<typeof getRoomSummary> {
  return async ({ requester, params }) => {
    const target = params.roomIdOrAlias;
    let roomId = target;
    if (target.startsWith("#")) roomId = (await deps.aliases.resolveAlias(target)).room_id;
    else if (!target.startsWith("!") || target.length < 2) throw new MatrixError(400, ErrCode.InvalidParam, `${target} is neither a room ID nor a room alias`);
    return deps.summaries.getRoomSummary(roomId, requester?.userId ?? null);
  };
}
