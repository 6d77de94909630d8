/**
 * GET /_matrix/key/v2/server
 * https://spec.matrix.org/v1.19/server-server-api/#get_matrixkeyv2server
 */
import type { EndpointDefinition } from "../types.js";

export interface VerifyKeyJson {
  /** Unpadded base64 public key. */
  key: string;
}

export interface OldVerifyKeyJson extends VerifyKeyJson {
  /** When the key stopped being used, in ms since the epoch. */
  expired_ts: number;
}

export interface ServerKeysJson {
  server_name: string;
  verify_keys: Record<string, VerifyKeyJson>;
  old_verify_keys: Record<string, OldVerifyKeyJson>;
  valid_until_ts: number;
  /** Server name → key ID → signature, by every key in `verify_keys`. */
  signatures: Record<string, Record<string, string>>;
}

export const getServerKeys: EndpointDefinition<{ params: { keyId?: string } }, ServerKeysJson, "none"> = {
  name: "getServerKeys",
  method: "GET",
  paths: [
    // Deprecated form naming one key ID, removed from the spec; servers still ask for it and
    // get the whole response, as from the plain form.
    "/_matrix/key/v2/server/:keyId",
    "/_matrix/key/v2/server",
  ],
  auth: "none",
};
