import { expect } from "chai";
import { ROOM_VERSIONS } from "../../../src/room/room-versions.js";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { call, registerUser, startAccountsHomeserver } from "../../helpers/accounts.js";

describe("api/client/capabilities", function () {
  this.timeout(20_000);
  let hs: TestHomeserver;
  before(async () => {
    hs = await startAccountsHomeserver({ configure: (c) => (c.registration.allow_guests = true) });
  });
  after(() => hs.stop());

  it("GET /capabilities: password changes, profile edits and login tokens on, 3PID changes off, every room version stable with 12 the default", async () => {
    const alice = await registerUser(hs, "alice");
    const available = Object.fromEntries([...ROOM_VERSIONS.keys()].map((v) => [v, "stable"]));
    expect(Object.keys(available)).to.deep.equal(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]);
    for (const version of ["r0", "v3"]) {
      const res = await call(hs, "GET", `/_matrix/client/${version}/capabilities`, { token: alice.accessToken });
      expect([res.status, res.body]).to.deep.equal([
        200,
        {
          capabilities: {
            "m.change_password": { enabled: true },
            "m.room_versions": { default: "12", available },
            "m.set_displayname": { enabled: true },
            "m.set_avatar_url": { enabled: true },
            "m.3pid_changes": { enabled: false },
            "m.get_login_token": { enabled: true },
          },
        },
      ]);
    }
  });

  it("m.get_login_token is off for guests, who cannot generate login tokens", async () => {
    const guest = await call(hs, "POST", "/_matrix/client/v3/register?kind=guest", { body: {} });
    const res = await call(hs, "GET", "/_matrix/client/v3/capabilities", { token: guest.body.access_token as string });
    const capabilities = res.body.capabilities as Record<string, unknown>;
    expect(capabilities["m.get_login_token"]).to.deep.equal({ enabled: false });
    expect(capabilities["m.change_password"]).to.deep.equal({ enabled: true });
  });

  it("needs an access token", async () => {
    const res = await call(hs, "GET", "/_matrix/client/v3/capabilities");
    expect([res.status, res.body.errcode]).to.deep.equal([401, "M_MISSING_TOKEN"]);
  });
});
