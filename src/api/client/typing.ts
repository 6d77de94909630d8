import type { setTyping } from "../../matrix/endpoints/client/typing.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { TypingService } from "../../services/ephemeral/typing.js";
import { requireRoomId, requireSelf } from "./path-checks.js";

export type TypingDeps = Pick<TypingService, "setTyping">;

/** Typing timeout when a client sends `typing: true` without one (Synapse's default too). */
export const DEFAULT_TYPING_TIMEOUT_MS = 30_000;

/**
 * PUT /_matrix/client/v3/rooms/{roomId}/typing/{userId}
 * https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3roomsroomidtypinguserid
 */
export function handleSetTyping(deps: TypingDeps): EndpointHandler<typeof setTyping> {
  return async ({ requester, params, body }) => {
    requireSelf(requester, params.userId, "set typing state");
    requireRoomId(params.roomId);
    await deps.setTyping(params.userId, params.roomId, body.typing, body.timeout ?? DEFAULT_TYPING_TIMEOUT_MS);
    return {};
  };
}
