import type { requestTokenToRegisterEmail, requestTokenToRegisterMSISDN } from "../../matrix/endpoints/client/register-request-token.js";
import { ErrCode } from "../../matrix/errors.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import { refusal } from "./account-refusal.js";

/**
 * POST /_matrix/client/v3/register/email/requestToken
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3registeremailrequesttoken
 *
 * This server neither sends email nor trusts identity servers, so it permits no address to be
 * bound: 403 M_THREEPID_DENIED ("The homeserver does not permit the address to be bound").
 */
export function handleRequestTokenToRegisterEmail(): EndpointHandler<typeof requestTokenToRegisterEmail> {
  return refusal(403, ErrCode.ThreepidDenied, "Registering with an email address is not supported on this server");
}

/**
 * POST /_matrix/client/v3/register/msisdn/requestToken
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3registermsisdnrequesttoken
 */
export function handleRequestTokenToRegisterMSISDN(): EndpointHandler<typeof requestTokenToRegisterMSISDN> {
  return refusal(403, ErrCode.ThreepidDenied, "Registering with a phone number is not supported on this server");
}
