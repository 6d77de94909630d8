import { expect } from "chai";
import nacl from "tweetnacl";
import { decodeBase64 } from "../../src/crypto/base64.js";
import { signJson } from "../../src/crypto/json-signing.js";
import { SigningKey } from "../../src/crypto/signing-key.js";
import {
  XMatrixHeaderError,
  parseXMatrixHeader,
  signRequest,
  verifyRequestSignature,
  type XMatrixRequest,
} from "../../src/crypto/x-matrix-auth.js";

const key = SigningKey.fromSeed("key1", Buffer.alloc(32, 7));
const request: XMatrixRequest = {
  method: "PUT",
  uri: "/_matrix/federation/v1/send/123?foo=bar%2F",
  origin: "origin.hs.example.com",
  destination: "destination.hs.example.com",
  content: { pdus: [], edus: [{ edu_type: "m.typing", content: { typing: true } }] },
};

describe("signRequest", () => {
  it("formats the header as the spec's example, with lower-case names, no spaces and quoted values", () => {
    const header = signRequest(request, key);
    expect(header).to.match(
      /^X-Matrix origin="origin\.hs\.example\.com",destination="destination\.hs\.example\.com",key="ed25519:key1",sig="[A-Za-z0-9+/]{86}"$/,
    );
  });

  it("signs the spec's step-1 JSON object with the JSON signing algorithm", () => {
    const { sig } = parseXMatrixHeader(signRequest(request, key));
    const stepOne = signJson(
      { method: request.method, uri: request.uri, origin: request.origin, destination: request.destination, content: request.content },
      request.origin,
      key,
    );
    expect(sig).to.equal(stepOne.signatures[request.origin]![key.keyId]);
  });

  it("leaves content out of the signed object when there is no body", () => {
    const { content: _content, ...noBody } = request;
    const { sig } = parseXMatrixHeader(signRequest(noBody, key));
    const message = Buffer.from(
      '{"destination":"destination.hs.example.com","method":"PUT","origin":"origin.hs.example.com",' +
        '"uri":"/_matrix/federation/v1/send/123?foo=bar%2F"}',
    );
    expect(nacl.sign.detached.verify(message, decodeBase64(sig), key.publicKey)).to.equal(true);
    expect(parseXMatrixHeader(signRequest({ ...noBody, content: null }, key)).sig).to.equal(sig);
  });
});

describe("verifyRequestSignature", () => {
  const { sig } = parseXMatrixHeader(signRequest(request, key));
  const verifyKey = key.verifyKey();

  it("accepts the request as signed", () => {
    expect(verifyRequestSignature(request, sig, verifyKey)).to.equal(true);
  });

  const tampered: Array<[string, XMatrixRequest]> = [
    ["uri", { ...request, uri: "/_matrix/federation/v1/send/124?foo=bar%2F" }],
    ["query string", { ...request, uri: "/_matrix/federation/v1/send/123" }],
    ["method", { ...request, method: "POST" }],
    ["origin", { ...request, origin: "evil.example.com" }],
    ["destination", { ...request, destination: "other.example.com" }],
    ["content", { ...request, content: { pdus: [], edus: [] } }],
    ["missing content", { ...request, content: undefined }],
    ["empty content", { ...request, content: {} }],
  ];
  for (const [label, changed] of tampered) {
    it(`rejects a changed ${label}`, () => {
      expect(verifyRequestSignature(changed, sig, verifyKey)).to.equal(false);
    });
  }

  it("rejects another key and malformed signatures without throwing", () => {
    expect(verifyRequestSignature(request, sig, SigningKey.generate("key1").verifyKey())).to.equal(false);
    expect(verifyRequestSignature(request, "", verifyKey)).to.equal(false);
    expect(verifyRequestSignature(request, "%%%", verifyKey)).to.equal(false);
    expect(verifyRequestSignature({ ...request, content: { n: 0.5 } }, sig, verifyKey)).to.equal(false);
  });

  it("round-trips sign, parse and verify for random keys and bodies", () => {
    for (let i = 0; i < 20; i++) {
      const signer = SigningKey.generate();
      const r = { ...request, uri: `/_matrix/federation/v1/query/profile?user_id=%40u${i}%3Ax`, content: { i, s: "日".repeat(i) } };
      const auth = parseXMatrixHeader(signRequest(r, signer));
      expect(auth.origin).to.equal(r.origin);
      expect(auth.destination).to.equal(r.destination);
      expect(auth.key).to.equal(signer.keyId);
      expect(verifyRequestSignature({ ...r, origin: auth.origin, destination: auth.destination! }, auth.sig, signer.verifyKey())).to.equal(true);
    }
  });
});

