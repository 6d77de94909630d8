import { expect } from "chai";
import { createHash } from "node:crypto";
import { encodeBase64 } from "../../src/crypto/base64.js";
import {
  addContentHash,
  checkContentHash,
  computeContentHash,
  computeReferenceHash,
  eventIdFromReferenceHash,
  randomEventId,
  referenceHashOfEncoded,
  roomIdFromReferenceHash,
} from "../../src/crypto/hashes.js";
import { signedBytes } from "../../src/crypto/json-signing.js";
import { signJson, verifyJsonSignature } from "../../src/crypto/json-signing.js";
import { MINIMAL_EVENT, REDACTABLE_EVENT, SPEC_KEY_ID, SPEC_SERVER_NAME, redactContentFully, specSigningKey } from "./spec-vectors.js";

type EventJson = Record<string, unknown> & { hashes?: { sha256?: string }; signatures?: Record<string, Record<string, string>> };

function sha256(text: string): Buffer {
  return createHash("sha256").update(Buffer.from(text, "utf8")).digest();
}

/** The spec's "hash_and_sign_event": content hash, redact, sign, copy the signatures back. */
function hashAndSign(event: EventJson): EventJson {
  const hashed = addContentHash(event);
  const signedRedacted = signJson(redactContentFully(hashed), SPEC_SERVER_NAME, specSigningKey());
  return { ...hashed, signatures: signedRedacted.signatures };
}

describe("event hashing and signing (spec appendix vectors)", () => {
  for (const [name, vector] of [
    ["the minimally-sized event", MINIMAL_EVENT],
    ["the event with redactable content", REDACTABLE_EVENT],
  ] as const) {
    describe(name, () => {
      const input = JSON.parse(vector.input) as EventJson;
      const expected = JSON.parse(vector.output) as EventJson;

      it("has the spec's content hash", () => {
        expect(computeContentHash(input)).to.equal(expected.hashes?.sha256);
      });

      it("signs to exactly the spec's output", () => {
        expect(hashAndSign(input)).to.deep.equal(expected);
      });

      it("passes the content hash check and the signature check of its redacted form", () => {
        expect(checkContentHash(expected)).to.equal(true);
        expect(verifyJsonSignature(redactContentFully(expected), SPEC_SERVER_NAME, specSigningKey().verifyKey())).to.equal(true);
        expect(expected.signatures?.[SPEC_SERVER_NAME]?.[SPEC_KEY_ID]).to.be.a("string");
      });
    });
  }
});

describe("computeContentHash", () => {
  it("is SHA-256 of the canonical JSON without unsigned, signatures and hashes", () => {
    const event = { type: "t", content: { b: 1, a: 2 }, hashes: { sha256: "x" }, signatures: { s: {} }, unsigned: { age: 1 } };
    expect(computeContentHash(event)).to.equal(encodeBase64(sha256('{"content":{"a":2,"b":1},"type":"t"}')));
  });

  it("covers content, so it changes when the content does", () => {
    const event = JSON.parse(MINIMAL_EVENT.input) as EventJson;
    expect(computeContentHash({ ...event, content: { x: 1 } })).not.to.equal(computeContentHash(event));
  });
});

describe("checkContentHash", () => {
  const hashed = addContentHash(JSON.parse(REDACTABLE_EVENT.input) as EventJson);

  it("fails when the content was changed or redacted", () => {
    expect(checkContentHash({ ...hashed, content: { body: "changed" } })).to.equal(false);
    expect(checkContentHash({ ...hashed, content: {} })).to.equal(false);
  });

  it("ignores unsigned and signatures", () => {
    expect(checkContentHash({ ...hashed, unsigned: { x: 1 }, signatures: { a: { b: "c" } } })).to.equal(true);
  });

  it("accepts a padded hash", () => {
    expect(checkContentHash({ ...hashed, hashes: { sha256: hashed.hashes.sha256 + "=" } })).to.equal(true);
  });

  for (const [label, hashes] of [
    ["no hashes", undefined],
    ["hashes that is not an object", "abc"],
    ["no sha256", { sha512: "abc" }],
    ["a non-string sha256", { sha256: 5 }],
    ["an invalid base64 sha256", { sha256: "!!!" }],
    ["a truncated sha256", { sha256: "5jM4wQpv6lnBo7CLIghJuHdW" }],
  ] as Array<[string, unknown]>) {
    it(`fails with ${label}`, () => {
      expect(checkContentHash({ ...hashed, hashes })).to.equal(false);
    });
  }
});

