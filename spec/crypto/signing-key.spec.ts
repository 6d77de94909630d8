import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import nacl from "tweetnacl";
import { decodeBase64, encodeBase64 } from "../../src/crypto/base64.js";
import { SigningKey, VerifyKey, formatSigningKeyFile, parseSigningKeyFile } from "../../src/crypto/signing-key.js";
import { SPEC_SEED_BASE64, specSigningKey } from "./spec-vectors.js";

/** tweetnacl's key pair for a seed: the independent oracle. */
function naclKeyPair(seed: Uint8Array): nacl.SignKeyPair {
  return nacl.sign.keyPair.fromSeed(seed);
}

describe("SigningKey", () => {
  it("derives the spec test key's public key as tweetnacl does", () => {
    const key = specSigningKey();
    const expected = naclKeyPair(decodeBase64(SPEC_SEED_BASE64)).publicKey;
    expect(key.publicKeyBase64).to.equal(encodeBase64(expected));
    expect(key.publicKeyBase64).to.equal("XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI");
    expect(key.keyId).to.equal("ed25519:1");
    expect(key.version).to.equal("1");
    expect(key.algorithm).to.equal("ed25519");
    expect(key.seed.equals(decodeBase64(SPEC_SEED_BASE64))).to.equal(true);
  });

  it("signs exactly as tweetnacl does (Ed25519 is deterministic), for random keys and messages", () => {
    for (let i = 0; i < 50; i++) {
      const seed = randomBytes(32);
      const message = randomBytes(i * 7);
      const ours = SigningKey.fromSeed("k", seed).sign(message);
      const theirs = nacl.sign.detached(message, naclKeyPair(seed).secretKey);
      expect(ours).to.equal(encodeBase64(theirs));
    }
  });

  it("produces signatures tweetnacl verifies", () => {
    const key = SigningKey.generate();
    const message = randomBytes(300);
    const ok = nacl.sign.detached.verify(message, decodeBase64(key.sign(message)), decodeBase64(key.publicKeyBase64));
    expect(ok).to.equal(true);
  });

  it("does not alias the seed it was given", () => {
    const seed = randomBytes(32);
    const key = SigningKey.fromSeed("k", seed);
    const before = key.sign(Buffer.from("x"));
    seed.fill(0);
    expect(key.sign(Buffer.from("x"))).to.equal(before);
  });

  it("generates random keys with a version of a_ and four alphanumerics", () => {
    const a = SigningKey.generate();
    const b = SigningKey.generate();
    expect(a.version).to.match(/^a_[A-Za-z0-9]{4}$/);
    expect(a.keyId).to.equal(`ed25519:${a.version}`);
    expect(a.seed.length).to.equal(32);
    expect(a.seed.equals(b.seed)).to.equal(false);
    expect(SigningKey.generate("mine").keyId).to.equal("ed25519:mine");
  });

  it("rejects a bad version or seed length", () => {
    expect(() => SigningKey.fromSeed("", randomBytes(32))).to.throw(/version/);
    expect(() => SigningKey.fromSeed("a:b", randomBytes(32))).to.throw(/version/);
    expect(() => SigningKey.fromSeed("a b", randomBytes(32))).to.throw(/version/);
    expect(() => SigningKey.fromSeed("ok", randomBytes(31))).to.throw(/32 bytes/);
    expect(() => SigningKey.fromSeed("ok", randomBytes(64))).to.throw(/32 bytes/);
  });

  it("keeps the seed out of JSON and inspect output", () => {
    const key = specSigningKey();
    const seedText = encodeBase64(key.seed);
    expect(JSON.stringify(key)).not.to.contain(seedText);
    expect(JSON.stringify(key)).to.contain(key.publicKeyBase64);
    expect(inspect(key)).to.equal("SigningKey(ed25519:1)");
  });

  it("hands out its verify key", () => {
    const key = SigningKey.generate();
    const verifyKey = key.verifyKey();
    expect(verifyKey.keyId).to.equal(key.keyId);
    expect(verifyKey.publicKeyBase64).to.equal(key.publicKeyBase64);
    expect(verifyKey.verify(Buffer.from("m"), key.sign(Buffer.from("m")))).to.equal(true);
  });
});

