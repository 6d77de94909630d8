/**
 * The space hierarchy. https://spec.matrix.org/v1.19/client-server-api/#spaces
 */
import type { getSpaceHierarchy } from "../../matrix/endpoints/client/space-hierarchy.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { SpaceHierarchyService } from "../../services/rooms/space-hierarchy.js";
import { requireRoomId } from "./path-checks.js";

export type SpaceHierarchyDeps = Pick<SpaceHierarchyService, "getHierarchy">;

/**
 * GET /_matrix/client/v1/rooms/{roomId}/hierarchy — https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy
 * Guests may call it (it reads only what they could peek at), as Synapse allows.
 */
export function handleGetSpaceHierarchy(deps: SpaceHierarchyDeps): EndpointHandler<typeof getSpaceHierarchy> {
  return ({ requester, params, query }) => {
    requireRoomId(params.roomId);
    return deps.getHierarchy(requester.userId, params.roomId, query);
  };
}
