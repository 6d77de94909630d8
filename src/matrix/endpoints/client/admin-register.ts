/**
 * Synapse's shared-secret registration admin API, which tools such as register_new_matrix_user
 * use (DESIGN.md: `/_synapse/admin` for the admin calls that existing tools use).
 * https://element-hq.github.io/synapse/latest/admin_api/register_api.html
 */
import type { EmptyRequest, EndpointDefinition } from "../types.js";

export interface AdminRegisterBodyJson {
  nonce: string;
  username: string;
  password: string;
  /** Hex HMAC-SHA1 of nonce, username, password, admin flag (and user_type), NUL-separated. */
  mac: string;
  admin?: boolean;
  displayname?: string;
  user_type?: string | null;
}

export interface AdminRegisterResponseJson {
  user_id: string;
  access_token: string;
  device_id: string;
  home_server: string;
}

const PATH = "/_synapse/admin/v1/register";

/** GET /_synapse/admin/v1/register: a nonce for the next registration. */
export const getAdminRegisterNonce: EndpointDefinition<EmptyRequest, { nonce: string }, "none"> = {
  name: "getAdminRegisterNonce",
  method: "GET",
  paths: [PATH],
  auth: "none",
};

/** POST /_synapse/admin/v1/register */
export const adminRegister: EndpointDefinition<{ body: AdminRegisterBodyJson }, AdminRegisterResponseJson, "none"> = {
  name: "adminRegister",
  method: "POST",
  paths: [PATH],
  auth: "none",
  bodySchema: {
    type: "object",
    required: ["nonce", "username", "password", "mac"],
    properties: {
      nonce: { type: "string" },
      username: { type: "string", maxLength: 512 },
      password: { type: "string", maxLength: 512 },
      mac: { type: "string" },
      admin: { type: "boolean" },
      displayname: { type: "string" },
      user_type: { type: ["string", "null"] },
    },
  },
};
