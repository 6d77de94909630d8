import { expect } from "chai";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";
import { call, login, registerUser, startAccountsHomeserver, whoami, type JsonResponse } from "../../helpers/accounts.js";

for (const engine of testEngines()) {
  describe(`api/client/refresh [${engine}]`, function () {
    this.timeout(20_000);
    let hs: TestHomeserver;
    let password: string;
    before(async () => {
      hs = await startAccountsHomeserver({ engine, configure: (c) => (c.session.access_token_lifetime_ms = 1000) });
      password = (await registerUser(hs, "alice")).password;
    });
    after(() => hs.stop());

    const refresh = (token: unknown) => call(hs, "POST", "/_matrix/client/v3/refresh", { body: { refresh_token: token } });
    const unknownToken = (res: JsonResponse) => [res.status, res.body.errcode, res.body.soft_logout];

    it("swaps a refresh token for a new access token and refresh token on the same device", async () => {
      const session = await login(hs, "alice", password, { refresh_token: true });
      const renewed = await refresh(session.body.refresh_token);
      expect(renewed.status).to.equal(200);
      expect(renewed.body.expires_in_ms).to.equal(1000);
      expect(renewed.body.refresh_token).to.be.a("string").and.not.equal(session.body.refresh_token);
      expect((await whoami(hs, renewed.body.access_token)).body).to.include({ user_id: "@alice:localhost", device_id: session.body.device_id });
      // The old access token is invalidated at once.
      expect(unknownToken(await whoami(hs, session.body.access_token))).to.deep.equal([401, "M_UNKNOWN_TOKEN", false]);
    });

    it("lets a refresh be repeated until the new tokens are used, which revokes the old refresh token", async () => {
      const session = await login(hs, "alice", password, { refresh_token: true });
      const lost = await refresh(session.body.refresh_token);
      // The client never got `lost`: it refreshes again with the same token.
      const retried = await refresh(session.body.refresh_token);
      expect(retried.status).to.equal(200);
      expect(unknownToken(await whoami(hs, lost.body.access_token))).to.deep.equal([401, "M_UNKNOWN_TOKEN", false]);
      expect((await refresh(lost.body.refresh_token)).status).to.equal(401);
      // Using the new access token revokes the old refresh token.
      expect((await whoami(hs, retried.body.access_token)).status).to.equal(200);
      expect(unknownToken(await refresh(session.body.refresh_token))).to.deep.equal([401, "M_UNKNOWN_TOKEN", false]);
      expect((await refresh(retried.body.refresh_token)).status).to.equal(200);
    });

    it("using the new refresh token also revokes the old one", async () => {
      const session = await login(hs, "alice", password, { refresh_token: true });
      const second = await refresh(session.body.refresh_token);
      expect((await refresh(second.body.refresh_token)).status).to.equal(200);
      expect(unknownToken(await refresh(session.body.refresh_token))).to.deep.equal([401, "M_UNKNOWN_TOKEN", false]);
    });

    it("an expired access token is M_UNKNOWN_TOKEN with soft_logout true; one issued without a refresh token never expires", async () => {
      const session = await login(hs, "alice", password, { refresh_token: true });
      const lasting = await login(hs, "alice", password);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(unknownToken(await whoami(hs, session.body.access_token))).to.deep.equal([401, "M_UNKNOWN_TOKEN", true]);
      const renewed = await refresh(session.body.refresh_token);
      expect((await whoami(hs, renewed.body.access_token)).status).to.equal(200);
      expect((await whoami(hs, lasting.body.access_token)).status).to.equal(200);
    });

    it("refuses an unknown refresh token, and every refresh token of a device logged in again", async () => {
      expect(unknownToken(await refresh("hrt_nonsense"))).to.deep.equal([401, "M_UNKNOWN_TOKEN", false]);
      const session = await login(hs, "alice", password, { refresh_token: true, device_id: "REUSED" });
      await login(hs, "alice", password, { device_id: "REUSED" });
      expect((await refresh(session.body.refresh_token)).status).to.equal(401);
    });

    it("needs a refresh_token string (M_BAD_JSON) and is v3 only", async () => {
      const missing = await call(hs, "POST", "/_matrix/client/v3/refresh", { body: {} });
      expect([missing.status, missing.body.errcode]).to.deep.equal([400, "M_BAD_JSON"]);
      const r0 = await call(hs, "POST", "/_matrix/client/r0/refresh", { body: { refresh_token: "x" } });
      expect([r0.status, r0.body.errcode]).to.deep.equal([404, "M_UNRECOGNIZED"]);
    });
  });
}
