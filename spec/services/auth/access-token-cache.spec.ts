import { expect } from "chai";
import { AccessTokenAuth } from "../../../src/services/auth/access-token-auth.js";
import { AccessTokenCache } from "../../../src/services/auth/access-token-cache.js";
import type { AccessTokenInfo } from "../../../src/storage/stores/access-tokens-store.js";
import { call, login, registerUser, startAccountsHomeserver, whoami, type RegisteredUser } from "../../helpers/accounts.js";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";

const alice: AccessTokenInfo = { tokenId: 1, userId: "@alice:x", deviceId: "A", validUntilMs: null, refreshTokenId: null, isGuest: false, deactivated: false };
const bob: AccessTokenInfo = { ...alice, tokenId: 2, userId: "@bob:x", deviceId: "B" };

describe("AccessTokenCache", () => {
  let now = 0;
  const cache = (options: { maxEntries?: number; ttlMs?: number } = {}) => new AccessTokenCache({ ttlMs: 1000, ...options, now: () => now });
  beforeEach(() => (now = 0));

  it("answers a stored token until its TTL, counted from the start of its read, has passed", () => {
    const tokens = cache();
    const read = tokens.startRead();
    now = 100;
    tokens.set("a", alice, read);
    now = 999;
    expect(tokens.get("a")).to.equal(alice);
    now = 1000;
    expect(tokens.get("a")).to.equal(undefined);
    expect(tokens.size).to.equal(0);
  });

  it("forgets every token of one user, and only theirs", () => {
    const tokens = cache();
    tokens.set("a1", alice, tokens.startRead());
    tokens.set("a2", { ...alice, deviceId: "A2" }, tokens.startRead());
    tokens.set("b", bob, tokens.startRead());
    tokens.forgetUser("@alice:x");
    expect([tokens.get("a1"), tokens.get("a2"), tokens.get("b")]).to.deep.equal([undefined, undefined, bob]);
  });

  it("does not keep what a read found when the user was forgotten while it ran", () => {
    const tokens = cache();
    const read = tokens.startRead();
    tokens.forgetUser("@alice:x");
    tokens.set("a", alice, read);
    tokens.set("b", bob, read);
    expect(tokens.get("a")).to.equal(undefined);
    expect(tokens.get("b")).to.equal(bob);
    // A read started after the invalidation is kept.
    tokens.set("a", alice, tokens.startRead());
    expect(tokens.get("a")).to.equal(alice);
  });

  it("still refuses a stale read once the invalidation record has been pruned", () => {
    const tokens = cache();
    const read = tokens.startRead();
    tokens.forgetUser("@alice:x");
    now = 5000;
    tokens.forgetUser("@bob:x"); // prunes alice's record, older than the TTL
    tokens.set("a", alice, read);
    // Kept, but already expired: it was read at 0 with a TTL of 1000.
    expect(tokens.get("a")).to.equal(undefined);
  });

  it("holds at most maxEntries tokens, dropping the least recently used", () => {
    const tokens = cache({ maxEntries: 2 });
    tokens.set("a", alice, tokens.startRead());
    tokens.set("b", bob, tokens.startRead());
    tokens.get("a");
    tokens.set("c", { ...bob, tokenId: 3 }, tokens.startRead());
    expect([tokens.get("a"), tokens.get("b")]).to.deep.equal([alice, undefined]);
    expect(tokens.size).to.equal(2);
  });
});

describe("AccessTokenAuth with an AccessTokenCache", () => {
  function countingStore(rows: Map<string, AccessTokenInfo>) {
    const store = {
      reads: 0,
      selectAccessToken: async (token: string) => {
        store.reads++;
        return rows.get(token) ?? null;
      },
    };
    return store;
  }

  it("reads a known token once, and an unknown one every time", async () => {
    const store = countingStore(new Map([["tok", alice]]));
    const auth = new AccessTokenAuth({ tokens: store, cache: new AccessTokenCache() });
    for (let i = 0; i < 3; i++) expect((await auth.authenticate("tok")).userId).to.equal("@alice:x");
    expect(store.reads).to.equal(1);
    for (let i = 0; i < 2; i++) await auth.authenticate("nope").catch(() => undefined);
    expect(store.reads).to.equal(3);
  });

  it("reads the token again once its user is forgotten: a deleted token fails at once", async () => {
    const rows = new Map([["tok", alice]]);
    const store = countingStore(rows);
    const cache = new AccessTokenCache();
    const auth = new AccessTokenAuth({ tokens: store, cache });
    await auth.authenticate("tok");
    rows.delete("tok");
    cache.forgetUser("@alice:x");
    const err = await auth.authenticate("tok").then(() => null, (e: unknown) => e as { status: number });
    expect(err?.status).to.equal(401);
  });

  it("checks the expiry of a cached refreshable token on every request", async () => {
    let now = 1000;
    const auth = new AccessTokenAuth({ tokens: countingStore(new Map([["tok", { ...alice, validUntilMs: 1500 }]])), now: () => now });
    await auth.authenticate("tok");
    now = 1500;
    const err = await auth.authenticate("tok").then(() => null, (e: unknown) => e as { toJSON(): Record<string, unknown> });
    expect(err?.toJSON()).to.include({ errcode: "M_UNKNOWN_TOKEN", soft_logout: true });
  });
});

