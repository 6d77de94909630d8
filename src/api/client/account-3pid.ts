/**
 * Third-party identifiers of an account. This server keeps none (it sends no email or SMS and
 * trusts no identity server; `m.3pid_changes` is disabled in /capabilities): the list is empty,
 * additions are refused with the errcode each endpoint's spec gives for it, and removals have
 * nothing to remove. Guests may use none of these (the guest access module does not list them).
 * https://spec.matrix.org/v1.19/client-server-api/#adding-account-administrative-contact-information
 */
import type {
  add3PID,
  bind3PID,
  delete3pidFromAccount,
  getAccount3PIDs,
  post3PIDs,
  requestTokenTo3PIDEmail,
  requestTokenTo3PIDMSISDN,
  unbind3pidFromAccount,
} from "../../matrix/endpoints/client/account-3pid.js";
import { ErrCode } from "../../matrix/errors.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import { refusal } from "./account-refusal.js";
import { forbidGuests } from "./guest-access.js";

/** GET /_matrix/client/v3/account/3pid */
export function handleGetAccount3PIDs(): EndpointHandler<typeof getAccount3PIDs> {
  return (request) => {
    forbidGuests(request.requester);
    return { threepids: [] };
  };
}

/**
 * POST /_matrix/client/v3/account/3pid: "403 The credentials could not be verified with the
 * identity server" (M_THREEPID_AUTH_FAILED): no identity server is trusted to verify them.
 */
export function handlePost3PIDs(): EndpointHandler<typeof post3PIDs> {
  return refusal(403, ErrCode.ThreepidAuthFailed, "Third-party identifiers cannot be verified on this server");
}

/**
 * POST /_matrix/client/v3/account/3pid/add: `sid` must name a validation session this server
 * started, and it starts none, so authentication of the identifier fails (M_THREEPID_AUTH_FAILED).
 */
export function handleAdd3PID(): EndpointHandler<typeof add3PID> {
  return refusal(403, ErrCode.ThreepidAuthFailed, "No validated third-party identifier session has this sid");
}

/** POST /_matrix/client/v3/account/3pid/bind: the identity server named is not one this server trusts. */
export function handleBind3PID(): EndpointHandler<typeof bind3PID> {
  return refusal(403, ErrCode.ServerNotTrusted, "This server does not bind third-party identifiers through identity servers");
}

/**
 * POST /_matrix/client/v3/account/3pid/delete: the account has no such identifier, and no
 * identity server is known to unbind it from ("no-support").
 */
export function handleDelete3pidFromAccount(): EndpointHandler<typeof delete3pidFromAccount> {
  return (request) => {
    forbidGuests(request.requester);
    return { id_server_unbind_result: "no-support" };
  };
}

/** POST /_matrix/client/v3/account/3pid/unbind: as delete, nothing was bound through this server. */
export function handleUnbind3pidFromAccount(): EndpointHandler<typeof unbind3pidFromAccount> {
  return (request) => {
    forbidGuests(request.requester);
    return { id_server_unbind_result: "no-support" };
  };
}

/** POST /_matrix/client/v3/account/3pid/email/requestToken: "M_THREEPID_MEDIUM_NOT_SUPPORTED: The homeserver does not support adding email addresses." */
export function handleRequestTokenTo3PIDEmail(): EndpointHandler<typeof requestTokenTo3PIDEmail> {
  return refusal(400, ErrCode.ThreepidMediumNotSupported, "This server does not support adding email addresses");
}

/** POST /_matrix/client/v3/account/3pid/msisdn/requestToken */
export function handleRequestTokenTo3PIDMSISDN(): EndpointHandler<typeof requestTokenTo3PIDMSISDN> {
  return refusal(400, ErrCode.ThreepidMediumNotSupported, "This server does not support adding phone numbers");
}
