import type { adminRegister, getAdminRegisterNonce } from "../../matrix/endpoints/client/admin-register.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";
import type { SharedSecretRegistration } from "../../services/auth/shared-secret-registration.js";

export interface AdminRegisterDeps {
  readonly serverName: string;
  readonly sharedSecret: Pick<SharedSecretRegistration, "newNonce" | "register">;
}

/**
 * GET /_synapse/admin/v1/register
 * https://element-hq.github.io/synapse/latest/admin_api/register_api.html
 */
export function handleGetAdminRegisterNonce(deps: AdminRegisterDeps): EndpointHandler<typeof getAdminRegisterNonce> {
  return () => ({ nonce: deps.sharedSecret.newNonce() });
}

/** POST /_synapse/admin/v1/register */
export function handleAdminRegister(deps: AdminRegisterDeps): EndpointHandler<typeof adminRegister> {
  return async (request) => {
    const body = request.body;
    const session = await deps.sharedSecret.register({
      nonce: body.nonce,
      username: body.username,
      password: body.password,
      admin: body.admin ?? false,
      displayname: body.displayname,
      userType: body.user_type,
      mac: body.mac,
      ip: request.ip,
    });
    return { user_id: session.userId, access_token: session.accessToken, device_id: session.deviceId, home_server: deps.serverName };
  };
}
