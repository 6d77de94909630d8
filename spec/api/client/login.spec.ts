import { expect } from "chai";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";
import { call, login, registerUser, startAccountsHomeserver, type RegisteredUser } from "../../helpers/accounts.js";

for (const engine of testEngines()) {
  describe(`api/client/login [${engine}]`, function () {
    this.timeout(20_000);
    let hs: TestHomeserver;
    let alice: RegisteredUser;
    before(async () => {
      hs = await startAccountsHomeserver({ engine, serverName: "hs.test", configure: (c) => (c.registration.allow_guests = true) });
      alice = await registerUser(hs, "alice");
    });
    after(() => hs.stop());

    it("GET /login offers m.login.password, and m.login.token with get_login_token, on the r0 and v3 paths", async () => {
      for (const version of ["r0", "v3"]) {
        const res = await call(hs, "GET", `/_matrix/client/${version}/login`);
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal({ flows: [{ type: "m.login.password" }, { type: "m.login.token", get_login_token: true }] });
      }
    });

    it("logs in by localpart, full user ID, any letter case, and the deprecated top-level user", async () => {
      for (const user of ["alice", "@alice:hs.test", "ALICE", "@Alice:hs.test"]) {
        const res = await login(hs, user, alice.password);
        expect(res.status, user).to.equal(200);
        expect(res.body).to.include({ user_id: "@alice:hs.test", home_server: "hs.test" });
        expect(res.body.access_token).to.be.a("string");
        expect(res.body.device_id).to.match(/^[A-Z]{10}$/);
        expect(res.body).to.not.have.any.keys("refresh_token", "expires_in_ms");
      }
      const legacy = await call(hs, "POST", "/_matrix/client/r0/login", { body: { type: "m.login.password", user: "alice", password: alice.password } });
      expect(legacy.status).to.equal(200);
      const whoami = await call(hs, "GET", "/_matrix/client/v3/account/whoami", { token: legacy.body.access_token as string });
      expect(whoami.body).to.include({ user_id: "@alice:hs.test", device_id: legacy.body.device_id });
    });

    it("a wrong password, an unknown user and another server's user all get 403 M_FORBIDDEN", async () => {
      for (const [user, password] of [["alice", "wrong"], ["nobody", "x"], ["@alice:elsewhere.test", alice.password]]) {
        const res = await login(hs, user!, password!);
        expect(res.status, user).to.equal(403);
        expect(res.body.errcode).to.equal("M_FORBIDDEN");
      }
    });

    it("third-party identifiers are unknown here: 403 M_FORBIDDEN", async () => {
      const thirdParty = await call(hs, "POST", "/_matrix/client/v3/login", {
        body: { type: "m.login.password", identifier: { type: "m.id.thirdparty", medium: "email", address: "a@b.test" }, password: "x" },
      });
      const phone = await call(hs, "POST", "/_matrix/client/v3/login", {
        body: { type: "m.login.password", identifier: { type: "m.id.phone", country: "GB", phone: "123" }, password: "x" },
      });
      const legacy = await call(hs, "POST", "/_matrix/client/v3/login", { body: { type: "m.login.password", medium: "email", address: "a@b.test", password: "x" } });
      for (const res of [thirdParty, phone, legacy]) expect([res.status, res.body.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
    });

    it("refuses login types it does not offer with 400 M_UNKNOWN", async () => {
      for (const type of ["m.login.sso", "org.example.magic"]) {
        const res = await call(hs, "POST", "/_matrix/client/v3/login", { body: { type, token: "abc" } });
        expect([res.status, res.body.errcode], type).to.deep.equal([400, "M_UNKNOWN"]);
      }
      const badIdentifier = await call(hs, "POST", "/_matrix/client/v3/login", { body: { type: "m.login.password", identifier: { type: "m.id.nope" }, password: "x" } });
      expect([badIdentifier.status, badIdentifier.body.errcode]).to.deep.equal([400, "M_UNKNOWN"]);
    });

    it("names missing and malformed parameters: M_MISSING_PARAM, M_BAD_JSON, M_NOT_JSON", async () => {
      const noPassword = await call(hs, "POST", "/_matrix/client/v3/login", { body: { type: "m.login.password", identifier: { type: "m.id.user", user: "alice" } } });
      expect([noPassword.status, noPassword.body.errcode]).to.deep.equal([400, "M_MISSING_PARAM"]);
      const noUser = await call(hs, "POST", "/_matrix/client/v3/login", { body: { type: "m.login.password", password: "x" } });
      expect([noUser.status, noUser.body.errcode]).to.deep.equal([400, "M_MISSING_PARAM"]);
      const noIdentifierUser = await call(hs, "POST", "/_matrix/client/v3/login", { body: { type: "m.login.password", identifier: { type: "m.id.user" }, password: "x" } });
      expect([noIdentifierUser.status, noIdentifierUser.body.errcode]).to.deep.equal([400, "M_MISSING_PARAM"]);
      const noType = await call(hs, "POST", "/_matrix/client/v3/login", { body: { user: "alice", password: "x" } });
      expect([noType.status, noType.body.errcode]).to.deep.equal([400, "M_BAD_JSON"]);
      const wrongType = await call(hs, "POST", "/_matrix/client/v3/login", { body: { type: "m.login.password", user: "alice", password: 5 } });
      expect([wrongType.status, wrongType.body.errcode]).to.deep.equal([400, "M_BAD_JSON"]);
      const notJson = await call(hs, "POST", "/_matrix/client/v3/login", { body: "{nope" });
      expect([notJson.status, notJson.body.errcode]).to.deep.equal([400, "M_NOT_JSON"]);
    });

    it("names a new device as asked; logging in again with its ID keeps the device and replaces its token", async () => {
      const first = await login(hs, "alice", alice.password, { device_id: "PHONE", initial_device_display_name: "Alice's phone" });
      expect(first.body.device_id).to.equal("PHONE");
      const second = await login(hs, "alice", alice.password, { device_id: "PHONE", initial_device_display_name: "ignored" });
      expect(second.body.device_id).to.equal("PHONE");
      const old = await call(hs, "GET", "/_matrix/client/v3/account/whoami", { token: first.body.access_token as string });
      expect([old.status, old.body.errcode, old.body.soft_logout]).to.deep.equal([401, "M_UNKNOWN_TOKEN", false]);
      const device = await call(hs, "GET", "/_matrix/client/v3/devices/PHONE", { token: second.body.access_token as string });
      expect(device.body.display_name).to.equal("Alice's phone");
    });

    it("gives an expiring access token and a refresh token when asked", async () => {
      const res = await login(hs, "alice", alice.password, { refresh_token: true });
      expect(res.body.refresh_token).to.be.a("string");
      expect(res.body.expires_in_ms).to.equal(hs.config.session.access_token_lifetime_ms);
    });

    it("a guest has no password to log in with", async () => {
      const guest = await call(hs, "POST", "/_matrix/client/v3/register?kind=guest", { body: {} });
      const localpart = (guest.body.user_id as string).slice(1).split(":")[0]!;
      const res = await login(hs, localpart, "");
      expect([res.status, res.body.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
    });

    it("a deactivated account with the right password gets 403 M_USER_DEACTIVATED, a wrong one M_FORBIDDEN", async () => {
      const carol = await registerUser(hs, "carol");
      await hs.homeserver.users.deactivateUser(carol.userId);
      const right = await login(hs, "carol", carol.password);
      expect([right.status, right.body.errcode]).to.deep.equal([403, "M_USER_DEACTIVATED"]);
      const wrong = await login(hs, "carol", "wrong");
      expect([wrong.status, wrong.body.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
    });
  });
}

describe("api/client/login: rate limits", function () {
  this.timeout(20_000);
  let hs: TestHomeserver;
  before(async () => {
    hs = await startAccountsHomeserver({ configure: (c) => (c.rate_limits.login = { per_second: 0.001, burst_count: 2 }) });
  });
  after(() => hs.stop());

  it("refuses the attempt past the burst with 429 M_LIMIT_EXCEEDED, retry_after_ms and Retry-After", async () => {
    for (let i = 0; i < 2; i++) expect((await login(hs, "nobody", "x")).status).to.equal(403);
    const limited = await login(hs, "nobody", "x");
    expect(limited.status).to.equal(429);
    expect(limited.body.errcode).to.equal("M_LIMIT_EXCEEDED");
    expect(limited.body.retry_after_ms).to.be.a("number").greaterThan(0);
    expect(Number(limited.headers.get("retry-after"))).to.equal(Math.ceil((limited.body.retry_after_ms as number) / 1000));
  });

  it("does not limit when rate_limits.enabled is false", async () => {
    const open = await startAccountsHomeserver({
      configure: (c) => {
        c.rate_limits.enabled = false;
        c.rate_limits.login = { per_second: 0.001, burst_count: 1 };
      },
    });
    try {
      for (let i = 0; i < 4; i++) expect((await login(open, "nobody", "x")).status).to.equal(403);
    } finally {
      await open.stop();
    }
  });
});
