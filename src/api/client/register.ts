import type { checkUsernameAvailability, register, RegisterResponseJson, registrationTokenValidity } from "../../matrix/endpoints/client/register.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import { LoginType } from "../../matrix/endpoints/client/account-auth.js";
import type { Registered, RegistrationService } from "../../services/users/registration-service.js";
import { sessionResponse } from "./login.js";

export interface RegisterDeps {
  readonly serverName: string;
  readonly registration: Pick<RegistrationService, "register" | "registerGuest" | "registerAppservice" | "checkAvailable" | "isTokenValid">;
}

/**
 * POST /_matrix/client/v3/register
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3register
 * `type: m.login.application_service` with an `as_token`:
 * https://spec.matrix.org/v1.19/application-service-api/#server-admin-style-permissions
 */
export function handleRegister(deps: RegisterDeps): EndpointHandler<typeof register> {
  return async (request) => {
    const registered = await registerFrom(deps, request);
    if (registered.session === null) return { user_id: registered.userId, home_server: deps.serverName } satisfies RegisterResponseJson;
    return sessionResponse(registered.session, deps.serverName);
  };
}

function registerFrom(deps: RegisterDeps, request: Parameters<EndpointHandler<typeof register>>[0]): Promise<Registered> {
  const body = request.body;
  if (request.query.kind === "guest") return deps.registration.registerGuest(body.initial_device_display_name ?? null, request.ip);
  const login = {
    username: body.username,
    deviceId: body.device_id,
    initialDeviceDisplayName: body.initial_device_display_name,
    inhibitLogin: body.inhibit_login,
    refreshToken: body.refresh_token,
    ip: request.ip,
  };
  if (body.type === LoginType.ApplicationService) return deps.registration.registerAppservice({ ...login, accessToken: request.accessToken });
  return deps.registration.register({ ...login, auth: body.auth, password: body.password, guestAccessToken: body.guest_access_token });
}

/**
 * GET /_matrix/client/v3/register/available
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3registeravailable
 */
export function handleCheckUsernameAvailability(deps: RegisterDeps): EndpointHandler<typeof checkUsernameAvailability> {
  return async (request) => {
    await deps.registration.checkAvailable(request.query.username);
    return { available: true };
  };
}

/**
 * GET /_matrix/client/v1/register/m.login.registration_token/validity
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1registermloginregistration_tokenvalidity
 */
export function handleRegistrationTokenValidity(deps: RegisterDeps): EndpointHandler<typeof registrationTokenValidity> {
  return async (request) => ({ valid: await deps.registration.isTokenValid(request.query.token) });
}
