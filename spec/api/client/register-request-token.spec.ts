import { expect } from "chai";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { call, startAccountsHomeserver } from "../../helpers/accounts.js";

describe("api/client/register-request-token", function () {
  this.timeout(20_000);
  let hs: TestHomeserver;
  before(async () => {
    hs = await startAccountsHomeserver();
  });
  after(() => hs.stop());

  it("permits no address to be bound at registration: 403 M_THREEPID_DENIED for email and phone", async () => {
    const email = await call(hs, "POST", "/_matrix/client/v3/register/email/requestToken", { body: { client_secret: "s3cret", email: "a@b.test", send_attempt: 1 } });
    const msisdn = await call(hs, "POST", "/_matrix/client/r0/register/msisdn/requestToken", {
      body: { client_secret: "s3cret", country: "GB", phone_number: "07700900000", send_attempt: 1 },
    });
    for (const res of [email, msisdn]) expect([res.status, res.body.errcode]).to.deep.equal([403, "M_THREEPID_DENIED"]);
  });

  it("checks the request body first (M_BAD_JSON)", async () => {
    const res = await call(hs, "POST", "/_matrix/client/v3/register/email/requestToken", { body: { email: "a@b.test" } });
    expect([res.status, res.body.errcode]).to.deep.equal([400, "M_BAD_JSON"]);
  });
});
