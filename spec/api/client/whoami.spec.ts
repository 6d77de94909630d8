import { expect } from "chai";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { call, registerUser, startAccountsHomeserver } from "../../helpers/accounts.js";

describe("api/client/whoami", function () {
  this.timeout(20_000);
  let hs: TestHomeserver;
  before(async () => {
    hs = await startAccountsHomeserver({ serverName: "hs.test", configure: (c) => (c.registration.allow_guests = true) });
  });
  after(() => hs.stop());

  it("GET /account/whoami names the user and device of the token, on r0 and v3", async () => {
    const alice = await registerUser(hs, "alice", "pw", { device_id: "LAPTOP" });
    for (const version of ["r0", "v3"]) {
      const res = await call(hs, "GET", `/_matrix/client/${version}/account/whoami`, { token: alice.accessToken });
      expect([res.status, res.body]).to.deep.equal([200, { user_id: "@alice:hs.test", device_id: "LAPTOP", is_guest: false }]);
    }
  });

  it("says is_guest for a guest", async () => {
    const guest = await call(hs, "POST", "/_matrix/client/v3/register?kind=guest", { body: {} });
    const res = await call(hs, "GET", "/_matrix/client/v3/account/whoami", { token: guest.body.access_token as string });
    expect(res.body).to.deep.equal({ user_id: guest.body.user_id, device_id: guest.body.device_id, is_guest: true });
  });

  it("accepts the deprecated access_token query parameter, and refuses a missing token", async () => {
    const bob = await registerUser(hs, "bob");
    expect((await call(hs, "GET", `/_matrix/client/v3/account/whoami?access_token=${bob.accessToken}`)).body.user_id).to.equal("@bob:hs.test");
    const missing = await call(hs, "GET", "/_matrix/client/v3/account/whoami");
    expect([missing.status, missing.body.errcode]).to.deep.equal([401, "M_MISSING_TOKEN"]);
  });
});
