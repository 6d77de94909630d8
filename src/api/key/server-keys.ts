import { signJson } from "../../crypto/json-signing.js";
import type { SigningKey } from "../../crypto/signing-key.js";
import type { getServerKeys, OldVerifyKeyJson, ServerKeysJson, VerifyKeyJson } from "../../matrix/endpoints/key/server-keys.js";
import type { EndpointHandler } from "../../http/endpoint-types.js";

export interface OldVerifyKey {
  readonly keyId: string;
  readonly publicKeyBase64: string;
  readonly expiredTs: number;
}

export interface ServerKeysDeps {
  readonly serverName: string;
  /** The current keys: published in `verify_keys`, and each signs the response. */
  readonly signingKeys: readonly SigningKey[];
  readonly oldVerifyKeys: () => Promise<readonly OldVerifyKey[]>;
  /** How far ahead `valid_until_ts` is set. */
  readonly validityPeriodMs: number;
  /** How long one signed response is served again; at most half the validity period. */
  readonly cacheTtlMs?: number;
  readonly now?: () => number;
}

const DEFAULT_CACHE_TTL_MS = 5 * 60_000;

/**
 * GET /_matrix/key/v2/server (and the deprecated /_matrix/key/v2/server/{keyId})
 * https://spec.matrix.org/v1.19/server-server-api/#get_matrixkeyv2server
 *
 * Other servers ask for this often, so one signed response is reused for a few minutes;
 * concurrent requests on a cache miss share one build.
 */
export function handleGetServerKeys(deps: ServerKeysDeps): EndpointHandler<typeof getServerKeys> {
  if (deps.signingKeys.length === 0) throw new Error("the key server needs at least one signing key");
  const now = deps.now ?? Date.now;
  const ttl = Math.min(deps.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, deps.validityPeriodMs / 2);
  let cached: { response: ServerKeysJson; expiresAt: number } | null = null;
  let building: Promise<ServerKeysJson> | null = null;

  const rebuild = async (): Promise<ServerKeysJson> => {
    try {
      const builtAt = now();
      const response = await buildServerKeys(deps, builtAt);
      cached = { response, expiresAt: builtAt + ttl };
      return response;
    } finally {
      building = null;
    }
  };

  return async () => {
    if (cached !== null && now() < cached.expiresAt) return cached.response;
    building ??= rebuild();
    return await building;
  };
}

/** The key document, signed by every current key. */
export async function buildServerKeys(deps: ServerKeysDeps, nowMs: number): Promise<ServerKeysJson> {
  const verifyKeys: Record<string, VerifyKeyJson> = {};
  for (const key of deps.signingKeys) verifyKeys[key.keyId] = { key: key.publicKeyBase64 };
  const oldVerifyKeys: Record<string, OldVerifyKeyJson> = {};
  for (const old of await deps.oldVerifyKeys()) {
    // A key both current and old is current: it must not be advertised as expired.
    if (!(old.keyId in verifyKeys)) oldVerifyKeys[old.keyId] = { key: old.publicKeyBase64, expired_ts: old.expiredTs };
  }
  let document: Omit<ServerKeysJson, "signatures"> & { signatures?: ServerKeysJson["signatures"] } = {
    server_name: deps.serverName,
    verify_keys: verifyKeys,
    old_verify_keys: oldVerifyKeys,
    valid_until_ts: nowMs + deps.validityPeriodMs,
  };
  for (const key of deps.signingKeys) document = signJson(document, deps.serverName, key);
  return document as ServerKeysJson;
}
