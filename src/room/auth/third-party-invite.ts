/**
 * Third-party invites in the authorization rules: the `signed` block of an invite's
 * `third_party_invite` must carry a signature by one of the public keys of the room's
 * `m.room.third_party_invite` event for the token.
 * https://spec.matrix.org/v1.19/rooms/v12/#authorisation-rules (rule 5.4.1)
 * https://spec.matrix.org/v1.19/server-server-api/#verifying-the-invite
 */
import { verifyJsonSignature } from "../../crypto/json-signing.js";
import { VerifyKey } from "../../crypto/signing-key.js";
import type { JsonObject } from "../../matrix/pdu-json.js";
import type { Pdu } from "../pdu.js";
import { AuthError } from "./auth-error.js";
import { type AuthState, membershipOf } from "./auth-state.js";
import { isJsonObject } from "../is-json-object.js";

/**
 * Rule 5.4.1 for an invite whose content has `third_party_invite`: allows (returns) or throws.
 * 1. target banned → reject; 2. no `signed` → reject; 3. no `mxid`/`token` → reject;
 * 4. `mxid` ≠ `state_key` → reject; 5. no `m.room.third_party_invite` for `token` → reject;
 * 6. sender ≠ that event's sender → reject; 7. a signature in `signed` verifies with
 * `public_key` or any `public_keys[].public_key` → allow; 8. otherwise reject.
 */
export function checkThirdPartyInvite(event: Pdu, target: string, state: AuthState): void {
  if (membershipOf(state, target) === "ban") throw new AuthError("third-party invite: the target is banned");
  const invite = event.content.third_party_invite;
  const signed = isJsonObject(invite) ? invite.signed : undefined;
  if (!isJsonObject(signed)) throw new AuthError("third-party invite: no signed block");
  if (!Object.hasOwn(signed, "mxid") || !Object.hasOwn(signed, "token")) {
    throw new AuthError("third-party invite: signed has no mxid or token");
  }
  if (signed.mxid !== target) throw new AuthError("third-party invite: mxid does not match the state_key");
  const token = signed.token;
  const thirdPartyInvite = typeof token === "string" ? state("m.room.third_party_invite", token) : undefined;
  if (thirdPartyInvite === undefined) throw new AuthError("third-party invite: no m.room.third_party_invite for the token");
  if (thirdPartyInvite.sender !== event.sender) {
    throw new AuthError("third-party invite: sender differs from the m.room.third_party_invite sender");
  }
  if (!isSignedByAnyKey(signed, publicKeys(thirdPartyInvite.content))) {
    throw new AuthError("third-party invite: no valid signature by the invite's public keys");
  }
}

/** `public_key` and each `public_keys[].public_key`, as given (unpadded base64). */
function publicKeys(content: JsonObject): string[] {
  const keys: string[] = [];
  if (typeof content.public_key === "string") keys.push(content.public_key);
  if (Array.isArray(content.public_keys)) {
    for (const entry of content.public_keys) {
      if (isJsonObject(entry) && typeof entry.public_key === "string") keys.push(entry.public_key);
    }
  }
  return keys;
}

/** Whether any signature in `signed.signatures` (any server, any ed25519 key ID) verifies with any key. */
function isSignedByAnyKey(signed: JsonObject, keys: readonly string[]): boolean {
  const signatures = signed.signatures;
  if (!isJsonObject(signatures)) return false;
  for (const [server, byKeyId] of Object.entries(signatures)) {
    if (!isJsonObject(byKeyId)) continue;
    for (const keyId of Object.keys(byKeyId)) {
      for (const key of keys) {
        const verifyKey = toVerifyKey(keyId, key);
        if (verifyKey !== null && verifyJsonSignature(signed, server, verifyKey)) return true;
      }
    }
  }
  return false;
}

/** A verify key for `keyId` from base64 bytes, or null when either is unusable. */
function toVerifyKey(keyId: string, publicKeyBase64: string): VerifyKey | null {
  try {
    return VerifyKey.fromBase64(keyId, publicKeyBase64);
  } catch {
    return null;
  }
}
