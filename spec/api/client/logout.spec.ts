import { expect } from "chai";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";
import { call, login, registerUser, startAccountsHomeserver, whoami, type RegisteredUser } from "../../helpers/accounts.js";

for (const engine of testEngines()) {
  describe(`api/client/logout [${engine}]`, function () {
    this.timeout(20_000);
    let hs: TestHomeserver;
    let alice: RegisteredUser;
    before(async () => {
      hs = await startAccountsHomeserver({ engine, configure: (c) => (c.registration.allow_guests = true) });
      alice = await registerUser(hs, "alice");
    });
    after(() => hs.stop());

    const deviceIds = async (token: string) => ((await call(hs, "GET", "/_matrix/client/v3/devices", { token })).body.devices as Array<{ device_id: string }>).map((d) => d.device_id);

    it("POST /logout ends the token and deletes its device, refresh token included", async () => {
      const phone = await login(hs, "alice", alice.password, { device_id: "PHONE", refresh_token: true });
      expect(await deviceIds(alice.accessToken)).to.include("PHONE");
      const res = await call(hs, "POST", "/_matrix/client/v3/logout", { token: phone.body.access_token as string });
      expect([res.status, res.body]).to.deep.equal([200, {}]);
      const after = await whoami(hs, phone.body.access_token);
      expect([after.status, after.body.errcode, after.body.soft_logout]).to.deep.equal([401, "M_UNKNOWN_TOKEN", false]);
      expect(await deviceIds(alice.accessToken)).to.not.include("PHONE");
      expect((await call(hs, "POST", "/_matrix/client/v3/refresh", { body: { refresh_token: phone.body.refresh_token } })).status).to.equal(401);
    });

    it("POST /logout/all ends every session of the user, the calling one included", async () => {
      const bob = await registerUser(hs, "bob");
      const other = await login(hs, "bob", bob.password);
      const res = await call(hs, "POST", "/_matrix/client/r0/logout/all", { token: bob.accessToken });
      expect(res.status).to.equal(200);
      for (const token of [bob.accessToken, other.body.access_token]) expect((await whoami(hs, token)).status).to.equal(401);
      const fresh = await login(hs, "bob", bob.password);
      expect(await deviceIds(fresh.body.access_token as string)).to.deep.equal([fresh.body.device_id]);
      expect((await whoami(hs, alice.accessToken)).status).to.equal(200);
    });

    it("admits no guests (M_GUEST_ACCESS_FORBIDDEN), as the guest access module lists neither endpoint", async () => {
      const guest = await call(hs, "POST", "/_matrix/client/v3/register?kind=guest", { body: {} });
      for (const path of ["/logout", "/logout/all"]) {
        const res = await call(hs, "POST", `/_matrix/client/v3${path}`, { token: guest.body.access_token as string });
        expect([res.status, res.body.errcode], path).to.deep.equal([403, "M_GUEST_ACCESS_FORBIDDEN"]);
      }
      expect((await whoami(hs, guest.body.access_token)).status).to.equal(200);
    });

    it("needs an access token: M_MISSING_TOKEN without one, M_UNKNOWN_TOKEN for a wrong one", async () => {
      const missing = await call(hs, "POST", "/_matrix/client/v3/logout");
      expect([missing.status, missing.body.errcode]).to.deep.equal([401, "M_MISSING_TOKEN"]);
      const wrong = await call(hs, "POST", "/_matrix/client/v3/logout/all", { token: "hat_wrong" });
      expect([wrong.status, wrong.body.errcode]).to.deep.equal([401, "M_UNKNOWN_TOKEN"]);
    });
  });
}
