import { expect } from "chai";
import { AccessTokensStore, hashToken } from "../../../src/storage/stores/access-tokens-store.js";
import { DevicesStore } from "../../../src/storage/stores/devices-store.js";
import { UsersStore } from "../../../src/storage/stores/users-store.js";
import { UniqueViolationError } from "../../../src/storage/storage-errors.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { rejection } from "../rejection.js";

const ALICE = "@alice:hs.test";

withAllDatabases("AccessTokensStore", (getDb) => {
  let tokens: AccessTokensStore;
  beforeEach(async () => {
    tokens = new AccessTokensStore(getDb());
    await runInTransaction(getDb(), async (tx) => {
      await new UsersStore(getDb()).insertUser(tx, { userId: ALICE, localpart: "alice", createdTs: 1, isGuest: true });
      await new DevicesStore(getDb()).insertDevice(tx, { userId: ALICE, deviceId: "D1" });
      await new DevicesStore(getDb()).insertDevice(tx, { userId: ALICE, deviceId: "D2" });
    });
  });

  it("stores only a SHA-256 hash of the token and finds the owner by the token", async () => {
    const id = await runInTransaction(getDb(), (tx) =>
      tokens.insertAccessToken(tx, { token: "syt_secret", userId: ALICE, deviceId: "D1", validUntilMs: 1_800_000_000_000, createdTs: 10 }),
    );
    expect(id).to.be.a("number");
    expect(await tokens.selectAccessToken("syt_secret")).to.deep.equal({
      tokenId: id, userId: ALICE, deviceId: "D1", validUntilMs: 1_800_000_000_000, refreshTokenId: null, isGuest: true, deactivated: false,
    });
    const stored = (await getDb().query("SELECT token FROM access_tokens")) as { token: string }[];
    expect(stored).to.deep.equal([{ token: hashToken("syt_secret") }]);
    expect(hashToken("syt_secret")).to.match(/^[0-9a-f]{64}$/).and.not.include("secret");
    expect(await tokens.selectAccessToken("syt_other")).to.equal(null);
  });

  it("allows device-less tokens and records last use", async () => {
    const id = await runInTransaction(getDb(), (tx) => tokens.insertAccessToken(tx, { token: "as_token", userId: ALICE, deviceId: null, validUntilMs: null }));
    await runInTransaction(getDb(), (tx) => tokens.updateAccessTokenLastUsed(tx, id, 99));
    expect((await tokens.selectAccessToken("as_token"))?.deviceId).to.equal(null);
    expect(await getDb().query("SELECT last_used_ts FROM access_tokens")).to.deep.equal([{ last_used_ts: 99 }]);
  });

  it("refuses the same token twice", async () => {
    await runInTransaction(getDb(), (tx) => tokens.insertAccessToken(tx, { token: "t", userId: ALICE, deviceId: "D1", validUntilMs: null }));
    expect(await rejection(runInTransaction(getDb(), (tx) => tokens.insertAccessToken(tx, { token: "t", userId: ALICE, deviceId: "D2", validUntilMs: null })))).to.be.instanceOf(UniqueViolationError);
  });

  it("deletes one token, a device's tokens, or all of a user's tokens but one", async () => {
    await runInTransaction(getDb(), async (tx) => {
      for (const [token, device] of [["a", "D1"], ["b", "D1"], ["c", "D2"], ["d", "D2"], ["e", "D2"]] as const) {
        await tokens.insertAccessToken(tx, { token, userId: ALICE, deviceId: device, validUntilMs: null });
      }
    });
    await runInTransaction(getDb(), async (tx) => {
      expect(await tokens.deleteAccessToken(tx, "a")).to.equal(true);
      expect(await tokens.deleteAccessToken(tx, "a")).to.equal(false);
      expect(await tokens.deleteAccessTokensForDevice(tx, ALICE, "D1")).to.equal(1);
      expect(await tokens.deleteAccessTokensForUser(tx, ALICE, "d")).to.equal(2);
    });
    expect(await tokens.selectAccessToken("d")).to.not.equal(null);
    expect(await tokens.selectAccessToken("c")).to.equal(null);
    expect(await runInTransaction(getDb(), (tx) => tokens.deleteAccessTokensForUser(tx, ALICE))).to.equal(1);
    expect(await tokens.selectAccessToken("d")).to.equal(null);
  });

  it("keeps refresh tokens hashed and chains them to their successor", async () => {
    const first = await runInTransaction(getDb(), (tx) => tokens.insertRefreshToken(tx, { token: "r1", userId: ALICE, deviceId: "D1", createdTs: 1 }));
    const access = await runInTransaction(getDb(), (tx) =>
      tokens.insertAccessToken(tx, { token: "a1", userId: ALICE, deviceId: "D1", validUntilMs: 500, refreshTokenId: first }),
    );
    expect((await tokens.selectAccessToken("a1"))?.refreshTokenId).to.equal(first);
    expect(await tokens.selectRefreshToken("r1")).to.deep.equal({ tokenId: first, userId: ALICE, deviceId: "D1", nextTokenId: null });
    const second = await runInTransaction(getDb(), async (tx) => {
      const next = await tokens.insertRefreshToken(tx, { token: "r2", userId: ALICE, deviceId: "D1" });
      await tokens.updateRefreshTokenNext(tx, first, next);
      expect(await tokens.deleteAccessTokensByRefreshToken(tx, first)).to.equal(1);
      return next;
    });
    expect((await tokens.selectRefreshToken("r1"))?.nextTokenId).to.equal(second);
    expect(await tokens.selectAccessToken("a1")).to.equal(null);
    expect(access).to.be.a("number");
    expect(await runInTransaction(getDb(), (tx) => tokens.deleteRefreshToken(tx, first))).to.equal(true);
    expect(await tokens.selectRefreshToken("r1")).to.equal(null);
    const stored = (await getDb().query("SELECT token FROM refresh_tokens")) as { token: string }[];
    expect(stored).to.deep.equal([{ token: hashToken("r2") }]);
  });

  it("revokes the refresh token a used one replaced, with its access tokens, on that device only", async () => {
    const ids = await runInTransaction(getDb(), async (tx) => {
      const old = await tokens.insertRefreshToken(tx, { token: "old", userId: ALICE, deviceId: "D1" });
      const next = await tokens.insertRefreshToken(tx, { token: "next", userId: ALICE, deviceId: "D1" });
      await tokens.updateRefreshTokenNext(tx, old, next);
      await tokens.insertAccessToken(tx, { token: "old-access", userId: ALICE, deviceId: "D1", validUntilMs: 5, refreshTokenId: old });
      await tokens.insertAccessToken(tx, { token: "next-access", userId: ALICE, deviceId: "D1", validUntilMs: 5, refreshTokenId: next });
      return { old, next };
    });
    expect(await runInTransaction(getDb(), (tx) => tokens.deleteRefreshTokensReplacedBy(tx, ALICE, "D2", ids.next))).to.equal(0);
    expect(await runInTransaction(getDb(), (tx) => tokens.deleteRefreshTokensReplacedBy(tx, ALICE, "D1", ids.next))).to.equal(1);
    expect(await tokens.selectRefreshToken("old")).to.equal(null);
    expect(await tokens.selectAccessToken("old-access")).to.equal(null);
    expect(await tokens.selectRefreshToken("next")).to.not.equal(null);
    expect(await tokens.selectAccessToken("next-access")).to.not.equal(null);
    expect(await runInTransaction(getDb(), (tx) => tokens.deleteRefreshTokensReplacedBy(tx, ALICE, "D1", ids.next))).to.equal(0);
  });

  it("deletes a device's refresh tokens only", async () => {
    await runInTransaction(getDb(), async (tx) => {
      await tokens.insertRefreshToken(tx, { token: "r-d1a", userId: ALICE, deviceId: "D1" });
      await tokens.insertRefreshToken(tx, { token: "r-d1b", userId: ALICE, deviceId: "D1" });
      await tokens.insertRefreshToken(tx, { token: "r-d2", userId: ALICE, deviceId: "D2" });
    });
    expect(await runInTransaction(getDb(), (tx) => tokens.deleteRefreshTokensForDevice(tx, ALICE, "D1"))).to.equal(2);
    expect(await tokens.selectRefreshToken("r-d1a")).to.equal(null);
    expect(await tokens.selectRefreshToken("r-d2")).to.not.equal(null);
  });
});
