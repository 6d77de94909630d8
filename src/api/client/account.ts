import type {
  changePassword,
  deactivateAccount,
  requestTokenToResetPasswordEmail,
  requestTokenToResetPasswordMSISDN,
} from "../../matrix/endpoints/client/account.js";
import { ErrCode } from "../../matrix/errors.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import { refusal } from "./account-refusal.js";
import type { AccountService } from "../../services/users/account-service.js";

export interface AccountDeps {
  readonly accounts: Pick<AccountService, "changePassword" | "deactivate">;
}

/**
 * POST /_matrix/client/v3/account/password
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3accountpassword
 */
export function handleChangePassword(deps: AccountDeps): EndpointHandler<typeof changePassword> {
  return async (request) => {
    await deps.accounts.changePassword({
      requester: request.requester,
      accessToken: request.accessToken,
      auth: request.body.auth,
      newPassword: request.body.new_password,
      logoutDevices: request.body.logout_devices ?? true,
    });
    return {};
  };
}

/**
 * POST /_matrix/client/v3/account/deactivate
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3accountdeactivate
 *
 * The account has no third-party identifiers to unbind, so the result is `success` ("This must
 * be `success` if the homeserver has no identifiers to unbind for the user").
 */
export function handleDeactivateAccount(deps: AccountDeps): EndpointHandler<typeof deactivateAccount> {
  return async (request) => {
    await deps.accounts.deactivate(request.requester, request.body.auth, request.body.erase ?? false);
    return { id_server_unbind_result: "success" };
  };
}

/**
 * POST /_matrix/client/v3/account/password/email/requestToken
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3accountpasswordemailrequesttoken
 *
 * No account has an email address here, so none matches: 400 M_THREEPID_NOT_FOUND.
 */
export function handleRequestTokenToResetPasswordEmail(): EndpointHandler<typeof requestTokenToResetPasswordEmail> {
  return refusal(400, ErrCode.ThreepidNotFound, "No account has this email address");
}

/**
 * POST /_matrix/client/v3/account/password/msisdn/requestToken
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3accountpasswordmsisdnrequesttoken
 */
export function handleRequestTokenToResetPasswordMSISDN(): EndpointHandler<typeof requestTokenToResetPasswordMSISDN> {
  return refusal(400, ErrCode.ThreepidNotFound, "No account has this phone number");
}
