import { expect } from "chai";
import { AccessTokenCache } from "../../../src/services/auth/access-token-cache.js";
import { TokenCacheRedisBridge } from "../../../src/services/auth/token-cache-redis-bridge.js";
import type { AccessTokenInfo } from "../../../src/storage/stores/access-tokens-store.js";
import { call, login, registerUser, whoami } from "../../helpers/accounts.js";
import { FakeBus, FakeClient } from "../../helpers/fake-pubsub.js";
import { startSharedHomeservers, type SharedHomeservers } from "../../helpers/shared-homeservers.js";

const info = (userId: string): AccessTokenInfo => ({ tokenId: 1, userId, deviceId: "D", validUntilMs: null, refreshTokenId: null, isGuest: false, deactivated: false });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("TokenCacheRedisBridge", () => {
  async function twoProcesses() {
    const bus = new FakeBus();
    const errors: Error[] = [];
    const process = async (processId: string) => {
      const cache = new AccessTokenCache();
      const bridge = await TokenCacheRedisBridge.attach(cache, new FakeClient(bus), new FakeClient(bus), { processId, onError: (e) => errors.push(e) });
      cache.set("alice-token", info("@alice:x"), cache.startRead());
      cache.set("bob-token", info("@bob:x"), cache.startRead());
      return { cache, bridge };
    };
    return { a: await process("A"), b: await process("B"), bus, errors };
  }

  it("forgets on the other processes the users this one forgets, and only those", async () => {
    const { a, b } = await twoProcesses();
    a.cache.forgetUser("@alice:x");
    expect(a.cache.get("alice-token")).to.equal(undefined);
    await turn();
    expect(b.cache.get("alice-token")).to.equal(undefined);
    expect(b.cache.get("bob-token")?.userId).to.equal("@bob:x");
    expect(a.cache.get("bob-token")?.userId).to.equal("@bob:x");
  });

  it("does not send back what it received (no echo between processes)", async () => {
    const { a, b, bus } = await twoProcesses();
    a.cache.forgetUser("@alice:x");
    await turn();
    await turn();
    expect(bus.published.map((m) => JSON.parse(m))).to.deep.equal([{ o: "A", u: "@alice:x" }]);
    expect(b.cache.get("alice-token")).to.equal(undefined);
  });

  it("reports malformed messages and ignores them", async () => {
    const { b, bus, errors } = await twoProcesses();
    const client = new FakeClient(bus);
    await client.publish(b.bridge.channel, "not json");
    await client.publish(b.bridge.channel, JSON.stringify({ o: "X" }));
    await turn();
    expect(errors.length).to.be.at.least(2);
    expect(b.cache.get("alice-token")?.userId).to.equal("@alice:x");
  });

  it("stops relaying once closed", async () => {
    const { a, b } = await twoProcesses();
    await b.bridge.close();
    a.cache.forgetUser("@alice:x");
    await turn();
    expect(b.cache.get("alice-token")?.userId).to.equal("@alice:x");
  });
});

const pgUrl = process.env.HEARTH_TEST_POSTGRES_URL;
const redisUrl = process.env.HEARTH_TEST_REDIS_URL;

if (pgUrl && redisUrl) {
  describe("TokenCacheRedisBridge: two processes sharing PostgreSQL and Redis", function () {
    this.timeout(30_000);
    let servers: SharedHomeservers;
    before(async () => {
      servers = await startSharedHomeservers("tokens.test", redisUrl);
    });
    after(async () => servers?.stop());

    it("a token logged out through B fails on A at once, though A had it cached", async () => {
      const [a, b] = [servers.base(servers.a), servers.base(servers.b)];
      const alice = await registerUser(a, "alice");
      const phone = await login(a, "alice", alice.password);
      const token = phone.body.access_token as string;
      expect((await whoami(a, token)).status).to.equal(200);
      expect((await call(b, "POST", "/_matrix/client/v3/logout", { token })).status).to.equal(200);
      let status = 200;
      for (let i = 0; i < 100 && status === 200; i++) {
        status = (await whoami(a, token)).status;
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Well within a second, where the cache's TTL alone would take ten.
      expect(status).to.equal(401);
    });
  });
}
