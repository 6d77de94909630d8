import { expect } from "chai";
import { createHash } from "node:crypto";
import { TurnServerService, turnPassword } from "../../../src/services/voip/turn-server.js";

/** HMAC-SHA1 written out from RFC 2104 over plain SHA-1, independent of crypto.createHmac. */
function rfc2104HmacSha1Base64(key: string, message: string): string {
  const blockSize = 64;
  let k = Buffer.from(key, "utf8");
  if (k.length > blockSize) k = createHash("sha1").update(k).digest();
  const padded = Buffer.concat([k, Buffer.alloc(blockSize - k.length)]);
  const ipad = Buffer.from(padded.map((b) => b ^ 0x36));
  const opad = Buffer.from(padded.map((b) => b ^ 0x5c));
  const inner = createHash("sha1").update(Buffer.concat([ipad, Buffer.from(message, "utf8")])).digest();
  return createHash("sha1").update(Buffer.concat([opad, inner])).digest("base64");
}

describe("TurnServerService", () => {
  const uris = ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349?transport=tcp"];

  it("answers null (the endpoint's {}) without TURN URIs", () => {
    expect(new TurnServerService({ uris: [], sharedSecret: "s", userLifetimeMs: 1000 }).credentialsFor("@a:x")).to.equal(null);
  });

  it("derives time-limited credentials from the shared secret (coturn's TURN REST convention)", () => {
    const now = 1_700_000_000_000;
    const service = new TurnServerService({ uris, sharedSecret: "s3cret", userLifetimeMs: 86_400_000 }, () => now);
    const creds = service.credentialsFor("@alice:example.org")!;
    expect(creds.username).to.equal(`${(now + 86_400_000) / 1000}:@alice:example.org`);
    expect(creds.password).to.equal(rfc2104HmacSha1Base64("s3cret", creds.username));
    expect(creds.uris).to.deep.equal(uris);
    expect(creds.ttl).to.equal(86_400);
  });

  it("matches the RFC 2202 HMAC-SHA1 test vector", () => {
    // RFC 2202 test case 2: key "Jefe", data "what do ya want for nothing?".
    expect(Buffer.from(turnPassword("Jefe", "what do ya want for nothing?"), "base64").toString("hex")).to.equal("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  });

  it("hands out fixed credentials when there is no shared secret, and nothing with neither", () => {
    const fixed = new TurnServerService({ uris, username: "u", password: "p", userLifetimeMs: 3_600_000 });
    expect(fixed.credentialsFor("@a:x")).to.deep.equal({ username: "u", password: "p", uris, ttl: 3600 });
    expect(new TurnServerService({ uris, userLifetimeMs: 1000 }).credentialsFor("@a:x")).to.equal(null);
  });
});
