import { expect } from "chai";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { call, registerUser, startAccountsHomeserver, type RegisteredUser } from "../../helpers/accounts.js";

describe("api/client/account-3pid", function () {
  this.timeout(20_000);
  let hs: TestHomeserver;
  let alice: RegisteredUser;
  before(async () => {
    hs = await startAccountsHomeserver({ configure: (c) => (c.registration.allow_guests = true) });
    alice = await registerUser(hs, "alice");
  });
  after(() => hs.stop());

  const creds = { client_secret: "s3cret", id_server: "id.example", id_access_token: "tok", sid: "sid1" };

  it("GET /account/3pid lists no identifiers, and needs a token", async () => {
    for (const version of ["r0", "v3"]) {
      expect(await call(hs, "GET", `/_matrix/client/${version}/account/3pid`, { token: alice.accessToken })).to.deep.include({ status: 200, body: { threepids: [] } });
    }
    expect((await call(hs, "GET", "/_matrix/client/v3/account/3pid")).body.errcode).to.equal("M_MISSING_TOKEN");
  });

  it("refuses to add identifiers: M_THREEPID_AUTH_FAILED for /3pid and /3pid/add, M_SERVER_NOT_TRUSTED for /3pid/bind", async () => {
    const post = await call(hs, "POST", "/_matrix/client/v3/account/3pid", { token: alice.accessToken, body: { three_pid_creds: creds } });
    expect([post.status, post.body.errcode]).to.deep.equal([403, "M_THREEPID_AUTH_FAILED"]);
    const add = await call(hs, "POST", "/_matrix/client/v3/account/3pid/add", { token: alice.accessToken, body: { client_secret: "s3cret", sid: "sid1" } });
    expect([add.status, add.body.errcode]).to.deep.equal([403, "M_THREEPID_AUTH_FAILED"]);
    const bind = await call(hs, "POST", "/_matrix/client/r0/account/3pid/bind", { token: alice.accessToken, body: creds });
    expect([bind.status, bind.body.errcode]).to.deep.equal([403, "M_SERVER_NOT_TRUSTED"]);
  });

  it("checks the bodies first: M_BAD_JSON for missing credentials", async () => {
    const add = await call(hs, "POST", "/_matrix/client/v3/account/3pid/add", { token: alice.accessToken, body: { sid: "x" } });
    expect([add.status, add.body.errcode]).to.deep.equal([400, "M_BAD_JSON"]);
    const del = await call(hs, "POST", "/_matrix/client/v3/account/3pid/delete", { token: alice.accessToken, body: { medium: "fax", address: "1" } });
    expect([del.status, del.body.errcode]).to.deep.equal([400, "M_BAD_JSON"]);
  });

  it("has nothing to delete or unbind: no-support, as no identity server is known", async () => {
    for (const path of ["/account/3pid/delete", "/account/3pid/unbind"]) {
      const res = await call(hs, "POST", `/_matrix/client/v3${path}`, { token: alice.accessToken, body: { medium: "email", address: "a@b.test" } });
      expect([res.status, res.body], path).to.deep.equal([200, { id_server_unbind_result: "no-support" }]);
    }
  });

  it("does not support adding email addresses or phone numbers: 400 M_THREEPID_MEDIUM_NOT_SUPPORTED", async () => {
    const email = await call(hs, "POST", "/_matrix/client/v3/account/3pid/email/requestToken", { body: { client_secret: "s3cret", email: "a@b.test", send_attempt: 1 } });
    const msisdn = await call(hs, "POST", "/_matrix/client/v3/account/3pid/msisdn/requestToken", {
      body: { client_secret: "s3cret", country: "GB", phone_number: "07700900000", send_attempt: 1 },
    });
    for (const res of [email, msisdn]) expect([res.status, res.body.errcode]).to.deep.equal([400, "M_THREEPID_MEDIUM_NOT_SUPPORTED"]);
  });

  it("admits no guests to the account's identifiers: M_GUEST_ACCESS_FORBIDDEN", async () => {
    const guest = await call(hs, "POST", "/_matrix/client/v3/register?kind=guest", { body: {} });
    const token = guest.body.access_token as string;
    const requests: Array<[string, string, unknown]> = [
      ["GET", "/account/3pid", undefined],
      ["POST", "/account/3pid", { three_pid_creds: creds }],
      ["POST", "/account/3pid/add", { client_secret: "s3cret", sid: "sid1" }],
      ["POST", "/account/3pid/bind", creds],
      ["POST", "/account/3pid/delete", { medium: "email", address: "a@b.test" }],
      ["POST", "/account/3pid/unbind", { medium: "email", address: "a@b.test" }],
    ];
    for (const [method, path, body] of requests) {
      const res = await call(hs, method, `/_matrix/client/v3${path}`, { token, body });
      expect([res.status, res.body.errcode], path).to.deep.equal([403, "M_GUEST_ACCESS_FORBIDDEN"]);
    }
  });
});