/**
 * Every path that deletes tokens or changes what they say, over HTTP: the token is used (and so
 * cached) just before, and must fail (or tell the truth) in the very next request.
 */
for (const engine of testEngines()) {
  describe(`access token cache invalidation over HTTP [${engine}]`, function () {
    this.timeout(20_000);
    let hs: TestHomeserver;
    let n = 0;
    let user: RegisteredUser;
    before(async () => {
      hs = await startAccountsHomeserver({ engine, configure: (c) => (c.registration.allow_guests = true) });
    });
    after(() => hs.stop());
    beforeEach(async () => {
      user = await registerUser(hs, `cached${++n}`);
    });

    const localpart = () => user.userId.slice(1).split(":")[0]!;
    const passwordAuth = (session: unknown) => ({ type: "m.login.password", session, identifier: { type: "m.id.user", user: localpart() }, password: user.password });
    /** A second session of the user, used once so that its token is cached. */
    const cachedSession = async (extra: Record<string, unknown> = {}) => {
      const session = await login(hs, localpart(), user.password, extra);
      expect((await whoami(hs, session.body.access_token)).status).to.equal(200);
      return { token: session.body.access_token as string, deviceId: session.body.device_id as string, refreshToken: session.body.refresh_token as string | undefined };
    };
    const expectGone = async (token: string) => {
      const res = await whoami(hs, token);
      expect([res.status, res.body.errcode]).to.deep.equal([401, "M_UNKNOWN_TOKEN"]);
    };
    /** Runs a UIA-protected request: the first call for the session, then with m.login.password. */
    const withPassword = async (method: string, path: string, body: Record<string, unknown>, token?: string) => {
      const first = await call(hs, method, path, { token, body });
      expect(first.status).to.equal(401);
      const done = await call(hs, method, path, { token, body: { ...body, auth: passwordAuth(first.body.session) } });
      expect(done.status, JSON.stringify(done.body)).to.equal(200);
    };

    it("POST /logout", async () => {
      const session = await cachedSession();
      expect((await call(hs, "POST", "/_matrix/client/v3/logout", { token: session.token })).status).to.equal(200);
      await expectGone(session.token);
    });

    it("POST /logout of a token cached at login, never used before", async () => {
      const session = await login(hs, localpart(), user.password);
      const token = session.body.access_token as string;
      expect((await call(hs, "POST", "/_matrix/client/v3/logout", { token })).status).to.equal(200);
      await expectGone(token);
    });

    it("POST /logout/all", async () => {
      const session = await cachedSession();
      expect((await call(hs, "POST", "/_matrix/client/v3/logout/all", { token: user.accessToken })).status).to.equal(200);
      await expectGone(session.token);
      await expectGone(user.accessToken);
    });

    it("DELETE /devices/{deviceId}", async () => {
      const session = await cachedSession();
      await withPassword("DELETE", `/_matrix/client/v3/devices/${session.deviceId}`, {}, user.accessToken);
      await expectGone(session.token);
    });

    it("POST /delete_devices", async () => {
      const session = await cachedSession();
      await withPassword("POST", "/_matrix/client/v3/delete_devices", { devices: [session.deviceId] }, user.accessToken);
      await expectGone(session.token);
    });

    it("POST /account/password (the other sessions end)", async () => {
      const session = await cachedSession();
      await withPassword("POST", "/_matrix/client/v3/account/password", { new_password: "changed" }, user.accessToken);
      await expectGone(session.token);
      expect((await whoami(hs, user.accessToken)).status).to.equal(200);
    });

    it("POST /account/deactivate", async () => {
      const session = await cachedSession();
      await withPassword("POST", "/_matrix/client/v3/account/deactivate", {}, user.accessToken);
      await expectGone(session.token);
      await expectGone(user.accessToken);
    });

    it("POST /login naming an existing device replaces its token", async () => {
      const session = await cachedSession();
      await cachedSession({ device_id: session.deviceId });
      await expectGone(session.token);
    });

    it("POST /refresh invalidates the access token it replaces", async () => {
      const session = await cachedSession({ refresh_token: true });
      const renewed = await call(hs, "POST", "/_matrix/client/v3/refresh", { body: { refresh_token: session.refreshToken } });
      expect(renewed.status).to.equal(200);
      await expectGone(session.token);
    });

    it("a guest upgraded by registering is no guest on its next request", async () => {
      const guest = await call(hs, "POST", "/_matrix/client/v3/register?kind=guest", { body: {} });
      const token = guest.body.access_token as string;
      expect((await whoami(hs, token)).body.is_guest).to.equal(true);
      const name = (guest.body.user_id as string).slice(1).split(":")[0]!;
      const upgraded = await call(hs, "POST", "/_matrix/client/v3/register", {
        body: { username: name, password: "pw", guest_access_token: token, inhibit_login: true, auth: { type: "m.login.dummy" } },
      });
      expect(upgraded.status).to.equal(200);
      expect((await whoami(hs, token)).body.is_guest).to.equal(false);
    });
  });
}
