/** Presence. https://spec.matrix.org/v1.19/client-server-api/#presence */
import type { getPresence, setPresence } from "../../matrix/endpoints/client/presence.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { PresenceService } from "../../services/ephemeral/presence.js";
import { requireSelf } from "./path-checks.js";

export type PresenceDeps = Pick<PresenceService, "setPresence" | "getPresence">;

/** PUT /_matrix/client/v3/presence/{userId}/status — #put_matrixclientv3presenceuseridstatus */
export function handleSetPresence(deps: PresenceDeps): EndpointHandler<typeof setPresence> {
  return async ({ requester, params, body }) => {
    requireSelf(requester, params.userId, "set presence state");
    await deps.setPresence(params.userId, body.presence, body.status_msg ?? null);
    return {};
  };
}

/** GET /_matrix/client/v3/presence/{userId}/status — #get_matrixclientv3presenceuseridstatus */
export function handleGetPresence(deps: PresenceDeps): EndpointHandler<typeof getPresence> {
  return ({ requester, params }) => deps.getPresence(requester.userId, params.userId);
}
