import { expect } from "chai";
import nacl from "tweetnacl";
import { decodeBase64 } from "../../src/crypto/base64.js";
import { CanonicalJsonError } from "../../src/crypto/canonical-json.js";
import { signJson, signatureOf, signedBytes, verifyJsonSignature } from "../../src/crypto/json-signing.js";
import { SigningKey } from "../../src/crypto/signing-key.js";
import { SPEC_KEY_ID, SPEC_SERVER_NAME, specSigningKey } from "./spec-vectors.js";

describe("signJson", () => {
  const key = specSigningKey();

  describe("the spec's JSON signing vectors", () => {
    it("signs {}", () => {
      expect(signJson({}, SPEC_SERVER_NAME, key)).to.deep.equal(
        JSON.parse(`{
    "signatures": {
        "domain": {
            "ed25519:1": "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ"
        }
    }
}`),
      );
    });

    it('signs {"one": 1, "two": "Two"}', () => {
      expect(signJson({ one: 1, two: "Two" }, SPEC_SERVER_NAME, key)).to.deep.equal(
        JSON.parse(`{
    "one": 1,
    "signatures": {
        "domain": {
            "ed25519:1": "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw"
        }
    },
    "two": "Two"
}`),
      );
    });
  });

  it("signs the canonical bytes without signatures and unsigned (checked with tweetnacl)", () => {
    const object = { b: [1, 2], a: "x", unsigned: { age: 5 }, signatures: { other: { "ed25519:z": "abc" } } };
    const signed = signJson(object, "example.org", key);
    const signature = decodeBase64(signed.signatures["example.org"]![key.keyId]!);
    const message = Buffer.from('{"a":"x","b":[1,2]}', "utf8");
    expect(nacl.sign.detached.verify(message, signature, decodeBase64(key.publicKeyBase64))).to.equal(true);
  });

  it("keeps unsigned in the result and other servers' and keys' signatures", () => {
    const object = {
      a: 1,
      unsigned: { age_ts: 5 },
      signatures: { "other.org": { "ed25519:o": "sig-o" }, "example.org": { "ed25519:old": "sig-old" } },
    };
    const signed = signJson(object, "example.org", key);
    expect(signed.unsigned).to.deep.equal({ age_ts: 5 });
    expect(signed.signatures["other.org"]).to.deep.equal({ "ed25519:o": "sig-o" });
    expect(Object.keys(signed.signatures["example.org"]!).sort()).to.deep.equal(["ed25519:1", "ed25519:old"]);
  });

  it("returns a new object and leaves the input alone", () => {
    const object = { a: 1, signatures: { "example.org": { "ed25519:old": "sig-old" } } };
    const snapshot = JSON.stringify(object);
    const signed = signJson(object, "example.org", key);
    expect(signed).not.to.equal(object);
    expect(JSON.stringify(object)).to.equal(snapshot);
  });

  it("replaces its own earlier signature with the same key", () => {
    const signed = signJson({ a: 1, signatures: { domain: { [SPEC_KEY_ID]: "stale" } } }, "domain", key);
    expect(verifyJsonSignature(signed, "domain", key.verifyKey())).to.equal(true);
  });

  it("adds a second key's signature next to the first", () => {
    const second = SigningKey.generate("two");
    const signed = signJson(signJson({ a: 1 }, "domain", key), "domain", second);
    expect(verifyJsonSignature(signed, "domain", key.verifyKey())).to.equal(true);
    expect(verifyJsonSignature(signed, "domain", second.verifyKey())).to.equal(true);
  });

  it("keeps a __proto__ server name in received signatures as data", () => {
    const received = JSON.parse('{"a":1,"signatures":{"__proto__":{"ed25519:p":"sig-p"}}}') as object;
    const signed = signJson(received, "domain", key);
    expect(Object.keys(signed.signatures).sort()).to.deep.equal(["__proto__", "domain"]);
    expect(Object.getPrototypeOf(signed.signatures)).to.equal(Object.prototype);
  });

  it("throws CanonicalJsonError for an object without a canonical form", () => {
    expect(() => signJson({ a: 1.5 }, "domain", key)).to.throw(CanonicalJsonError);
  });
});

describe("verifyJsonSignature", () => {
  const key = SigningKey.generate();
  const signed = signJson({ a: 1, nested: { b: [true] } }, "example.org", key);

  it("accepts the signer's signature", () => {
    expect(verifyJsonSignature(signed, "example.org", key.verifyKey())).to.equal(true);
  });

  it("accepts the spec vector with the spec key", () => {
    const vector = JSON.parse(
      '{"one":1,"signatures":{"domain":{"ed25519:1":"KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw"}},"two":"Two"}',
    ) as object;
    expect(verifyJsonSignature(vector, "domain", specSigningKey().verifyKey())).to.equal(true);
  });

  it("ignores changes to unsigned and to other signatures", () => {
    const changed = { ...signed, unsigned: { anything: 1 }, signatures: { ...signed.signatures, "x.org": { "ed25519:q": "q" } } };
    expect(verifyJsonSignature(changed, "example.org", key.verifyKey())).to.equal(true);
  });

  it("fails when a signed field changes", () => {
    expect(verifyJsonSignature({ ...signed, a: 2 }, "example.org", key.verifyKey())).to.equal(false);
    expect(verifyJsonSignature({ ...signed, extra: null }, "example.org", key.verifyKey())).to.equal(false);
    expect(verifyJsonSignature({ ...signed, nested: { b: [false] } }, "example.org", key.verifyKey())).to.equal(false);
  });

  it("fails when there is no signature for that server or key", () => {
    expect(verifyJsonSignature(signed, "other.org", key.verifyKey())).to.equal(false);
    expect(verifyJsonSignature(signed, "example.org", SigningKey.generate("zz").verifyKey())).to.equal(false);
    expect(verifyJsonSignature({ a: 1 }, "example.org", key.verifyKey())).to.equal(false);
  });

  it("fails for another key with the same key ID", () => {
    expect(verifyJsonSignature(signed, "example.org", SigningKey.generate(key.version).verifyKey())).to.equal(false);
  });

  it("fails, without throwing, on malformed signatures and bodies", () => {
    const keyId = key.keyId;
    for (const signatures of [null, "x", [], { "example.org": null }, { "example.org": { [keyId]: 5 } }, { "example.org": { [keyId]: "!!" } }]) {
      expect(verifyJsonSignature({ a: 1, signatures }, "example.org", key.verifyKey())).to.equal(false);
    }
    expect(verifyJsonSignature({ ...signed, a: 0.5 }, "example.org", key.verifyKey())).to.equal(false);
  });
});

describe("signedBytes", () => {
  it("is the canonical JSON without signatures and unsigned", () => {
    expect(signedBytes({ z: 1, signatures: {}, unsigned: {}, a: "日" }).toString("utf8")).to.equal('{"a":"日","z":1}');
  });
});

describe("signatureOf", () => {
  it("reads one signature or null", () => {
    const object = { signatures: { s: { "ed25519:k": "sig" } } };
    expect(signatureOf(object, "s", "ed25519:k")).to.equal("sig");
    expect(signatureOf(object, "s", "ed25519:j")).to.equal(null);
    expect(signatureOf(object, "t", "ed25519:k")).to.equal(null);
    expect(signatureOf({}, "s", "ed25519:k")).to.equal(null);
  });
});
