/**
 * OpenID: a user asks for a token over the client API; a third party exchanges it for the user's
 * ID over the federation listener (HTTPS, self-signed here).
 */
import { expect } from "chai";
import { createClient } from "matrix-js-sdk";
import { logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";
import { request as httpsRequest } from "node:https";
import { OPENID_TOKEN_LIFETIME_MS } from "../../../src/services/auth/openid-service.js";
import { call, registerUser, startAccountsHomeserver, type RegisteredUser } from "../../helpers/accounts.js";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";

const SERVER = "openid.test";

/** GET on the federation listener, trusting its self-signed certificate. */
function federationGet(hs: TestHomeserver, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(hs.federationUrl + path, { method: "GET", rejectUnauthorized: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on("error", reject);
    req.end();
  });
}

for (const engine of testEngines()) {
  describe(`OpenID tokens [${engine}]`, () => {
    let hs: TestHomeserver;
    let alice: RegisteredUser;
    let bob: RegisteredUser;
    const requestToken = (as: RegisteredUser, userId: string, body: unknown = {}, version = "v3") =>
      call(hs, "POST", `/_matrix/client/${version}/user/${encodeURIComponent(userId)}/openid/request_token`, { token: as.accessToken, body });
    const userInfo = (token: string) => federationGet(hs, `/_matrix/federation/v1/openid/userinfo?access_token=${encodeURIComponent(token)}`);

    before(async () => {
      hs = await startAccountsHomeserver({ engine, serverName: SERVER, federation: true });
      alice = await registerUser(hs, "alice");
      bob = await registerUser(hs, "bob");
    });
    after(() => hs.stop());

    it("hands the user a token that the federation API exchanges for their user ID", async () => {
      const response = await requestToken(alice, alice.userId);
      expect(response.status, JSON.stringify(response.body)).to.equal(200);
      expect(response.body).to.include({ token_type: "Bearer", matrix_server_name: SERVER, expires_in: OPENID_TOKEN_LIFETIME_MS / 1000 });
      const token = response.body.access_token as string;
      expect(token).to.be.a("string").and.not.equal(alice.accessToken);
      const info = await userInfo(token);
      expect(info).to.deep.equal({ status: 200, body: { sub: alice.userId } });
      // Each request gives a new token; both stay valid.
      const second = await requestToken(alice, alice.userId, {}, "r0");
      expect(second.status).to.equal(200);
      expect(second.body.access_token).to.not.equal(token);
      expect((await userInfo(second.body.access_token as string)).body).to.deep.equal({ sub: alice.userId });
      expect((await userInfo(token)).body).to.deep.equal({ sub: alice.userId });
    });

    it("works through matrix-js-sdk's getOpenIdToken", async () => {
      sdkLogger.setLevel("silent");
      const client = createClient({ baseUrl: hs.baseUrl, userId: bob.userId, deviceId: bob.deviceId, accessToken: bob.accessToken });
      try {
        const token = await client.getOpenIdToken();
        expect(token).to.include({ token_type: "Bearer", matrix_server_name: SERVER });
        expect((await userInfo(token.access_token)).body).to.deep.equal({ sub: bob.userId });
      } finally {
        client.stopClient();
      }
    });

    it("is not an access token: it opens nothing on the client API", async () => {
      const token = (await requestToken(bob, bob.userId)).body.access_token as string;
      const whoami = await call(hs, "GET", "/_matrix/client/v3/account/whoami", { token });
      expect(whoami.status).to.equal(401);
      expect(whoami.body.errcode).to.equal("M_UNKNOWN_TOKEN");
    });

    it("refuses a token for another user, an unknown or expired token, and a missing one", async () => {
      const other = await requestToken(alice, bob.userId);
      expect(other.status).to.equal(403);
      expect(other.body.errcode).to.equal("M_FORBIDDEN");
      const unknown = await userInfo("hot_not-a-token");
      expect(unknown.status).to.equal(401);
      expect(unknown.body.errcode).to.equal("M_UNKNOWN_TOKEN");
      // Expired: stored as issued an hour and a second ago.
      const token = (await requestToken(alice, alice.userId)).body.access_token as string;
      await hs.homeserver.db.query(`UPDATE openid_tokens SET expires_ts = ${Date.now() - 1000} WHERE user_id = '${alice.userId}'`);
      const expired = await userInfo(token);
      expect(expired.status).to.equal(401);
      expect(expired.body.errcode).to.equal("M_UNKNOWN_TOKEN");
      const missing = await federationGet(hs, "/_matrix/federation/v1/openid/userinfo");
      expect(missing.status).to.equal(400);
      expect(missing.body.errcode).to.be.oneOf(["M_MISSING_PARAM", "M_INVALID_PARAM", "M_BAD_JSON"]);
    });

    it("refuses a request without an access token", async () => {
      const response = await call(hs, "POST", `/_matrix/client/v3/user/${encodeURIComponent(alice.userId)}/openid/request_token`, { body: {} });
      expect(response.status).to.equal(401);
      expect(response.body.errcode).to.equal("M_MISSING_TOKEN");
    });
  });
}
