import { expect } from "chai";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";
import { call, registerUser, startAccountsHomeserver, whoami, type RegisteredUser } from "../../helpers/accounts.js";

const GET_TOKEN = "/_matrix/client/v1/login/get_token";
const LOGIN = "/_matrix/client/v3/login";

function passwordAuth(session: unknown, user: RegisteredUser, password = user.password): Record<string, unknown> {
  return { type: "m.login.password", session, identifier: { type: "m.id.user", user: user.userId }, password };
}

/** get_token through its UIA: the 401, then the password. */
async function getLoginToken(hs: TestHomeserver, user: RegisteredUser): Promise<{ login_token: string; expires_in_ms: number }> {
  const first = await call(hs, "POST", GET_TOKEN, { token: user.accessToken, body: {} });
  expect(first.status).to.equal(401);
  const done = await call(hs, "POST", GET_TOKEN, { token: user.accessToken, body: { auth: passwordAuth(first.body.session, user) } });
  expect(done.status, JSON.stringify(done.body)).to.equal(200);
  return done.body as { login_token: string; expires_in_ms: number };
}

for (const engine of testEngines()) {
  describe(`api/client/login-token [${engine}]`, function () {
    this.timeout(20_000);
    let hs: TestHomeserver;
    let n = 0;
    let alice: RegisteredUser;
    before(async () => {
      hs = await startAccountsHomeserver({ engine, serverName: "hs.test", configure: (c) => (c.registration.allow_guests = true) });
    });
    beforeEach(async () => {
      alice = await registerUser(hs, `alice${++n}`);
    });
    after(() => hs.stop());

    it("POST /login/get_token asks for the password (UIA), then returns a token valid for 2 minutes", async () => {
      const first = await call(hs, "POST", GET_TOKEN, { token: alice.accessToken, body: {} });
      expect(first.status).to.equal(401);
      expect(first.body.flows).to.deep.equal([{ stages: ["m.login.password"] }]);
      const wrong = await call(hs, "POST", GET_TOKEN, { token: alice.accessToken, body: { auth: passwordAuth(first.body.session, alice, "wrong") } });
      expect([wrong.status, wrong.body.errcode]).to.deep.equal([401, "M_FORBIDDEN"]);
      const done = await call(hs, "POST", GET_TOKEN, { token: alice.accessToken, body: { auth: passwordAuth(first.body.session, alice) } });
      expect(done.status).to.equal(200);
      expect(Object.keys(done.body).sort()).to.deep.equal(["expires_in_ms", "login_token"]);
      expect(done.body.expires_in_ms).to.equal(120_000);
      expect(done.body.login_token).to.be.a("string");
    });

    it("m.login.token logs the token's user in on a new device, with every usual login field; the token works once", async () => {
      const { login_token } = await getLoginToken(hs, alice);
      const res = await call(hs, "POST", LOGIN, { body: { type: "m.login.token", token: login_token, initial_device_display_name: "second", refresh_token: true } });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ user_id: alice.userId, home_server: "hs.test" });
      expect(res.body.device_id).to.match(/^[A-Z]{10}$/).and.not.equal(alice.deviceId);
      expect(res.body.access_token).to.be.a("string");
      expect(res.body.refresh_token).to.be.a("string");
      expect(res.body.expires_in_ms).to.be.a("number");
      expect((await whoami(hs, res.body.access_token)).body).to.include({ user_id: alice.userId, device_id: res.body.device_id });
      const devices = await call(hs, "GET", "/_matrix/client/v3/devices", { token: alice.accessToken });
      expect((devices.body.devices as Array<{ device_id: string; display_name?: string }>).find((d) => d.device_id === res.body.device_id))
        .to.include({ display_name: "second" });

      const reused = await call(hs, "POST", LOGIN, { body: { type: "m.login.token", token: login_token } });
      expect([reused.status, reused.body.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
    });

    it("each token needs its own password prompt: a finished UIA session does not issue another", async () => {
      const first = await call(hs, "POST", GET_TOKEN, { token: alice.accessToken, body: {} });
      const session = first.body.session;
      expect((await call(hs, "POST", GET_TOKEN, { token: alice.accessToken, body: { auth: passwordAuth(session, alice) } })).status).to.equal(200);
      const again = await call(hs, "POST", GET_TOKEN, { token: alice.accessToken, body: { auth: { session } } });
      expect([again.status, again.body.errcode]).to.deep.equal([400, "M_INVALID_PARAM"]);
    });

    it("an unknown token is 403 M_FORBIDDEN; no token is 400 M_MISSING_PARAM", async () => {
      const unknown = await call(hs, "POST", LOGIN, { body: { type: "m.login.token", token: "hlt_nope" } });
      expect([unknown.status, unknown.body.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
      const missing = await call(hs, "POST", LOGIN, { body: { type: "m.login.token" } });
      expect([missing.status, missing.body.errcode]).to.deep.equal([400, "M_MISSING_PARAM"]);
    });

    it("the token of an account deactivated since is refused: 403 M_USER_DEACTIVATED", async () => {
      const { login_token } = await getLoginToken(hs, alice);
      const deactivated = await call(hs, "POST", "/_matrix/client/v3/account/deactivate", { token: alice.accessToken, body: { auth: passwordAuth(undefined, alice) } });
      expect(deactivated.status).to.equal(200);
      const res = await call(hs, "POST", LOGIN, { body: { type: "m.login.token", token: login_token } });
      expect([res.status, res.body.errcode]).to.deep.equal([403, "M_USER_DEACTIVATED"]);
    });

    it("guests may not generate tokens (403 M_GUEST_ACCESS_FORBIDDEN) and are told so by /capabilities", async () => {
      const guest = await call(hs, "POST", "/_matrix/client/v3/register?kind=guest", { body: {} });
      const res = await call(hs, "POST", GET_TOKEN, { token: guest.body.access_token as string, body: {} });
      expect([res.status, res.body.errcode]).to.deep.equal([403, "M_GUEST_ACCESS_FORBIDDEN"]);
      const capabilities = await call(hs, "GET", "/_matrix/client/v3/capabilities", { token: guest.body.access_token as string });
      expect((capabilities.body.capabilities as Record<string, unknown>)["m.get_login_token"]).to.deep.equal({ enabled: false });
    });

    it("needs an access token, and only exists under v1", async () => {
      const res = await call(hs, "POST", GET_TOKEN, { body: {} });
      expect([res.status, res.body.errcode]).to.deep.equal([401, "M_MISSING_TOKEN"]);
      const v3 = await call(hs, "POST", "/_matrix/client/v3/login/get_token", { token: alice.accessToken, body: {} });
      expect(v3.status).to.equal(404);
    });
  });

  describe(`api/client/login-token rate limit [${engine}]`, function () {
    this.timeout(20_000);
    let hs: TestHomeserver;
    before(async () => {
      hs = await startAccountsHomeserver({ engine, configure: (c) => (c.rate_limits.login = { per_second: 0.001, burst_count: 2 }) });
    });
    after(() => hs.stop());

    it("counts against the login limit", async () => {
      const alice = await registerUser(hs, "alice");
      for (let i = 0; i < 2; i++) expect((await call(hs, "POST", GET_TOKEN, { token: alice.accessToken, body: {} })).status).to.equal(401);
      const limited = await call(hs, "POST", GET_TOKEN, { token: alice.accessToken, body: {} });
      expect([limited.status, limited.body.errcode]).to.deep.equal([429, "M_LIMIT_EXCEEDED"]);
    });
  });
}
