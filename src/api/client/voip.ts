import type { getTurnServer } from "../../matrix/endpoints/client/voip.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { TurnServerService } from "../../services/voip/turn-server.js";

export type VoipDeps = Pick<TurnServerService, "credentialsFor">;

/**
 * GET /_matrix/client/v3/voip/turnServer: `{}` when no TURN server is configured.
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3voipturnserver
 */
export function handleGetTurnServer(deps: VoipDeps): EndpointHandler<typeof getTurnServer> {
  return ({ requester }) => deps.credentialsFor(requester.userId) ?? {};
}
