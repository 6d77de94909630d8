/**
 * Accounts and sessions driven by a real client library, matrix-js-sdk: registration through its
 * InteractiveAuth (which completes m.login.dummy by itself), login with refresh tokens and its
 * automatic refresh on soft logout, a second device, device management, logout and deactivation.
 */
import { expect } from "chai";
import { createClient, InteractiveAuth, type MatrixClient } from "matrix-js-sdk";
import { logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";
import type { TestHomeserver } from "../helpers/test-homeserver.js";
import { sdkMatrixError } from "../helpers/js-sdk-error.js";
import { testEngines } from "../helpers/with-all-databases.js";
import { startAccountsHomeserver } from "../helpers/accounts.js";

for (const engine of testEngines()) {
  describe(`integration: matrix-js-sdk accounts [${engine}]`, function () {
    this.timeout(30_000);
    let hs: TestHomeserver;
    const clients: MatrixClient[] = [];
    const client = (opts: Parameters<typeof createClient>[0]): MatrixClient => {
      const made = createClient(opts);
      clients.push(made);
      return made;
    };

    before(async () => {
      sdkLogger.setLevel("silent");
      hs = await startAccountsHomeserver({ engine, serverName: "sdk.test", configure: (c) => {
        c.session.access_token_lifetime_ms = 1000;
        c.registration.allow_guests = true;
      },
    });
    });
    after(async () => {
      for (const c of clients) c.stopClient();
      await hs.stop();
    });

    it("registers, logs in, refreshes, manages devices, logs out and deactivates", async () => {
      const anonymous = client({ baseUrl: hs.baseUrl });
      expect((await anonymous.loginFlows()).flows.map((f) => f.type)).to.deep.equal(["m.login.password", "m.login.token"]);
      expect(await anonymous.isUsernameAvailable("alice")).to.equal(true);

      // Registration: InteractiveAuth gets the flows from the 401, then submits m.login.dummy.
      const stages: string[] = [];
      const registration = new InteractiveAuth({
        matrixClient: anonymous,
        doRequest: (auth) => anonymous.registerRequest({ username: "alice", password: "s3cret", initial_device_display_name: "first", auth: auth ?? undefined }),
        stateUpdated: (stage) => void stages.push(stage),
        requestEmailToken: () => Promise.reject(new Error("no email stage expected")),
      });
      const registered = await registration.attemptAuth();
      expect(registered.user_id).to.equal("@alice:sdk.test");
      expect(stages).to.deep.equal([]);
      // The SDK turns M_USER_IN_USE into false; other errors still reject.
      expect(await anonymous.isUsernameAvailable("alice")).to.equal(false);
      expect((await sdkMatrixError(anonymous.isUsernameAvailable("no spaces"))).errcode).to.equal("M_INVALID_USERNAME");

      // Login with a refresh token; the SDK refreshes by itself once the access token expires.
      const login = await anonymous.loginRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: "alice" },
        password: "s3cret",
        refresh_token: true,
      });
      expect(login.refresh_token).to.be.a("string");
      expect(login.expires_in_ms).to.equal(1000);
      let refreshes = 0;
      const alice = client({
        baseUrl: hs.baseUrl,
        userId: login.user_id,
        deviceId: login.device_id,
        accessToken: login.access_token,
        refreshToken: login.refresh_token,
        tokenRefreshFunction: async (refreshToken) => {
          refreshes++;
          // Through a token-less client: alice's own would try to refresh its failed refresh.
          const renewed = await anonymous.refreshToken(refreshToken);
          return { accessToken: renewed.access_token, refreshToken: renewed.refresh_token ?? refreshToken, expiry: new Date(Date.now() + (renewed.expires_in_ms ?? 0)) };
        },
      });
      expect(await alice.whoami()).to.deep.include({ user_id: "@alice:sdk.test", device_id: login.device_id, is_guest: false });
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await alice.whoami()).device_id).to.equal(login.device_id);
      expect(refreshes).to.equal(1);
      expect(alice.getAccessToken()).to.not.equal(login.access_token);

      // A second device, named through device management.
      const second = await anonymous.loginRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: "alice" }, password: "s3cret" });
      const phone = client({ baseUrl: hs.baseUrl, userId: second.user_id, deviceId: second.device_id, accessToken: second.access_token });
      await phone.setDeviceDetails(second.device_id, { display_name: "phone" });
      const devices = (await alice.getDevices()).devices;
      expect(devices.map((d) => d.device_id).sort()).to.deep.equal([registered.device_id, login.device_id, second.device_id].sort());
      expect((await alice.getDevice(second.device_id)).display_name).to.equal("phone");
      expect((await alice.getCapabilities())["m.change_password"]).to.deep.equal({ enabled: true });

      // Logout ends the phone's session: its token is unknown from then on.
      await phone.logout();
      const afterLogout = await sdkMatrixError(phone.whoami());
      expect([afterLogout.httpStatus, afterLogout.errcode, afterLogout.data.soft_logout]).to.deep.equal([401, "M_UNKNOWN_TOKEN", false]);

      // Deleting a device goes through UIA with the password.
      const deletion = new InteractiveAuth({
        matrixClient: alice,
        doRequest: (auth) => alice.deleteDevice(registered.device_id!, auth ?? undefined),
        stateUpdated: (stage) => {
          expect(stage).to.equal("m.login.password");
          void deletion.submitAuthDict({ type: "m.login.password", identifier: { type: "m.id.user", user: "alice" }, password: "s3cret" });
        },
        requestEmailToken: () => Promise.reject(new Error("no email stage expected")),
      });
      await deletion.attemptAuth();
      expect((await alice.getDevices()).devices.map((d) => d.device_id)).to.deep.equal([login.device_id]);

      // Deactivation, the same way; the account can no longer log in.
      const first = await sdkMatrixError(alice.deactivateAccount());
      expect(first.httpStatus).to.equal(401);
      const session = first.data.session as string;
      await alice.deactivateAccount({ type: "m.login.password", identifier: { type: "m.id.user", user: "alice" }, password: "s3cret", session });
      const gone = await sdkMatrixError(alice.whoami());
      expect(gone.errcode).to.equal("M_UNKNOWN_TOKEN");
      const relogin = await sdkMatrixError(anonymous.loginRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: "alice" }, password: "s3cret" }));
      expect([relogin.httpStatus, relogin.errcode]).to.deep.equal([403, "M_USER_DEACTIVATED"]);
    });

    it("registers a guest and upgrades it with the SDK's register()", async () => {
      const anonymous = client({ baseUrl: hs.baseUrl });
      const guest = await anonymous.registerGuest({ body: { initial_device_display_name: "guest tab" } });
      const asGuest = client({ baseUrl: hs.baseUrl, userId: guest.user_id, deviceId: guest.device_id, accessToken: guest.access_token });
      asGuest.setGuest(true);
      expect((await asGuest.whoami()).is_guest).to.equal(true);
      const localpart = guest.user_id.slice(1, guest.user_id.indexOf(":"));
      const upgraded = await anonymous.register(localpart, "guest-pw", null, { type: "m.login.dummy" }, undefined, guest.access_token!);
      expect(upgraded.user_id).to.equal(guest.user_id);
      const member = client({ baseUrl: hs.baseUrl, userId: upgraded.user_id, accessToken: upgraded.access_token });
      expect((await member.whoami()).is_guest).to.equal(false);
      expect((await anonymous.loginRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: localpart }, password: "guest-pw" })).user_id).to.equal(guest.user_id);
    });
  });
}
