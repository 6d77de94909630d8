import { expect } from "chai";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";
import { call, login, registerUser, startAccountsHomeserver, type RegisteredUser } from "../../helpers/accounts.js";

const REGISTER = "/_matrix/client/v3/register";
const PASSWORD = "/_matrix/client/v3/account/password";

interface Page {
  status: number;
  headers: Headers;
  text: string;
}

function fallbackPath(type: string, session: string | null, version = "v3"): string {
  const query = session === null ? "" : `?session=${encodeURIComponent(session)}`;
  return `/_matrix/client/${version}/auth/${encodeURIComponent(type)}/fallback/web${query}`;
}

/** GET the page, or POST its form (`application/x-www-form-urlencoded`, as a browser sends it). */
async function page(hs: TestHomeserver, path: string, form?: Record<string, string>): Promise<Page> {
  const init: RequestInit = form === undefined
    ? { method: "GET" }
    : { method: "POST", body: new URLSearchParams(form).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } };
  const response = await fetch(hs.baseUrl + path, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function expectHtml(result: Page, status: number): void {
  expect(result.status, result.text).to.equal(status);
  expect(result.headers.get("content-type")).to.equal("text/html; charset=utf-8");
  expect(result.headers.get("content-security-policy")).to.match(/^default-src 'none'; /);
  expect(result.text).to.match(/^<!DOCTYPE html>/);
}

/** The completion page runs the spec's script. */
function expectDone(result: Page): void {
  expectHtml(result, 200);
  expect(result.text).to.include("window.onAuthDone()");
  expect(result.text).to.include('window.opener.postMessage("authDone", "*")');
  expect(result.text).to.not.include("<form");
}

function expectForm(result: Page, fields: string[]): void {
  expectHtml(result, 200);
  expect([...result.text.matchAll(/<input id="[^"]*" name="([^"]+)"/g)].map((m) => m[1])).to.deep.equal(fields);
  expect(result.text).to.include('<form method="post">');
  expect(result.text).to.not.include("<script");
}

for (const engine of testEngines()) {
  describe(`api/client/auth-fallback [${engine}]`, function () {
    this.timeout(20_000);

    describe("registration with a token required", () => {
      let hs: TestHomeserver;
      before(async () => {
        hs = await startAccountsHomeserver({ engine, serverName: "hs.test", configure: (c) => (c.registration.require_token = true) });
        await hs.homeserver.accounts.registrationTokens.createToken({ token: "good1", usesAllowed: 1 });
      });
      after(() => hs.stop());

      it("the token stage completed on the page (a wrong token first), then /register with just the session succeeds", async () => {
        const first = await call(hs, "POST", REGISTER, { body: { username: "alice", password: "pw" } });
        expect(first.status).to.equal(401);
        expect(first.body.flows).to.deep.equal([{ stages: ["m.login.registration_token"] }]);
        const session = first.body.session as string;

        for (const version of ["r0", "v3"]) expectForm(await page(hs, fallbackPath("m.login.registration_token", session, version)), ["token"]);
        const wrong = await page(hs, fallbackPath("m.login.registration_token", session), { token: "nope" });
        expectForm(wrong, ["token"]);
        expect(wrong.text).to.include('<p class="error" role="alert">Invalid registration token</p>');
        expectDone(await page(hs, fallbackPath("m.login.registration_token", session), { token: "good1" }));
        // Shown again, the page says it is done.
        expectDone(await page(hs, fallbackPath("m.login.registration_token", session)));

        const done = await call(hs, "POST", REGISTER, { body: { username: "alice", password: "pw", auth: { session } } });
        expect([done.status, done.body.user_id]).to.deep.equal([200, "@alice:hs.test"]);
        const token = (await hs.homeserver.accounts.registrationTokens.listTokens()).find((t) => t.token === "good1");
        expect(token).to.include({ pending: 0, completed: 1 });
      });

      it("takes the session from the form when the URL has none", async () => {
        const session = (await call(hs, "POST", REGISTER, { body: { username: "bob", password: "pw" } })).body.session as string;
        await hs.homeserver.accounts.registrationTokens.createToken({ token: "good2", usesAllowed: 1 });
        expectDone(await page(hs, fallbackPath("m.login.registration_token", null), { session, token: "good2" }));
        expect((await call(hs, "POST", REGISTER, { body: { username: "bob", password: "pw", auth: { session } } })).status).to.equal(200);
      });

      it("a stage the session does not offer is a 403 error page; the session is untouched", async () => {
        const session = (await call(hs, "POST", REGISTER, { body: { username: "carol", password: "pw" } })).body.session as string;
        expectHtml(await page(hs, fallbackPath("m.login.dummy", session)), 403);
        expectHtml(await page(hs, fallbackPath("m.login.dummy", session), {}), 403);
        const retry = await call(hs, "POST", REGISTER, { body: { username: "carol", password: "pw", auth: { session } } });
        expect(retry.status).to.equal(401);
        expect(retry.body).to.not.have.key("completed");
      });
    });

    describe("password and dummy stages", () => {
      let hs: TestHomeserver;
      let alice: RegisteredUser;
      let n = 0;
      before(async () => {
        hs = await startAccountsHomeserver({ engine, serverName: "hs.test" });
      });
      beforeEach(async () => {
        alice = await registerUser(hs, `alice${++n}`);
      });
      after(() => hs.stop());

      it("/account/password: the password stage on the page (a wrong password first), then the request with just the session", async () => {
        const first = await call(hs, "POST", PASSWORD, { token: alice.accessToken, body: { new_password: "new-pw" } });
        const session = first.body.session as string;
        const form = await page(hs, fallbackPath("m.login.password", session));
        expectForm(form, ["password"]);
        expect(form.text).to.include(`Enter the password of ${alice.userId} to continue.`);

        const wrong = await page(hs, fallbackPath("m.login.password", session), { password: "wrong" });
        expectForm(wrong, ["password"]);
        expect(wrong.text).to.include('<p class="error" role="alert">Invalid username or password</p>');
        // The failure went through the same stage check as the API: nothing completed.
        const early = await call(hs, "POST", PASSWORD, { token: alice.accessToken, body: { new_password: "new-pw", auth: { session } } });
        expect(early.status).to.equal(401);
        expect(early.body).to.not.have.key("completed");

        expectDone(await page(hs, fallbackPath("m.login.password", session), { password: alice.password }));
        const done = await call(hs, "POST", PASSWORD, { token: alice.accessToken, body: { new_password: "new-pw", auth: { session } } });
        expect([done.status, done.body]).to.deep.equal([200, {}]);
        expect((await login(hs, alice.userId, "new-pw")).status).to.equal(200);
      });

      it("an anonymous session asks for the username too; the page cannot prove another user than the session's", async () => {
        const bob = await registerUser(hs, `bob${n}`);
        const first = await call(hs, "POST", PASSWORD, { body: { new_password: "anon-pw" } });
        const session = first.body.session as string;
        expectForm(await page(hs, fallbackPath("m.login.password", session)), ["user", "password"]);
        expectDone(await page(hs, fallbackPath("m.login.password", session), { user: alice.userId, password: alice.password }));
        const done = await call(hs, "POST", PASSWORD, { body: { new_password: "anon-pw", auth: { session } } });
        expect(done.status).to.equal(200);
        expect((await login(hs, alice.userId, "anon-pw")).status).to.equal(200);

        // alice's own session: the form names her, and a `user` field cannot change that.
        const mine = (await call(hs, "POST", PASSWORD, { token: (await login(hs, alice.userId, "anon-pw")).body.access_token as string, body: { new_password: "x" } })).body.session as string;
        const other = await page(hs, fallbackPath("m.login.password", mine), { user: bob.userId, password: bob.password });
        expect(other.text).to.include("Invalid username or password");
      });

      it("m.login.dummy: a bare Continue completes registration's stage", async () => {
        const first = await call(hs, "POST", REGISTER, { body: { username: `dummy${n}`, password: "pw" } });
        const session = first.body.session as string;
        expectForm(await page(hs, fallbackPath("m.login.dummy", session)), []);
        expectDone(await page(hs, fallbackPath("m.login.dummy", session), {}));
        const done = await call(hs, "POST", REGISTER, { body: { username: `dummy${n}`, password: "pw", auth: { session } } });
        expect([done.status, done.body.user_id]).to.deep.equal([200, `@dummy${n}:hs.test`]);
      });

      it("an unknown stage type is 404 M_UNRECOGNIZED", async () => {
        const session = (await call(hs, "POST", REGISTER, { body: { username: "x", password: "pw" } })).body.session as string;
        for (const form of [undefined, {}]) {
          const res = await page(hs, fallbackPath("m.login.recaptcha", session), form);
          expect([res.status, (JSON.parse(res.text) as { errcode: string }).errcode]).to.deep.equal([404, "M_UNRECOGNIZED"]);
        }
      });

      it("no session, or an unknown one, is a 400 error page", async () => {
        for (const form of [undefined, {}]) {
          expectHtml(await page(hs, fallbackPath("m.login.password", null), form), 400);
          const unknown = await page(hs, fallbackPath("m.login.password", "no-such-session"), form);
          expectHtml(unknown, 400);
          expect(unknown.text).to.include("Unknown or expired authentication session");
        }
      });

      it("a session that ended with its request is gone: the page is a 400 error page", async () => {
        const first = await call(hs, "POST", PASSWORD, { token: alice.accessToken, body: { new_password: "y" } });
        const session = first.body.session as string;
        expectDone(await page(hs, fallbackPath("m.login.password", session), { password: alice.password }));
        expect((await call(hs, "POST", PASSWORD, { token: alice.accessToken, body: { new_password: "y", auth: { session } } })).status).to.equal(200);
        expectHtml(await page(hs, fallbackPath("m.login.password", session)), 400);
      });
    });

    describe("rate limiting", () => {
      let hs: TestHomeserver;
      before(async () => {
        hs = await startAccountsHomeserver({ engine, configure: (c) => (c.rate_limits.login = { per_second: 0.001, burst_count: 2 }) });
      });
      after(() => hs.stop());

      it("each form submission counts against the login limit (each may be a password guess)", async () => {
        const session = (await call(hs, "POST", PASSWORD, { body: { new_password: "x" } })).body.session as string;
        const guess = () => page(hs, fallbackPath("m.login.password", session), { user: "@nobody:localhost", password: "guess" });
        expect((await guess()).status).to.equal(200);
        expect((await guess()).status).to.equal(200);
        const limited = await guess();
        expect([limited.status, (JSON.parse(limited.text) as { errcode: string }).errcode]).to.deep.equal([429, "M_LIMIT_EXCEEDED"]);
        // Showing the page is not limited.
        expect((await page(hs, fallbackPath("m.login.password", session))).status).to.equal(200);
      });
    });
  });
}
