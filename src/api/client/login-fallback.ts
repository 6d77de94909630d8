/**
 * The login fallback page, offered while password login is: the page logs in with it.
 * https://spec.matrix.org/v1.19/client-server-api/#login-fallback
 */
import { LoginType } from "../../matrix/endpoints/client/account-auth.js";
import type { getLoginFallback } from "../../matrix/endpoints/client/login-fallback.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { LoginService } from "../../services/auth/login-service.js";
import { loginFallbackPage } from "./login-fallback-page.js";

export interface LoginFallbackDeps {
  readonly serverName: string;
  readonly login: Pick<LoginService, "loginTypes">;
}

/**
 * GET /_matrix/static/client/login/
 * https://spec.matrix.org/v1.19/client-server-api/#login-fallback
 *
 * Without `m.login.password` among the login types the page could not log anyone in: 404
 * M_UNRECOGNIZED, as for an endpoint the server does not have.
 */
export function handleGetLoginFallback(deps: LoginFallbackDeps): EndpointHandler<typeof getLoginFallback> {
  const page = loginFallbackPage(deps.serverName);
  return () => {
    if (!deps.login.loginTypes().includes(LoginType.Password)) {
      throw new MatrixError(404, ErrCode.Unrecognized, "Password login is not available on this server");
    }
    return page;
  };
}
