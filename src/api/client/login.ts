import { LoginType } from "../../matrix/endpoints/client/account-auth.js";
import { getLoginFlows, login, type LoginFlowJson, type SessionResponseJson } from "../../matrix/endpoints/client/login.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { LoginService } from "../../services/auth/login-service.js";
import type { IssuedSession } from "../../services/auth/session-service.js";

export interface LoginDeps {
  readonly serverName: string;
  readonly login: Pick<LoginService, "loginTypes" | "login">;
}

/**
 * GET /_matrix/client/v3/login
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3login
 *
 * Login tokens here come from `POST /login/get_token` (there is no SSO), so `m.login.token` is
 * offered with `get_login_token: true`.
 */
export function handleGetLoginFlows(deps: LoginDeps): EndpointHandler<typeof getLoginFlows> {
  const flow = (type: string): LoginFlowJson => (type === LoginType.Token ? { type, get_login_token: true } : { type });
  const response = { flows: deps.login.loginTypes().map(flow) };
  return () => response;
}

/**
 * POST /_matrix/client/v3/login
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3login
 */
export function handleLogin(deps: LoginDeps): EndpointHandler<typeof login> {
  return async (request) => {
    const body = request.body;
    const session = await deps.login.login({
      body,
      deviceId: body.device_id ?? null,
      initialDeviceDisplayName: body.initial_device_display_name ?? null,
      refreshToken: body.refresh_token === true,
      ip: request.ip,
      accessToken: request.accessToken,
    });
    return sessionResponse(session, deps.serverName);
  };
}

/** The wire form of a new session, as login and registration answer it. */
export function sessionResponse(session: IssuedSession, serverName: string): SessionResponseJson {
  const response: SessionResponseJson = {
    user_id: session.userId,
    access_token: session.accessToken,
    device_id: session.deviceId,
    home_server: serverName,
  };
  if (session.refreshToken !== null) response.refresh_token = session.refreshToken;
  if (session.expiresInMs !== null) response.expires_in_ms = session.expiresInMs;
  return response;
}
