import { expect } from "chai";
import { TokenCacheRedisBridge } from "../../../src/services/auth/token-cache-redis-bridge.js";
import { ProfileCache } from "../../../src/services/profile/profile-cache.js";
import { FakeBus, FakeClient } from "../../helpers/fake-pubsub.js";

const ALICE = { displayname: "Alice", avatarUrl: null };

describe("ProfileCache", () => {
  let now: number;
  let cache: ProfileCache;
  beforeEach(() => {
    now = 1000;
    cache = new ProfileCache({ now: () => now, ttlMs: 100 });
  });

  it("answers a stored profile until forgotten, or until its TTL from the start of its read", () => {
    cache.set("@a:x", ALICE, cache.startRead());
    expect(cache.get("@a:x")).to.deep.equal(ALICE);
    cache.forgetUser("@a:x");
    expect(cache.get("@a:x")).to.equal(undefined);
    const read = cache.startRead();
    now += 60;
    cache.set("@a:x", ALICE, read);
    now += 40;
    expect(cache.get("@a:x")).to.equal(undefined);
  });

  it("does not keep what a read found when anyone was forgotten while it ran", () => {
    const read = cache.startRead();
    cache.forgetUserFromElsewhere("@b:x");
    cache.set("@a:x", ALICE, read);
    expect(cache.get("@a:x")).to.equal(undefined);
  });

  it("tells the other processes over the token cache's Redis bridge whom to forget", async () => {
    const bus = new FakeBus();
    const other = new ProfileCache();
    await TokenCacheRedisBridge.attach(cache, new FakeClient(bus), new FakeClient(bus), { processId: "A" });
    await TokenCacheRedisBridge.attach(other, new FakeClient(bus), new FakeClient(bus), { processId: "B" });
    other.set("@a:x", ALICE, other.startRead());
    other.set("@b:x", ALICE, other.startRead());
    cache.forgetUser("@a:x");
    for (let i = 0; i < 10 && other.get("@a:x") !== undefined; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(other.get("@a:x")).to.equal(undefined);
    expect(other.get("@b:x")).to.deep.equal(ALICE);
  });
});