describe("addContentHash", () => {
  it("returns a copy whose hashes holds only the fresh sha256", () => {
    const event = { type: "t", content: {}, hashes: { sha256: "stale", other: "x" } };
    const hashed = addContentHash(event);
    expect(hashed.hashes).to.deep.equal({ sha256: computeContentHash(event) });
    expect(event.hashes.sha256).to.equal("stale");
  });
});

describe("computeReferenceHash", () => {
  it("is SHA-256 of the canonical JSON without signatures and unsigned (hashes included)", () => {
    const redacted = { type: "t", content: {}, hashes: { sha256: "h" }, signatures: { s: { k: "v" } }, unsigned: { u: 1 }, depth: 1 };
    const expected = sha256('{"content":{},"depth":1,"hashes":{"sha256":"h"},"type":"t"}');
    expect(computeReferenceHash(redacted).equals(expected)).to.equal(true);
  });

  it("does not change with signatures", () => {
    const event = redactContentFully(JSON.parse(MINIMAL_EVENT.output) as EventJson);
    expect(computeReferenceHash(event).equals(computeReferenceHash({ ...event, signatures: {} }))).to.equal(true);
  });

  it("referenceHashOfEncoded gives the same hash from the bytes a signature of the redacted event covers", () => {
    const event = redactContentFully(JSON.parse(MINIMAL_EVENT.output) as EventJson);
    expect(referenceHashOfEncoded(signedBytes(event)).equals(computeReferenceHash(event))).to.equal(true);
  });
});

describe("event and room IDs from reference hashes", () => {
  const hash = Buffer.concat([Buffer.from([0xfb, 0xff, 0xbf]), Buffer.alloc(29, 0x11)]);

  it("uses standard unpadded base64 for room version 3", () => {
    const id = eventIdFromReferenceHash(hash, "v3");
    expect(id).to.equal("$" + encodeBase64(hash));
    expect(id.startsWith("$+/+/")).to.equal(true);
    expect(id).to.have.length(44);
  });

  it("uses URL-safe unpadded base64 from room version 4", () => {
    const id = eventIdFromReferenceHash(hash, "v4");
    expect(id.startsWith("$-_-_")).to.equal(true);
    expect(id).to.have.length(44);
    expect(id).not.to.match(/[+/=]/);
  });

  it("makes room version 12 room IDs as the create event's ID with the ! sigil", () => {
    expect(roomIdFromReferenceHash(hash)).to.equal("!" + eventIdFromReferenceHash(hash, "v4").slice(1));
  });

  it("gives the spec's minimal event an event ID from its redacted form", () => {
    const event = JSON.parse(MINIMAL_EVENT.output) as EventJson;
    const expected = "$" + sha256(
      '{"auth_events":[],"content":{},"depth":3,"hashes":{"sha256":"5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"},' +
        '"origin":"domain","origin_server_ts":1000000,"prev_events":[],"room_id":"!x:domain","sender":"@a:domain","type":"X"}',
    ).toString("base64url");
    expect(eventIdFromReferenceHash(computeReferenceHash(redactContentFully(event)), "v4")).to.equal(expected);
  });
});

describe("randomEventId", () => {
  it("is $, random alphanumerics, a colon and the server name", () => {
    const id = randomEventId("example.org:8448");
    expect(id).to.match(/^\$[A-Za-z0-9]{18,}:example\.org:8448$/);
    expect(randomEventId("example.org")).not.to.equal(randomEventId("example.org"));
  });
});
