import { expect } from "chai";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";
import { call, login, registerUser, startAccountsHomeserver, whoami } from "../../helpers/accounts.js";

const REGISTER = "/_matrix/client/v3/register";

for (const engine of testEngines()) {
  describe(`api/client/register [${engine}]`, function () {
    this.timeout(20_000);
    let hs: TestHomeserver;
    before(async () => {
      hs = await startAccountsHomeserver({ engine, serverName: "hs.test", configure: (c) => (c.registration.allow_guests = true) });
    });
    after(() => hs.stop());


    it("answers a request without auth with the UIA 401: the dummy flow, params and a session, no errcode", async () => {
      for (const body of [{}, { username: "first", password: "pw" }]) {
        const res = await call(hs, "POST", REGISTER, { body });
        expect(res.status).to.equal(401);
        expect(res.body).to.have.all.keys("flows", "params", "session");
        expect(res.body.flows).to.deep.equal([{ stages: ["m.login.dummy"] }]);
        expect(res.body.params).to.deep.equal({});
      }
    });

    it("registers and logs in once m.login.dummy completes the session", async () => {
      const first = await call(hs, "POST", "/_matrix/client/r0/register", { body: { username: "alice", password: "pw" } });
      const done = await call(hs, "POST", "/_matrix/client/r0/register", {
        body: { username: "alice", password: "pw", initial_device_display_name: "Laptop", auth: { type: "m.login.dummy", session: first.body.session } },
      });
      expect(done.status).to.equal(200);
      expect(done.body).to.include({ user_id: "@alice:hs.test", home_server: "hs.test" });
      expect(done.body).to.not.have.any.keys("refresh_token", "expires_in_ms");
      expect((await whoami(hs, done.body.access_token)).body).to.include({ user_id: "@alice:hs.test", device_id: done.body.device_id });
      const device = await call(hs, "GET", `/_matrix/client/v3/devices/${done.body.device_id as string}`, { token: done.body.access_token as string });
      expect(device.body.display_name).to.equal("Laptop");
      expect((await login(hs, "alice", "pw")).status).to.equal(200);
      // The session authorised one registration only.
      const again = await call(hs, "POST", REGISTER, { body: { username: "alice2", password: "pw", auth: { type: "m.login.dummy", session: first.body.session } } });
      expect([again.status, again.body.errcode]).to.deep.equal([400, "M_INVALID_PARAM"]);
    });

    it("accepts a first stage without a session, and honours device_id and refresh_token", async () => {
      const res = await call(hs, "POST", REGISTER, { body: { username: "bob", password: "pw", device_id: "BOBDEV", refresh_token: true, auth: { type: "m.login.dummy" } } });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ user_id: "@bob:hs.test", device_id: "BOBDEV" });
      expect(res.body.refresh_token).to.be.a("string");
      expect(res.body.expires_in_ms).to.equal(hs.config.session.access_token_lifetime_ms);
    });

    it("with inhibit_login answers only the user ID and logs nobody in", async () => {
      const res = await call(hs, "POST", REGISTER, { body: { username: "quiet", password: "pw", inhibit_login: true, auth: { type: "m.login.dummy" } } });
      expect([res.status, res.body]).to.deep.equal([200, { user_id: "@quiet:hs.test", home_server: "hs.test" }]);
      const session = await login(hs, "quiet", "pw");
      const devices = await call(hs, "GET", "/_matrix/client/v3/devices", { token: session.body.access_token as string });
      expect((devices.body.devices as unknown[]).length).to.equal(1);
    });

    it("checks the username before UIA: M_USER_IN_USE and M_INVALID_USERNAME come without a session", async () => {
      await registerUser(hs, "taken");
      const inUse = await call(hs, "POST", REGISTER, { body: { username: "taken", password: "pw" } });
      expect([inUse.status, inUse.body.errcode]).to.deep.equal([400, "M_USER_IN_USE"]);
      const upper = await call(hs, "POST", REGISTER, { body: { username: "TAKEN", password: "pw" } });
      expect(upper.body.errcode).to.equal("M_USER_IN_USE");
      for (const username of ["bad name", "émile", "", "a:b", "x".repeat(250)]) {
        const res = await call(hs, "POST", REGISTER, { body: { username, password: "pw" } });
        expect([res.status, res.body.errcode], username).to.deep.equal([400, "M_INVALID_USERNAME"]);
      }
    });

    it("maps a username to lower case", async () => {
      const carol = await registerUser(hs, "Carol");
      expect(carol.userId).to.equal("@carol:hs.test");
    });

    it("generates a localpart when no username is given", async () => {
      const res = await call(hs, "POST", REGISTER, { body: { password: "pw", auth: { type: "m.login.dummy" } } });
      expect(res.status).to.equal(200);
      expect(res.body.user_id).to.match(/^@[a-z0-9]{12}:hs\.test$/);
    });

    it("needs a password once authenticated: 400 M_MISSING_PARAM", async () => {
      const res = await call(hs, "POST", REGISTER, { body: { username: "nopass", auth: { type: "m.login.dummy" } } });
      expect([res.status, res.body.errcode]).to.deep.equal([400, "M_MISSING_PARAM"]);
    });

    it("refuses an unknown session (M_INVALID_PARAM), a stage of no flow (401 M_FORBIDDEN), an unknown kind (M_INVALID_PARAM), a malformed body (M_BAD_JSON)", async () => {
      const unknown = await call(hs, "POST", REGISTER, { body: { username: "x1", password: "pw", auth: { type: "m.login.dummy", session: "nope" } } });
      expect([unknown.status, unknown.body.errcode]).to.deep.equal([400, "M_INVALID_PARAM"]);
      const wrongStage = await call(hs, "POST", REGISTER, { body: { username: "x1", password: "pw", auth: { type: "m.login.password", password: "pw" } } });
      expect([wrongStage.status, wrongStage.body.errcode]).to.deep.equal([401, "M_FORBIDDEN"]);
      expect(wrongStage.body.flows).to.deep.equal([{ stages: ["m.login.dummy"] }]);
      expect(wrongStage.body.session).to.be.a("string");
      const kind = await call(hs, "POST", `${REGISTER}?kind=admin`, { body: {} });
      expect([kind.status, kind.body.errcode]).to.deep.equal([400, "M_INVALID_PARAM"]);
      const badAuth = await call(hs, "POST", REGISTER, { body: { username: "x1", auth: "dummy" } });
      expect([badAuth.status, badAuth.body.errcode]).to.deep.equal([400, "M_BAD_JSON"]);
    });

    it("registers guests without UIA, ignoring all but the device's display name", async () => {
      const res = await call(hs, "POST", `${REGISTER}?kind=guest`, {
        body: { username: "ignored", password: "ignored", device_id: "IGNORED", refresh_token: true, initial_device_display_name: "Guest tab" },
      });
      expect(res.status).to.equal(200);
      expect(res.body.user_id).to.match(/^@[a-z0-9]{12}:hs\.test$/);
      expect(res.body.device_id).to.match(/^[A-Z]{10}$/);
      expect(res.body).to.not.have.any.keys("refresh_token", "expires_in_ms");
      expect((await whoami(hs, res.body.access_token)).body.is_guest).to.equal(true);
      const device = await call(hs, "GET", `/_matrix/client/v3/devices/${res.body.device_id as string}`, { token: res.body.access_token as string });
      expect(device.body.display_name).to.equal("Guest tab");
    });

    it("upgrades a guest who registers with guest_access_token, keeping the user ID", async () => {
      const guest = await call(hs, "POST", `${REGISTER}?kind=guest`, { body: {} });
      const localpart = (guest.body.user_id as string).slice(1).split(":")[0]!;
      const upgraded = await call(hs, "POST", REGISTER, {
        body: { username: localpart, password: "now-real", guest_access_token: guest.body.access_token, auth: { type: "m.login.dummy" } },
      });
      expect(upgraded.status).to.equal(200);
      expect(upgraded.body.user_id).to.equal(guest.body.user_id);
      expect((await whoami(hs, upgraded.body.access_token)).body.is_guest).to.equal(false);
      expect((await login(hs, localpart, "now-real")).status).to.equal(200);
      // The account is no guest any more.
      const twice = await call(hs, "POST", REGISTER, { body: { password: "pw", guest_access_token: upgraded.body.access_token, auth: { type: "m.login.dummy" } } });
      expect([twice.status, twice.body.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
    });

    it("refuses a guest upgrade under another username (M_FORBIDDEN) or with a bad token (M_UNKNOWN_TOKEN)", async () => {
      const guest = await call(hs, "POST", `${REGISTER}?kind=guest`, { body: {} });
      const other = await call(hs, "POST", REGISTER, { body: { username: "someoneelse", password: "pw", guest_access_token: guest.body.access_token } });
      expect([other.status, other.body.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
      const bad = await call(hs, "POST", REGISTER, { body: { password: "pw", guest_access_token: "hat_nothing" } });
      expect([bad.status, bad.body.errcode]).to.deep.equal([401, "M_UNKNOWN_TOKEN"]);
    });

    it("GET /register/available: true when free, else M_USER_IN_USE or M_INVALID_USERNAME; M_MISSING_PARAM without a name", async () => {
      await registerUser(hs, "dave");
      expect(await call(hs, "GET", "/_matrix/client/v3/register/available?username=freename")).to.deep.include({ status: 200, body: { available: true } });
      const taken = await call(hs, "GET", "/_matrix/client/r0/register/available?username=dave");
      expect([taken.status, taken.body.errcode]).to.deep.equal([400, "M_USER_IN_USE"]);
      const invalid = await call(hs, "GET", "/_matrix/client/v3/register/available?username=no%20spaces");
      expect([invalid.status, invalid.body.errcode]).to.deep.equal([400, "M_INVALID_USERNAME"]);
      const missing = await call(hs, "GET", "/_matrix/client/v3/register/available");
      expect([missing.status, missing.body.errcode]).to.deep.equal([400, "M_MISSING_PARAM"]);
    });
  });
}

describe("api/client/register: configuration", function () {
  this.timeout(20_000);

  it("with registration disabled: 403 M_FORBIDDEN for users, availability and token validity; guests still per allow_guests", async () => {
    const hs = await startAccountsHomeserver({
      configure: (c) => {
        c.registration.enabled = false;
        c.registration.allow_guests = true;
      },
    });
    try {
      for (const [method, path] of [["POST", REGISTER], ["GET", "/_matrix/client/v3/register/available?username=x"], ["GET", "/_matrix/client/v1/register/m.login.registration_token/validity?token=x"]] as const) {
        const res = await call(hs, method, path, method === "POST" ? { body: { username: "x", password: "pw", auth: { type: "m.login.dummy" } } } : {});
        expect([res.status, res.body.errcode], path).to.deep.equal([403, "M_FORBIDDEN"]);
      }
      expect((await call(hs, "POST", `${REGISTER}?kind=guest`, { body: {} })).status).to.equal(200);
    } finally {
      await hs.stop();
    }
  });

  it("without allow_guests: 403 M_GUEST_ACCESS_FORBIDDEN for kind=guest", async () => {
    const hs = await startAccountsHomeserver();
    try {
      const res = await call(hs, "POST", `${REGISTER}?kind=guest`, { body: {} });
      expect([res.status, res.body.errcode]).to.deep.equal([403, "M_GUEST_ACCESS_FORBIDDEN"]);
    } finally {
      await hs.stop();
    }
  });

  it("rate-limits registration attempts per address (429 M_LIMIT_EXCEEDED)", async () => {
    const hs = await startAccountsHomeserver({ configure: (c) => (c.rate_limits.registration = { per_second: 0.001, burst_count: 2 }) });
    try {
      expect((await call(hs, "POST", REGISTER, { body: {} })).status).to.equal(401);
      expect((await call(hs, "GET", "/_matrix/client/v3/register/available?username=a")).status).to.equal(200);
      const limited = await call(hs, "POST", REGISTER, { body: {} });
      expect([limited.status, limited.body.errcode]).to.deep.equal([429, "M_LIMIT_EXCEEDED"]);
      expect(limited.headers.get("retry-after")).to.match(/^\d+$/);
    } finally {
      await hs.stop();
    }
  });
});

for (const engine of testEngines()) {
  describe(`api/client/register: registration tokens [${engine}]`, function () {
    this.timeout(20_000);
    let hs: TestHomeserver;
    before(async () => {
      hs = await startAccountsHomeserver({ engine, configure: (c) => (c.registration.require_token = true) });
    });
    after(() => hs.stop());

    const tokenRow = async (token: string) => (await hs.homeserver.accounts.registrationTokens.listTokens()).find((t) => t.token === token);
    const validity = (token: string) => call(hs, "GET", `/_matrix/client/v1/register/m.login.registration_token/validity?token=${token}`);

    it("offers only the registration token flow", async () => {
      const res = await call(hs, "POST", REGISTER, { body: { username: "u0", password: "pw" } });
      expect(res.body.flows).to.deep.equal([{ stages: ["m.login.registration_token"] }]);
      const dummy = await call(hs, "POST", REGISTER, { body: { username: "u0", password: "pw", auth: { type: "m.login.dummy", session: res.body.session } } });
      expect([dummy.status, dummy.body.errcode]).to.deep.equal([401, "M_FORBIDDEN"]);
    });

    it("refuses an unknown token with a 401 the client can retry, and registers with a good one, counting the use", async () => {
      await hs.homeserver.accounts.registrationTokens.createToken({ token: "good1", usesAllowed: 1 });
      const first = await call(hs, "POST", REGISTER, { body: { username: "u1", password: "pw" } });
      const bad = await call(hs, "POST", REGISTER, { body: { username: "u1", password: "pw", auth: { type: "m.login.registration_token", token: "wrong", session: first.body.session } } });
      expect(bad.status).to.equal(401);
      expect(bad.body).to.include({ errcode: "M_UNAUTHORIZED", session: first.body.session });
      expect(bad.body).to.not.have.key("completed");
      const good = await call(hs, "POST", REGISTER, { body: { username: "u1", password: "pw", auth: { type: "m.login.registration_token", token: "good1", session: first.body.session } } });
      expect(good.status).to.equal(200);
      expect(await tokenRow("good1")).to.include({ pending: 0, completed: 1 });
      expect((await validity("good1")).body).to.deep.equal({ valid: false });
      const usedUp = await call(hs, "POST", REGISTER, { body: { username: "u2", password: "pw", auth: { type: "m.login.registration_token", token: "good1" } } });
      expect([usedUp.status, usedUp.body.errcode]).to.deep.equal([401, "M_UNAUTHORIZED"]);
    });

    it("holds a use while the registration is unfinished, and does not take a second one when the stage is retried", async () => {
      await hs.homeserver.accounts.registrationTokens.createToken({ token: "good2", usesAllowed: 2 });
      const first = await call(hs, "POST", REGISTER, { body: { username: "u3" } });
      const auth = { type: "m.login.registration_token", token: "good2", session: first.body.session };
      // The stage completes, but the registration cannot: no password.
      const noPassword = await call(hs, "POST", REGISTER, { body: { username: "u3", auth } });
      expect([noPassword.status, noPassword.body.errcode]).to.deep.equal([400, "M_MISSING_PARAM"]);
      expect(await tokenRow("good2")).to.include({ pending: 1, completed: 0 });
      const retried = await call(hs, "POST", REGISTER, { body: { username: "u3", password: "pw", auth } });
      expect(retried.status).to.equal(200);
      expect(await tokenRow("good2")).to.include({ pending: 0, completed: 1 });
    });

    it("GET …/validity: true for a usable token, false for an unknown one, M_MISSING_PARAM without one", async () => {
      await hs.homeserver.accounts.registrationTokens.createToken({ token: "fresh" });
      expect((await validity("fresh")).body).to.deep.equal({ valid: true });
      expect((await validity("unknown")).body).to.deep.equal({ valid: false });
      const missing = await call(hs, "GET", "/_matrix/client/v1/register/m.login.registration_token/validity");
      expect([missing.status, missing.body.errcode]).to.deep.equal([400, "M_MISSING_PARAM"]);
    });
  });
}
