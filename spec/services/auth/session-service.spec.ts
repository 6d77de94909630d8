import { expect } from "chai";
import { AccessTokenAuth } from "../../../src/services/auth/access-token-auth.js";
import { AccessTokenCache } from "../../../src/services/auth/access-token-cache.js";
import { SessionService } from "../../../src/services/auth/session-service.js";
import { AccessTokensStore } from "../../../src/storage/stores/access-tokens-store.js";
import { DevicesStore } from "../../../src/storage/stores/devices-store.js";
import { UsersStore } from "../../../src/storage/stores/users-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { matrixFailure } from "../../helpers/matrix-failure.js";

const ALICE = "@alice:hs.test";


withAllDatabases("SessionService", (getDb) => {
  let now: number;
  let tokens: AccessTokensStore;
  let devices: DevicesStore;
  let sessions: SessionService;

  beforeEach(async () => {
    now = 1_000_000;
    tokens = new AccessTokensStore(getDb());
    devices = new DevicesStore(getDb());
    sessions = new SessionService({ db: getDb(), devices, accessTokens: tokens, accessTokenLifetimeMs: 60_000, now: () => now });
    await runInTransaction(getDb(), (tx) => new UsersStore(getDb()).insertUser(tx, { userId: ALICE, localpart: "alice", createdTs: 1 }));
  });

  const session = (overrides: Partial<Parameters<SessionService["createSession"]>[0]> = {}) =>
    sessions.createSession({ userId: ALICE, deviceId: null, initialDeviceDisplayName: null, refreshable: false, ...overrides });

  it("creates a device with a generated ID and a token that never expires", async () => {
    const s = await session({ initialDeviceDisplayName: "Laptop", ip: "10.0.0.1" });
    expect(s.deviceId).to.match(/^[A-Z]{10}$/);
    expect(s.accessToken).to.match(/^hat_[A-Za-z0-9]{40}$/);
    expect([s.refreshToken, s.expiresInMs]).to.deep.equal([null, null]);
    expect(await tokens.selectAccessToken(s.accessToken)).to.include({ userId: ALICE, deviceId: s.deviceId, validUntilMs: null, refreshTokenId: null });
    expect(await devices.selectDevice(ALICE, s.deviceId)).to.include({ displayName: "Laptop", lastSeenTs: now, lastSeenIp: "10.0.0.1" });
  });

  it("tells onDeviceAdded of a new device's last-seen time and address after commit, not of a reused device", async () => {
    const added: unknown[][] = [];
    const told = new SessionService({
      db: getDb(), devices, accessTokens: tokens, accessTokenLifetimeMs: 60_000, now: () => now,
      onDeviceAdded: (...args) => void added.push(args),
    });
    const s = await told.createSession({ userId: ALICE, deviceId: null, initialDeviceDisplayName: null, refreshable: false, ip: "10.0.0.1" });
    expect(added).to.deep.equal([[ALICE, s.deviceId, now, "10.0.0.1"]]);
    await told.createSession({ userId: ALICE, deviceId: s.deviceId, initialDeviceDisplayName: null, refreshable: false, ip: "10.0.0.2" });
    expect(added).to.have.length(1);
    await runInTransaction(getDb(), async (tx) => {
      await told.issueSession(tx, { userId: ALICE, deviceId: "NEW", initialDeviceDisplayName: null, refreshable: false });
      expect(added).to.have.length(1);
    });
    expect(added[1]).to.deep.equal([ALICE, "NEW", now, null]);
  });

  describe("issued tokens go into the token cache", () => {
    let cache: AccessTokenCache;
    let cached: SessionService;
    /** Authenticates from the cache alone: a database read would throw. */
    let fromCache: AccessTokenAuth;
    beforeEach(() => {
      cache = new AccessTokenCache({ now: () => now });
      const forgetTokens = (userId: string) => cache.forgetUser(userId);
      cached = new SessionService({ db: getDb(), devices, accessTokens: tokens, accessTokenLifetimeMs: 60_000, now: () => now, tokenCache: cache, forgetTokens });
      fromCache = new AccessTokenAuth({ tokens: { selectAccessToken: () => Promise.reject(new Error("read the database")) }, cache, now: () => now });
    });
    const create = (overrides: Partial<Parameters<SessionService["createSession"]>[0]> = {}) =>
      cached.createSession({ userId: ALICE, deviceId: null, initialDeviceDisplayName: null, refreshable: false, ...overrides });

    it("at login and registration (also when reusing a device ID), and at refresh", async () => {
      const s = await create();
      expect(await fromCache.authenticate(s.accessToken)).to.deep.equal({ userId: ALICE, deviceId: s.deviceId, isGuest: false, appserviceId: null });
      const reused = await create({ deviceId: s.deviceId, refreshable: true });
      expect(cache.get(reused.accessToken)).to.deep.equal(await tokens.selectAccessToken(reused.accessToken));
      expect(cache.get(s.accessToken)).to.equal(undefined);
      const inTx = await runInTransaction(getDb(), (tx) => cached.issueSession(tx, { userId: ALICE, deviceId: null, initialDeviceDisplayName: null, refreshable: false }));
      expect((await fromCache.authenticate(inTx.accessToken)).deviceId).to.equal(inTx.deviceId);
      const renewed = await cached.refresh(reused.refreshToken!);
      expect(cache.get(renewed.accessToken)).to.deep.equal(await tokens.selectAccessToken(renewed.accessToken));
      expect(cache.get(reused.accessToken)).to.equal(undefined);
    });

    it("says what the database says of guests and deactivated users", async () => {
      const users = new UsersStore(getDb());
      await runInTransaction(getDb(), async (tx) => {
        await users.insertUser(tx, { userId: "@guest:hs.test", localpart: "guest", isGuest: true, createdTs: 1 });
        await users.updateDeactivated(tx, ALICE, true);
      });
      const guest = await create({ userId: "@guest:hs.test" });
      expect(cache.get(guest.accessToken)).to.include({ isGuest: true, deactivated: false });
      const deactivated = await create();
      expect(cache.get(deactivated.accessToken)).to.include({ isGuest: false, deactivated: true });
      expect(await matrixFailure(fromCache.authenticate(deactivated.accessToken))).to.include({ errcode: "M_UNKNOWN_TOKEN" });
    });

    it("a token logged out right after it was issued is refused at once, here and after another process's forget", async () => {
      const s = await create();
      await cached.logout(ALICE, s.deviceId, s.accessToken);
      expect(cache.get(s.accessToken)).to.equal(undefined);
      const auth = new AccessTokenAuth({ tokens, cache, now: () => now });
      expect(await matrixFailure(auth.authenticate(s.accessToken))).to.include({ errcode: "M_UNKNOWN_TOKEN" });
      const other = await create();
      cache.forgetUserFromElsewhere(ALICE);
      expect(cache.get(other.accessToken)).to.equal(undefined);
    });

    it("is not cached when something else forgot the user while the session was being issued", async () => {
      const racing = Object.create(tokens) as AccessTokensStore;
      racing.insertAccessTokenReturningInfo = async (tx, token) => {
        const info = await tokens.insertAccessTokenReturningInfo(tx, token);
        cache.forgetUserFromElsewhere(ALICE);
        return info;
      };
      const raced = new SessionService({ db: getDb(), devices, accessTokens: racing, accessTokenLifetimeMs: 60_000, now: () => now, tokenCache: cache });
      const s = await raced.createSession({ userId: ALICE, deviceId: null, initialDeviceDisplayName: null, refreshable: false });
      expect(cache.get(s.accessToken)).to.equal(undefined);
      expect((await new AccessTokenAuth({ tokens, cache, now: () => now }).authenticate(s.accessToken)).userId).to.equal(ALICE);
    });

    it("is not cached when the transaction ran longer than the cache remembers invalidations", async () => {
      const slow = Object.create(tokens) as AccessTokensStore;
      slow.insertAccessTokenReturningInfo = async (tx, token) => {
        now += cache.ttlMs;
        return tokens.insertAccessTokenReturningInfo(tx, token);
      };
      const slowSessions = new SessionService({ db: getDb(), devices, accessTokens: slow, accessTokenLifetimeMs: 60_000, now: () => now, tokenCache: cache });
      const s = await slowSessions.createSession({ userId: ALICE, deviceId: null, initialDeviceDisplayName: null, refreshable: false });
      expect(cache.get(s.accessToken)).to.equal(undefined);
    });
  });

  it("a refreshable session's access token expires after the configured lifetime and comes with a refresh token", async () => {
    const s = await session({ refreshable: true });
    expect(s.expiresInMs).to.equal(60_000);
    expect(s.refreshToken).to.match(/^hrt_/);
    const info = await tokens.selectAccessToken(s.accessToken);
    expect(info?.validUntilMs).to.equal(now + 60_000);
    expect(info?.refreshTokenId).to.equal((await tokens.selectRefreshToken(s.refreshToken!))?.tokenId);
  });

  it("reusing a device ID keeps the device and its name but revokes its access and refresh tokens", async () => {
    const first = await session({ deviceId: "DEV", initialDeviceDisplayName: "Old name", refreshable: true });
    const second = await session({ deviceId: "DEV", initialDeviceDisplayName: "New name" });
    expect(second.deviceId).to.equal("DEV");
    expect(await tokens.selectAccessToken(first.accessToken)).to.equal(null);
    expect(await tokens.selectRefreshToken(first.refreshToken!)).to.equal(null);
    expect(await tokens.selectAccessToken(second.accessToken)).to.not.equal(null);
    expect((await devices.selectDevice(ALICE, "DEV"))?.displayName).to.equal("Old name");
  });

  it("refresh: new tokens on the device, the old access token gone, the old refresh token linked to the new one", async () => {
    const s = await session({ refreshable: true });
    now += 10;
    const renewed = await sessions.refresh(s.refreshToken!);
    expect(renewed.expiresInMs).to.equal(60_000);
    expect(await tokens.selectAccessToken(s.accessToken)).to.equal(null);
    const info = await tokens.selectAccessToken(renewed.accessToken);
    expect(info).to.include({ deviceId: s.deviceId, validUntilMs: now + 60_000 });
    const next = await tokens.selectRefreshToken(renewed.refreshToken);
    expect((await tokens.selectRefreshToken(s.refreshToken!))?.nextTokenId).to.equal(next?.tokenId);
    expect(info?.refreshTokenId).to.equal(next?.tokenId);
  });

  it("confirmRefresh (first use of the new access token) revokes the old refresh token; refreshing again replaces an unused successor", async () => {
    const s = await session({ refreshable: true });
    const lost = await sessions.refresh(s.refreshToken!);
    const retried = await sessions.refresh(s.refreshToken!);
    expect(await tokens.selectRefreshToken(lost.refreshToken)).to.equal(null);
    expect(await tokens.selectAccessToken(lost.accessToken)).to.equal(null);
    const info = (await tokens.selectAccessToken(retried.accessToken))!;
    await sessions.confirmRefresh(ALICE, s.deviceId, info.refreshTokenId!);
    const err = await matrixFailure(sessions.refresh(s.refreshToken!));
    expect([err.status, err.errcode, err.extra.soft_logout]).to.deep.equal([401, "M_UNKNOWN_TOKEN", false]);
    expect(await tokens.selectAccessToken(retried.accessToken)).to.not.equal(null);
  });

  it("logout deletes the device with all its tokens; a device-less token is deleted alone", async () => {
    const s = await session({ refreshable: true });
    const other = await session();
    await sessions.logout(ALICE, s.deviceId, s.accessToken);
    expect(await devices.selectDevice(ALICE, s.deviceId)).to.equal(null);
    expect(await tokens.selectRefreshToken(s.refreshToken!)).to.equal(null);
    await runInTransaction(getDb(), (tx) => tokens.insertAccessToken(tx, { token: "as", userId: ALICE, deviceId: null, validUntilMs: null }));
    await sessions.logout(ALICE, null, "as");
    expect(await tokens.selectAccessToken("as")).to.equal(null);
    expect(await tokens.selectAccessToken(other.accessToken)).to.not.equal(null);
  });

  it("logoutAll and revokeSessions end every session but the one kept", async () => {
    const a = await session();
    const b = await session();
    await runInTransaction(getDb(), (tx) => sessions.revokeSessions(tx, ALICE, { deviceId: a.deviceId, accessToken: a.accessToken }));
    expect(await tokens.selectAccessToken(a.accessToken)).to.not.equal(null);
    expect(await tokens.selectAccessToken(b.accessToken)).to.equal(null);
    await sessions.logoutAll(ALICE);
    expect(await tokens.selectAccessToken(a.accessToken)).to.equal(null);
    expect(await devices.selectDevicesByUser(ALICE)).to.deep.equal([]);
  });
});