describe("VerifyKey", () => {
  const seed = randomBytes(32);
  const pair = naclKeyPair(seed);
  const verifyKey = VerifyKey.fromBase64("ed25519:x", encodeBase64(pair.publicKey));
  const message = Buffer.from("a message");
  const signature = nacl.sign.detached(message, pair.secretKey);

  it("verifies tweetnacl's signatures on random messages", () => {
    for (let i = 0; i < 30; i++) {
      const m = randomBytes(i * 11);
      expect(verifyKey.verify(m, encodeBase64(nacl.sign.detached(m, pair.secretKey)))).to.equal(true);
    }
  });

  it("accepts a padded signature", () => {
    expect(verifyKey.verify(message, Buffer.from(signature).toString("base64"))).to.equal(true);
  });

  it("refuses a changed message", () => {
    expect(verifyKey.verify(Buffer.from("a messagE"), encodeBase64(signature))).to.equal(false);
  });

  it("refuses a changed signature", () => {
    const bad = Buffer.from(signature);
    bad[10] = (bad[10] as number) ^ 1;
    expect(verifyKey.verify(message, encodeBase64(bad))).to.equal(false);
  });

  it("refuses another key's signature", () => {
    const other = SigningKey.generate();
    expect(verifyKey.verify(message, other.sign(message))).to.equal(false);
  });

  for (const [label, text] of [
    ["an empty signature", ""],
    ["invalid base64", "!!!!"],
    ["a short signature", encodeBase64(signature.subarray(0, 63))],
    ["a long signature", encodeBase64(Buffer.concat([signature, Buffer.from([0])]))],
    ["all zero bytes", encodeBase64(Buffer.alloc(64))],
    ["all 0xff bytes (s out of range)", encodeBase64(Buffer.alloc(64, 0xff))],
  ] as Array<[string, string]>) {
    it(`returns false, without throwing, for ${label}`, () => {
      expect(verifyKey.verify(message, text)).to.equal(false);
    });
  }

  it("accepts a padded public key and exposes the unpadded form", () => {
    const padded = Buffer.from(pair.publicKey).toString("base64");
    expect(padded.endsWith("=")).to.equal(true);
    const key = VerifyKey.fromBase64("ed25519:x", padded);
    expect(key.publicKeyBase64).to.equal(encodeBase64(pair.publicKey));
    expect(key.version).to.equal("x");
  });

  it("rejects other algorithms, missing versions and wrong key lengths", () => {
    const b64 = encodeBase64(pair.publicKey);
    expect(() => VerifyKey.fromBase64("curve25519:x", b64)).to.throw(/key ID/);
    expect(() => VerifyKey.fromBase64("ed25519", b64)).to.throw(/key ID/);
    expect(() => VerifyKey.fromBase64("ed25519:", b64)).to.throw(/key ID/);
    expect(() => VerifyKey.fromBase64("ed25519:x", encodeBase64(randomBytes(31)))).to.throw(/32 bytes/);
    expect(() => VerifyKey.fromBase64("ed25519:x", "not base64!")).to.throw(/base64/);
  });
});

describe("signing key files", () => {
  it("reads Synapse's one-line format", () => {
    const [key, ...rest] = parseSigningKeyFile(`ed25519 a_AbCd ${SPEC_SEED_BASE64}\n`);
    expect(rest).to.have.length(0);
    expect(key?.keyId).to.equal("ed25519:a_AbCd");
    expect(key?.seed.equals(decodeBase64(SPEC_SEED_BASE64))).to.equal(true);
  });

  it("writes one unpadded line per key", () => {
    const a = SigningKey.fromSeed("a_AbCd", decodeBase64(SPEC_SEED_BASE64));
    const b = SigningKey.generate("b_1");
    expect(formatSigningKeyFile([a, b])).to.equal(
      `ed25519 a_AbCd YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0\ned25519 b_1 ${encodeBase64(b.seed)}\n`,
    );
    expect(formatSigningKeyFile([])).to.equal("");
  });

  it("round-trips keys, which then sign identically", () => {
    const keys = [SigningKey.generate(), SigningKey.generate(), SigningKey.generate("v_2")];
    const back = parseSigningKeyFile(formatSigningKeyFile(keys));
    expect(back.map((k) => k.keyId)).to.deep.equal(keys.map((k) => k.keyId));
    for (let i = 0; i < keys.length; i++) {
      expect(back[i]?.seed.equals(keys[i]!.seed)).to.equal(true);
      expect(back[i]?.sign(Buffer.from("m"))).to.equal(keys[i]!.sign(Buffer.from("m")));
    }
  });

  it("skips blank and comment lines and accepts CRLF, padding and extra spaces", () => {
    const padded = Buffer.from(decodeBase64(SPEC_SEED_BASE64)).toString("base64");
    const text = `# my keys\r\n\r\n  ed25519   k1   ${padded}  \r\ned25519 k2 ${SPEC_SEED_BASE64}`;
    expect(parseSigningKeyFile(text).map((k) => k.keyId)).to.deep.equal(["ed25519:k1", "ed25519:k2"]);
  });

  for (const [label, line, pattern] of [
    ["too few fields", `ed25519 ${SPEC_SEED_BASE64}`, /line 2: .*2 field/],
    ["too many fields", `ed25519 a b ${SPEC_SEED_BASE64}`, /line 2: .*4 field/],
    ["an unknown algorithm", `curve25519 a ${SPEC_SEED_BASE64}`, /line 2: unsupported algorithm "curve25519"/],
    ["bad base64", "ed25519 a !!!!", /line 2: seed: invalid base64/],
    ["a short seed", `ed25519 a ${encodeBase64(randomBytes(16))}`, /line 2: .*32 bytes/],
    ["a bad version", `ed25519 a:b ${SPEC_SEED_BASE64}`, /line 2: invalid signing key version/],
  ] as Array<[string, string, RegExp]>) {
    it(`names the line with ${label}`, () => {
      expect(() => parseSigningKeyFile(`ed25519 ok ${SPEC_SEED_BASE64}\n${line}\n`)).to.throw(Error, pattern);
    });
  }
});
