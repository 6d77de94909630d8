import { expect } from "chai";
import nacl from "tweetnacl";
import { buildServerKeys, handleGetServerKeys, type ServerKeysDeps } from "../../../src/api/key/server-keys.js";
import { verifyJsonSignature } from "../../../src/crypto/json-signing.js";
import { SigningKey } from "../../../src/crypto/signing-key.js";
import { getServerKeys, type ServerKeysJson } from "../../../src/matrix/endpoints/key/server-keys.js";
import { route } from "../../../src/http/route.js";
import { startTestHttp, type TestHttp } from "../../helpers/test-http.js";

const SERVER = "keys.example.org";
const DAY = 24 * 3600_000;

/** Canonical JSON written here independently of src/crypto: sorted keys, no whitespace. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function fromUnpaddedBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64"));
}

describe("api/key/server-keys", () => {
  const current = SigningKey.generate("a_cur1");
  const second = SigningKey.generate("a_cur2");
  const retired = SigningKey.generate("a_old1");
  let server: TestHttp | null = null;

  afterEach(async () => {
    await server?.close();
    server = null;
  });

  const deps = (overrides: Partial<ServerKeysDeps> = {}): ServerKeysDeps => ({
    serverName: SERVER,
    signingKeys: [current],
    oldVerifyKeys: async () => [{ keyId: retired.keyId, publicKeyBase64: retired.publicKeyBase64, expiredTs: 1_600_000_000_000 }],
    validityPeriodMs: 7 * DAY,
    ...overrides,
  });

  const fetchKeys = async (path = "/_matrix/key/v2/server", serverDeps = deps()): Promise<ServerKeysJson> => {
    server ??= await startTestHttp({ routes: [route(getServerKeys, handleGetServerKeys(serverDeps))] });
    const res = await server.request("GET", path);
    expect(res.status).to.equal(200);
    return res.body as unknown as ServerKeysJson;
  };

  it("GET /_matrix/key/v2/server publishes the current keys, the old keys and a future valid_until_ts", async () => {
    const before = Date.now();
    const keys = await fetchKeys();
    expect(keys.server_name).to.equal(SERVER);
    expect(keys.verify_keys).to.deep.equal({ [current.keyId]: { key: current.publicKeyBase64 } });
    expect(keys.old_verify_keys).to.deep.equal({ [retired.keyId]: { key: retired.publicKeyBase64, expired_ts: 1_600_000_000_000 } });
    expect(keys.valid_until_ts).to.be.at.least(before + 7 * DAY);
    expect(keys.valid_until_ts).to.be.at.most(Date.now() + 7 * DAY);
  });

  it("is signed so that our VerifyKey accepts it", async () => {
    const keys = await fetchKeys();
    expect(verifyJsonSignature(keys, SERVER, current.verifyKey())).to.equal(true);
    expect(verifyJsonSignature({ ...keys, valid_until_ts: keys.valid_until_ts + 1 }, SERVER, current.verifyKey())).to.equal(false);
  });

  it("is signed so that tweetnacl accepts the signature over canonical JSON", async () => {
    const keys = await fetchKeys();
    const { signatures, ...unsigned } = keys;
    const signature = signatures[SERVER]?.[current.keyId];
    expect(signature).to.be.a("string");
    const message = new TextEncoder().encode(sortedJson(unsigned));
    // The published key verifies it: a server that knows nothing else about us can check it.
    const published = fromUnpaddedBase64(keys.verify_keys[current.keyId]?.key ?? "");
    expect(nacl.sign.detached.verify(message, fromUnpaddedBase64(signature as string), published)).to.equal(true);
  });

  it("is signed by every current key", async () => {
    const keys = await fetchKeys("/_matrix/key/v2/server", deps({ signingKeys: [current, second] }));
    expect(Object.keys(keys.verify_keys).sort()).to.deep.equal([current.keyId, second.keyId].sort());
    expect(Object.keys(keys.signatures[SERVER] ?? {}).sort()).to.deep.equal([current.keyId, second.keyId].sort());
    expect(verifyJsonSignature(keys, SERVER, current.verifyKey())).to.equal(true);
    expect(verifyJsonSignature(keys, SERVER, second.verifyKey())).to.equal(true);
  });

  it("serves the same document on the deprecated /_matrix/key/v2/server/{keyId}", async () => {
    const plain = await fetchKeys();
    const withKeyId = await fetchKeys(`/_matrix/key/v2/server/${encodeURIComponent(current.keyId)}`);
    expect(withKeyId).to.deep.equal(plain);
  });

  it("never lists a current key among the old ones", async () => {
    const keys = await buildServerKeys(
      deps({ oldVerifyKeys: async () => [{ keyId: current.keyId, publicKeyBase64: current.publicKeyBase64, expiredTs: 1 }] }),
      1000,
    );
    expect(keys.old_verify_keys).to.deep.equal({});
  });

  it("reuses one signed response until the cache lifetime ends", async () => {
    let clock = 1_000_000;
    let oldKeyReads = 0;
    const handler = handleGetServerKeys(
      deps({
        now: () => clock,
        cacheTtlMs: 60_000,
        oldVerifyKeys: async () => {
          oldKeyReads++;
          return [];
        },
      }),
    );
    const call = async () => (await handler({} as never)) as ServerKeysJson;
    const first = await call();
    clock += 59_999;
    expect(await call()).to.equal(first);
    expect(oldKeyReads).to.equal(1);
    clock += 1;
    const refreshed = await call();
    expect(refreshed).to.not.equal(first);
    expect(refreshed.valid_until_ts).to.equal(clock + 7 * DAY);
    expect(oldKeyReads).to.equal(2);
  });

  it("builds once for concurrent requests on a cache miss", async () => {
    let oldKeyReads = 0;
    const handler = handleGetServerKeys(
      deps({
        oldVerifyKeys: async () => {
          oldKeyReads++;
          await new Promise((resolve) => setTimeout(resolve, 20));
          return [];
        },
      }),
    );
    const results = await Promise.all([handler({} as never), handler({} as never), handler({} as never)]);
    expect(oldKeyReads).to.equal(1);
    expect(results[1]).to.equal(results[0]);
    expect(results[2]).to.equal(results[0]);
  });

  it("tries again after a failed build", async () => {
    let attempts = 0;
    const handler = handleGetServerKeys(
      deps({
        oldVerifyKeys: async () => {
          attempts++;
          if (attempts === 1) throw new Error("database unavailable");
          return [];
        },
      }),
    );
    let failure: unknown = null;
    try {
      await handler({} as never);
    } catch (err) {
      failure = err;
    }
    expect((failure as Error).message).to.equal("database unavailable");
    const keys = (await handler({} as never)) as ServerKeysJson;
    expect(keys.server_name).to.equal(SERVER);
  });

  it("refuses to start without a signing key", () => {
    expect(() => handleGetServerKeys(deps({ signingKeys: [] }))).to.throw(/signing key/);
  });
});
