import type { pingAppservice } from "../../matrix/endpoints/client/appservice.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { AppservicePinger } from "../../services/appservices/appservice-pinger.js";
import type { AppserviceRegistry } from "../../services/appservices/appservice-registry.js";

export interface AppserviceDeps {
  readonly registry: Pick<AppserviceRegistry, "findById">;
  readonly pinger: Pick<AppservicePinger, "ping">;
}

/**
 * POST /_matrix/client/v1/appservice/{appserviceId}/ping
 * https://spec.matrix.org/v1.19/application-service-api/#post_matrixclientv1appserviceappserviceidping
 * "the appservice ID in the path must be the same as the appservice whose `as_token` is being
 * used": anyone else is 403 M_FORBIDDEN.
 */
export function handlePingAppservice(deps: AppserviceDeps): EndpointHandler<typeof pingAppservice> {
  return async ({ requester, params, body }) => {
    const appservice = requester.appserviceId === params.appserviceId ? deps.registry.findById(params.appserviceId) : null;
    if (appservice === null) throw new MatrixError(403, ErrCode.Forbidden, "Provided access token is not the appservice's as_token");
    return { duration_ms: await deps.pinger.ping(appservice, body.transaction_id ?? null) };
  };
}
