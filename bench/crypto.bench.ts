/**
 * Throughput of the src/crypto hot paths: Ed25519 signing and verifying (node:crypto, with
 * tweetnacl for comparison), canonical JSON, content/reference hashes and whole-event signing.
 */
import nacl from "tweetnacl";
import { canonicalJson } from "../src/crypto/canonical-json.js";
import { computeContentHash, computeReferenceHash } from "../src/crypto/hashes.js";
import { signJson, verifyJsonSignature } from "../src/crypto/json-signing.js";
import { SigningKey } from "../src/crypto/signing-key.js";
import { measure } from "./measure.js";

/** A typical m.room.message PDU as received over federation (room version 10). */
function typicalPdu(): Record<string, unknown> {
  return {
    auth_events: [
      "$Ln7MEFgCpB_OSuOPVOvZGIiJDWKWSqBr8KNm3Nk5jqw",
      "$hH6KPoZPaxTuMbX6ZCxWLUa13YD9JdE0dSrxDyCbOTg",
      "$o1Rw4mI3v3x7Bm3xiz_KwRbsNpUgWXNQVRaW0gINjdI",
    ],
    content: {
      body: "Hello there! How are you doing today? 👋",
      format: "org.matrix.custom.html",
      formatted_body: "<p>Hello there! How are you doing <em>today</em>? 👋</p>",
      msgtype: "m.text",
      "m.mentions": { user_ids: ["@bob:example.org"] },
    },
    depth: 1234,
    hashes: { sha256: "O3xwgLR6bWhMv7T+3oKUH2NPzXbXJbH9Y8FJQmVT1Vs" },
    origin: "example.org",
    origin_server_ts: 1_700_000_000_000,
    prev_events: ["$e8GGHW0T3x8dnqy3P2fzMxR8pP4XbUpYlH3KT5oVGbI"],
    room_id: "!OGEhHVWSdvArJzumhm:matrix.org",
    sender: "@alice:example.org",
    signatures: {
      "example.org": {
        "ed25519:a_AbCd": "Ca5ZbLrLsXfNGwLsfUxzLCRBT5aJ1vz2rMF3rnnUFpmbvLwsnjRnLZmL+/6kbCrGvBLDBbjmaQGVJ7Dm6wEcBw",
      },
    },
    type: "m.room.message",
    unsigned: { age_ts: 1_700_000_000_000 },
  };
}

export async function run(): Promise<void> {
  const key = SigningKey.generate();
  const verifyKey = key.verifyKey();
  const message = Buffer.from(canonicalJson(typicalPdu()), "utf8");
  const signature = key.sign(message);
  const signatureBytes = Buffer.from(signature, "base64");
  const naclPair = nacl.sign.keyPair.fromSeed(key.seed);
  const pdu = typicalPdu();
  const signedPdu = signJson(pdu, "example.org", key);

  console.log(`  (message: a ${message.length}-byte canonical PDU)`);
  measure("ed25519 sign (ours, node:crypto)", () => key.sign(message));
  measure("ed25519 sign (tweetnacl)", () => nacl.sign.detached(message, naclPair.secretKey));
  measure("ed25519 verify (ours, node:crypto)", () => verifyKey.verify(message, signature));
  measure("ed25519 verify (tweetnacl)", () => nacl.sign.detached.verify(message, signatureBytes, naclPair.publicKey));
  measure("canonical JSON of a typical PDU", () => canonicalJson(pdu));
  measure("JSON.stringify of the same PDU (floor)", () => JSON.stringify(pdu));
  measure("content hash of a typical PDU", () => computeContentHash(pdu));
  measure("reference hash of a typical PDU", () => computeReferenceHash(pdu));
  measure("signJson of a typical PDU", () => signJson(pdu, "example.org", key));
  measure("verifyJsonSignature of a typical PDU", () => verifyJsonSignature(signedPdu, "example.org", verifyKey));
  measure("SigningKey.fromSeed (key objects built once)", () => SigningKey.fromSeed("a", key.seed));
}
