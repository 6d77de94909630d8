/**
 * Ed25519 server signing keys and the verify keys of other servers.
 * https://spec.matrix.org/v1.19/appendices/#signing-details
 * https://spec.matrix.org/v1.19/server-server-api/#retrieving-server-keys
 *
 * The node:crypto KeyObjects are built once per key; signing and verifying reuse them.
 *
 * Key file format (Synapse's `signing.key`, so keys move between servers): one key per line,
 * `ed25519 <version> <unpadded base64 seed>`.
 */
import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from "node:crypto";
import { decodeBase64, encodeBase64 } from "./base64.js";
import { randomString } from "./random-string.js";

export const ED25519 = "ed25519";

/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows. */
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
/** DER prefix of an SPKI Ed25519 public key; the 32 raw bytes follow. */
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
/** "Key IDs … version must have characters matching the regular expression [a-zA-Z0-9_]." */
const KEY_VERSION = /^[A-Za-z0-9_]+$/;

export class SigningKey {
  readonly algorithm = ED25519;
  /** The key ID without the algorithm, e.g. "a_AbCd". */
  readonly version: string;
  /** "ed25519:" + version. */
  readonly keyId: string;
  /** The 32-byte private seed. */
  readonly seed: Buffer;
  /** The 32-byte public key. */
  readonly publicKey: Buffer;
  readonly publicKeyBase64: string;
  private readonly privateKeyObject: KeyObject;
  private readonly verifier: VerifyKey;

  private constructor(version: string, seed: Buffer) {
    this.version = version;
    this.keyId = `${ED25519}:${version}`;
    this.seed = seed;
    this.privateKeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
    const publicKeyObject = createPublicKey(this.privateKeyObject);
    this.publicKey = publicKeyObject.export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length);
    this.publicKeyBase64 = encodeBase64(this.publicKey);
    this.verifier = new VerifyKey(this.keyId, this.publicKey, publicKeyObject);
  }

  /** A fresh random key; the version defaults to "a_" plus four random alphanumerics (as Synapse does). */
  static generate(version: string = `a_${randomString(4)}`): SigningKey {
    return SigningKey.fromSeed(version, randomBytes(KEY_BYTES));
  }

  static fromSeed(version: string, seed: Uint8Array): SigningKey {
    if (!KEY_VERSION.test(version)) throw new Error(`invalid signing key version ${JSON.stringify(version)}: expected [A-Za-z0-9_]+`);
    if (seed.length !== KEY_BYTES) throw new Error(`an ed25519 seed is ${KEY_BYTES} bytes, got ${seed.length}`);
    return new SigningKey(version, Buffer.from(seed));
  }

  /** The unpadded base64 Ed25519 signature of `message`. */
  sign(message: Uint8Array): string {
    return encodeBase64(this.signBytes(message));
  }

  /** The raw 64-byte signature of `message`. */
  signBytes(message: Uint8Array): Buffer {
    return sign(null, message, this.privateKeyObject);
  }

  verifyKey(): VerifyKey {
    return this.verifier;
  }

  /** Keeps the seed out of logs. */
  toJSON(): { keyId: string; publicKey: string } {
    return { keyId: this.keyId, publicKey: this.publicKeyBase64 };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `SigningKey(${this.keyId})`;
  }
}

export class VerifyKey {
  readonly algorithm = ED25519;
  /** e.g. "ed25519:a_AbCd". */
  readonly keyId: string;
  readonly version: string;
  readonly publicKey: Buffer;
  readonly publicKeyBase64: string;
  private readonly publicKeyObject: KeyObject;

  /** `publicKey` is the raw 32-byte Ed25519 public key. */
  constructor(keyId: string, publicKey: Uint8Array, publicKeyObject?: KeyObject) {
    const colon = keyId.indexOf(":");
    if (colon < 0 || keyId.slice(0, colon) !== ED25519 || colon === keyId.length - 1) {
      throw new Error(`unsupported key ID ${JSON.stringify(keyId)}: expected "ed25519:<version>"`);
    }
    if (publicKey.length !== KEY_BYTES) throw new Error(`an ed25519 public key is ${KEY_BYTES} bytes, got ${publicKey.length}`);
    this.keyId = keyId;
    this.version = keyId.slice(colon + 1);
    this.publicKey = Buffer.from(publicKey);
    this.publicKeyBase64 = encodeBase64(this.publicKey);
    this.publicKeyObject =
      publicKeyObject ?? createPublicKey({ key: Buffer.concat([SPKI_PREFIX, this.publicKey]), format: "der", type: "spki" });
  }

  /** A verify key from its key ID and unpadded (or padded) base64 public key, as in /_matrix/key/v2. */
  static fromBase64(keyId: string, publicKeyBase64: string): VerifyKey {
    return new VerifyKey(keyId, decodeBase64(publicKeyBase64));
  }

  /** Whether `signatureBase64` is this key's signature of `message`; false for any malformed signature. */
  verify(message: Uint8Array, signatureBase64: string): boolean {
    let signature: Buffer;
    try {
      signature = decodeBase64(signatureBase64);
    } catch {
      return false;
    }
    return this.verifyBytes(message, signature);
  }

  /** As verify(), with the raw signature bytes. */
  verifyBytes(message: Uint8Array, signature: Uint8Array): boolean {
    if (signature.length !== SIGNATURE_BYTES) return false;
    try {
      return verify(null, message, this.publicKeyObject, signature);
    } catch {
      return false;
    }
  }
}

/**
 * Reads a Synapse-format signing key file. Blank lines and lines starting with "#" are skipped;
 * any other line must be `ed25519 <version> <base64 seed>`.
 */
export function parseSigningKeyFile(text: string): SigningKey[] {
  const keys: SigningKey[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === "" || line.startsWith("#")) continue;
    try {
      keys.push(parseKeyLine(line));
    } catch (err) {
      throw new Error(`signing key file, line ${i + 1}: ${(err as Error).message}`, { cause: err });
    }
  }
  return keys;
}

function parseKeyLine(line: string): SigningKey {
  const fields = line.split(/\s+/);
  if (fields.length !== 3) throw new Error(`expected "ed25519 <version> <base64 seed>", got ${fields.length} field(s)`);
  const [algorithm, version, seedBase64] = fields as [string, string, string];
  if (algorithm !== ED25519) throw new Error(`unsupported algorithm ${JSON.stringify(algorithm)}`);
  let seed: Buffer;
  try {
    seed = decodeBase64(seedBase64);
  } catch (err) {
    throw new Error(`seed: ${(err as Error).message}`);
  }
  return SigningKey.fromSeed(version, seed);
}

/** Writes keys in the format parseSigningKeyFile reads: one line each, newline-terminated. */
export function formatSigningKeyFile(keys: readonly SigningKey[]): string {
  let out = "";
  for (const key of keys) out += `${key.algorithm} ${key.version} ${encodeBase64(key.seed)}\n`;
  return out;
}