describe("parseXMatrixHeader", () => {
  const expected = { origin: "o.example", destination: "d.example", key: "ed25519:k", sig: "c2ln" };

  const accepted: Array<[string, string]> = [
    ["the spec's form", 'X-Matrix origin="o.example",destination="d.example",key="ed25519:k",sig="c2ln"'],
    ["a different order", 'X-Matrix sig="c2ln",key="ed25519:k",destination="d.example",origin="o.example"'],
    ["upper-case names and scheme", 'x-matrix ORIGIN="o.example",Destination="d.example",KEY="ed25519:k",Sig="c2ln"'],
    ["several spaces after the scheme", 'X-Matrix    origin="o.example",destination="d.example",key="ed25519:k",sig="c2ln"'],
    ["spaces and tabs around commas", 'X-Matrix origin="o.example" ,\tdestination="d.example"\t, key="ed25519:k" , sig="c2ln"'],
    ["unquoted token values", "X-Matrix origin=o.example,destination=d.example,key=ed25519:k,sig=c2ln"],
    ["escapes in quoted values", 'X-Matrix origin="o\\.example",destination="d.ex\\ample",key="ed25519\\:k",sig="c2ln"'],
    ["unknown parameters", 'X-Matrix origin="o.example",foo="a,b=\\"c",destination="d.example",bar=baz,key="ed25519:k",sig="c2ln"'],
    ["a trailing comma", 'X-Matrix origin="o.example",destination="d.example",key="ed25519:k",sig="c2ln",'],
    ["spaces around =", 'X-Matrix origin = "o.example",destination="d.example",key="ed25519:k",sig="c2ln"'],
  ];
  for (const [label, header] of accepted) {
    it(`parses ${label}`, () => {
      expect(parseXMatrixHeader(header)).to.deep.equal(expected);
    });
  }

  it("gives a null destination when the header has none (servers before v1.3)", () => {
    expect(parseXMatrixHeader('X-Matrix origin="o.example",key="ed25519:k",sig="c2ln"')).to.deep.equal({ ...expected, destination: null });
  });

  it("keeps commas, equals signs and spaces inside quoted values", () => {
    expect(parseXMatrixHeader('X-Matrix origin="a, b=c",key="k",sig="x y"')).to.deep.equal({ origin: "a, b=c", destination: null, key: "k", sig: "x y" });
  });

  it("accepts unquoted base64 with / and = and IPv6 literals with colons", () => {
    const auth = parseXMatrixHeader("X-Matrix origin=[::1]:8448,key=ed25519:k,sig=ab/c+d==");
    expect(auth.origin).to.equal("[::1]:8448");
    expect(auth.sig).to.equal("ab/c+d==");
  });

  it("round-trips values holding quotes and backslashes through signRequest", () => {
    const odd = { ...request, origin: 'we"ird\\name' };
    expect(parseXMatrixHeader(signRequest(odd, key)).origin).to.equal('we"ird\\name');
  });

  const rejected: Array<[string, string, RegExp]> = [
    ["another scheme", 'Bearer origin="o",key="k",sig="s"', /scheme/],
    ["no space after the scheme", 'X-Matrixorigin="o",key="k",sig="s"', /scheme/],
    ["an empty parameter list", "X-Matrix ", /no "origin"/],
    ["a missing origin", 'X-Matrix key="k",sig="s"', /no "origin"/],
    ["a missing key", 'X-Matrix origin="o",sig="s"', /no "key"/],
    ["a missing sig", 'X-Matrix origin="o",key="k"', /no "sig"/],
    ["a repeated parameter", 'X-Matrix origin="o",key="k",sig="s",ORIGIN="p"', /twice/],
    ["an unterminated quote", 'X-Matrix origin="o",key="k",sig="s', /unterminated/],
    ["a trailing backslash in a quote", 'X-Matrix origin="o",key="k",sig="s\\', /unterminated/],
    ["a missing =", 'X-Matrix origin "o",key="k",sig="s"', /expected "="/],
    ["an empty value", 'X-Matrix origin=,key="k",sig="s"', /expected a parameter value/],
    ["parameters without a comma", 'X-Matrix origin="o" key="k",sig="s"', /expected ","/],
    ["text after a quoted value", 'X-Matrix origin="o"x,key="k",sig="s"', /expected ","/],
    ["a bad name", 'X-Matrix orig(in="o",key="k",sig="s"', /expected "="/],
  ];
  for (const [label, header, pattern] of rejected) {
    it(`rejects ${label}`, () => {
      expect(() => parseXMatrixHeader(header)).to.throw(XMatrixHeaderError, pattern);
    });
  }
});
