/**
 * Test vectors copied from the spec's appendix "Cryptographic Test Vectors".
 * https://spec.matrix.org/v1.19/appendices/#cryptographic-test-vectors
 */
import { decodeBase64 } from "../../src/crypto/base64.js";
import { SigningKey } from "../../src/crypto/signing-key.js";

export const SPEC_SEED_BASE64 = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";
export const SPEC_SERVER_NAME = "domain";
export const SPEC_KEY_ID = "ed25519:1";

/** The spec's signing key: SIGNING_KEY_SEED with key ID "ed25519:1". */
export function specSigningKey(): SigningKey {
  return SigningKey.fromSeed("1", decodeBase64(SPEC_SEED_BASE64));
}

/** "Given the following minimally-sized event" and what the event signing algorithm emits. */
export const MINIMAL_EVENT = {
  input: `{
    "room_id": "!x:domain",
    "sender": "@a:domain",
    "origin": "domain",
    "origin_server_ts": 1000000,
    "signatures": {},
    "hashes": {},
    "type": "X",
    "content": {},
    "prev_events": [],
    "auth_events": [],
    "depth": 3,
    "unsigned": {
        "age_ts": 1000000
    }
}`,
  output: `{
    "auth_events": [],
    "content": {},
    "depth": 3,
    "hashes": {
        "sha256": "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"
    },
    "origin": "domain",
    "origin_server_ts": 1000000,
    "prev_events": [],
    "room_id": "!x:domain",
    "sender": "@a:domain",
    "signatures": {
        "domain": {
            "ed25519:1": "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg"
        }
    },
    "type": "X",
    "unsigned": {
        "age_ts": 1000000
    }
}`,
};

/** "Given the following event containing redactable content" and the signed result. */
export const REDACTABLE_EVENT = {
  input: `{
    "content": {
        "body": "Here is the message content"
    },
    "event_id": "$0:domain",
    "origin": "domain",
    "origin_server_ts": 1000000,
    "type": "m.room.message",
    "room_id": "!r:domain",
    "sender": "@u:domain",
    "signatures": {},
    "unsigned": {
        "age_ts": 1000000
    }
}`,
  output: `{
    "content": {
        "body": "Here is the message content"
    },
    "event_id": "$0:domain",
    "hashes": {
        "sha256": "onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g"
    },
    "origin": "domain",
    "origin_server_ts": 1000000,
    "type": "m.room.message",
    "room_id": "!r:domain",
    "sender": "@u:domain",
    "signatures": {
        "domain": {
            "ed25519:1": "Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA"
        }
    },
    "unsigned": {
        "age_ts": 1000000
    }
}`,
};

/**
 * The keys the room version 1 redaction algorithm keeps at the top level. Redaction proper lives in
 * src/room; this stand-in only serves the two vectors above (whose content is fully redacted).
 */
const V1_KEPT_KEYS = new Set([
  "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures",
  "depth", "prev_events", "prev_state", "auth_events", "origin", "origin_server_ts", "membership",
]);

/** Redacts an event whose type keeps no content keys (as "X" and "m.room.message"). */
export function redactContentFully(event: Record<string, unknown>): Record<string, unknown> {
  const redacted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) if (V1_KEPT_KEYS.has(key)) redacted[key] = value;
  redacted.content = {};
  return redacted;
}
