import { expect } from "chai";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";
import { call, login, registerUser, startAccountsHomeserver, whoami, type RegisteredUser } from "../../helpers/accounts.js";

const PASSWORD = "/_matrix/client/v3/account/password";
const DEACTIVATE = "/_matrix/client/v3/account/deactivate";

function passwordAuth(session: unknown, user: string, password: string): Record<string, unknown> {
  return { type: "m.login.password", session, identifier: { type: "m.id.user", user }, password };
}

for (const engine of testEngines()) {
  describe(`api/client/account [${engine}]`, function () {
    this.timeout(20_000);
    let hs: TestHomeserver;
    before(async () => {
      hs = await startAccountsHomeserver({ engine, serverName: "hs.test", configure: (c) => (c.registration.allow_guests = true) });
    });
    after(() => hs.stop());


    describe("POST /account/password", () => {
      let alice: RegisteredUser;
      let n = 0;
      beforeEach(async () => {
        alice = await registerUser(hs, `alice${++n}`);
      });

      it("asks for m.login.password, then changes the password and logs out the other devices only", async () => {
        const other = await login(hs, alice.userId, alice.password);
        const first = await call(hs, "POST", PASSWORD, { token: alice.accessToken, body: { new_password: "new-pw" } });
        expect(first.status).to.equal(401);
        expect(first.body.flows).to.deep.equal([{ stages: ["m.login.password"] }]);
        expect(first.body).to.not.have.key("errcode");
        const done = await call(hs, "POST", PASSWORD, { token: alice.accessToken, body: { new_password: "new-pw", auth: passwordAuth(first.body.session, alice.userId, alice.password) } });
        expect([done.status, done.body]).to.deep.equal([200, {}]);
        expect((await whoami(hs, alice.accessToken)).status).to.equal(200);
        expect((await whoami(hs, other.body.access_token)).body.errcode).to.equal("M_UNKNOWN_TOKEN");
        expect((await login(hs, alice.userId, alice.password)).status).to.equal(403);
        expect((await login(hs, alice.userId, "new-pw")).status).to.equal(200);
      });

      it("keeps the other devices logged in with logout_devices false", async () => {
        const other = await login(hs, alice.userId, alice.password);
        const body = { new_password: "new-pw", logout_devices: false, auth: passwordAuth(undefined, alice.userId, alice.password) };
        expect((await call(hs, "POST", PASSWORD, { token: alice.accessToken, body })).status).to.equal(200);
        expect((await whoami(hs, other.body.access_token)).status).to.equal(200);
      });

      it("a wrong password is a 401 with M_FORBIDDEN that can be retried in the same session", async () => {
        const first = await call(hs, "POST", PASSWORD, { token: alice.accessToken, body: { new_password: "x" } });
        const wrong = await call(hs, "POST", PASSWORD, { token: alice.accessToken, body: { new_password: "x", auth: passwordAuth(first.body.session, alice.userId, "wrong") } });
        expect(wrong.status).to.equal(401);
        expect(wrong.body).to.include({ errcode: "M_FORBIDDEN", session: first.body.session });
        expect(wrong.body.flows).to.deep.equal([{ stages: ["m.login.password"] }]);
        const right = await call(hs, "POST", PASSWORD, { token: alice.accessToken, body: { new_password: "x", auth: passwordAuth(first.body.session, alice.userId, alice.password) } });
        expect(right.status).to.equal(200);
      });

      it("proving another user's password is refused (401 M_FORBIDDEN)", async () => {
        const bob = await registerUser(hs, "bob");
        const res = await call(hs, "POST", PASSWORD, { token: alice.accessToken, body: { new_password: "x", auth: passwordAuth(undefined, bob.userId, bob.password) } });
        expect([res.status, res.body.errcode]).to.deep.equal([401, "M_FORBIDDEN"]);
      });

      it("works without an access token, for the user the password stage names", async () => {
        const res = await call(hs, "POST", PASSWORD, { body: { new_password: "anon-pw", auth: passwordAuth(undefined, alice.userId, alice.password) } });
        expect(res.status).to.equal(200);
        expect((await whoami(hs, alice.accessToken)).status).to.equal(401);
        expect((await login(hs, alice.userId, "anon-pw")).status).to.equal(200);
      });

      it("a session is bound to its request: using it to deactivate is 403 M_FORBIDDEN", async () => {
        const first = await call(hs, "POST", PASSWORD, { token: alice.accessToken, body: { new_password: "x" } });
        const res = await call(hs, "POST", DEACTIVATE, { token: alice.accessToken, body: { auth: passwordAuth(first.body.session, alice.userId, alice.password) } });
        expect([res.status, res.body.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
        expect((await whoami(hs, alice.accessToken)).status).to.equal(200);
      });

      it("needs new_password (M_BAD_JSON), and refuses guests (M_GUEST_ACCESS_FORBIDDEN)", async () => {
        const missing = await call(hs, "POST", PASSWORD, { token: alice.accessToken, body: {} });
        expect([missing.status, missing.body.errcode]).to.deep.equal([400, "M_BAD_JSON"]);
        const guest = await call(hs, "POST", "/_matrix/client/v3/register?kind=guest", { body: {} });
        const res = await call(hs, "POST", PASSWORD, { token: guest.body.access_token as string, body: { new_password: "x" } });
        expect([res.status, res.body.errcode]).to.deep.equal([403, "M_GUEST_ACCESS_FORBIDDEN"]);
      });
    });

    describe("POST /account/deactivate", () => {
      it("after m.login.password, deactivates: every token dies, login says M_USER_DEACTIVATED, the name stays taken", async () => {
        const carol = await registerUser(hs, "carol");
        const other = await login(hs, "carol", carol.password, { refresh_token: true });
        const first = await call(hs, "POST", "/_matrix/client/r0/account/deactivate", { token: carol.accessToken, body: {} });
        expect(first.status).to.equal(401);
        const done = await call(hs, "POST", "/_matrix/client/r0/account/deactivate", {
          token: carol.accessToken,
          body: { auth: passwordAuth(first.body.session, "carol", carol.password) },
        });
        expect([done.status, done.body]).to.deep.equal([200, { id_server_unbind_result: "success" }]);
        for (const token of [carol.accessToken, other.body.access_token]) {
          const res = await whoami(hs, token);
          expect([res.status, res.body.errcode, res.body.soft_logout]).to.deep.equal([401, "M_UNKNOWN_TOKEN", false]);
        }
        expect((await call(hs, "POST", "/_matrix/client/v3/refresh", { body: { refresh_token: other.body.refresh_token } })).status).to.equal(401);
        const relogin = await login(hs, "carol", carol.password);
        expect([relogin.status, relogin.body.errcode]).to.deep.equal([403, "M_USER_DEACTIVATED"]);
        const reuse = await call(hs, "GET", "/_matrix/client/v3/register/available?username=carol");
        expect(reuse.body.errcode).to.equal("M_USER_IN_USE");
      });

      it("works without an access token, and erase clears the profile", async () => {
        const dan = await registerUser(hs, "dan");
        const res = await call(hs, "POST", DEACTIVATE, { body: { erase: true, auth: passwordAuth(undefined, "dan", dan.password) } });
        expect(res.status).to.equal(200);
        expect((await hs.homeserver.users.getUser("dan"))).to.include({ deactivated: true, displayname: null });
      });

      it("refuses guests with M_GUEST_ACCESS_FORBIDDEN", async () => {
        const guest = await call(hs, "POST", "/_matrix/client/v3/register?kind=guest", { body: {} });
        const res = await call(hs, "POST", DEACTIVATE, { token: guest.body.access_token as string, body: {} });
        expect([res.status, res.body.errcode]).to.deep.equal([403, "M_GUEST_ACCESS_FORBIDDEN"]);
      });
    });

    describe("password-reset token requests", () => {
      it("no account has a third-party identifier here: 400 M_THREEPID_NOT_FOUND", async () => {
        const email = await call(hs, "POST", "/_matrix/client/v3/account/password/email/requestToken", { body: { client_secret: "s3cret", email: "a@b.test", send_attempt: 1 } });
        expect([email.status, email.body.errcode]).to.deep.equal([400, "M_THREEPID_NOT_FOUND"]);
        const msisdn = await call(hs, "POST", "/_matrix/client/r0/account/password/msisdn/requestToken", {
          body: { client_secret: "s3cret", country: "GB", phone_number: "07700900000", send_attempt: 1 },
        });
        expect([msisdn.status, msisdn.body.errcode]).to.deep.equal([400, "M_THREEPID_NOT_FOUND"]);
        const malformed = await call(hs, "POST", "/_matrix/client/v3/account/password/email/requestToken", { body: { client_secret: "bad secret!", email: "a@b.test", send_attempt: 1 } });
        expect([malformed.status, malformed.body.errcode]).to.deep.equal([400, "M_BAD_JSON"]);
      });
    });
  });
}
