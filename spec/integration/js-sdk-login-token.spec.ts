/**
 * Login tokens and the User-Interactive Authentication fallback driven by matrix-js-sdk: a logged-in
 * client finds `m.get_login_token`, asks for a token through InteractiveAuth (password stage), and
 * a second, anonymous client logs in with it (`loginWithToken`); then the password stage done on
 * the fallback page at the SDK's `getFallbackAuthUrl`, as a browser would, before the SDK retries
 * with the session alone.
 */
import { expect } from "chai";
import { createClient, InteractiveAuth, type LoginResponse, type LoginTokenPostResponse, type MatrixClient } from "matrix-js-sdk";
import { logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";
import type { TestHomeserver } from "../helpers/test-homeserver.js";
import { sdkMatrixError } from "../helpers/js-sdk-error.js";
import { testEngines } from "../helpers/with-all-databases.js";
import { startAccountsHomeserver } from "../helpers/accounts.js";

const PASSWORD = { type: "m.login.password", identifier: { type: "m.id.user", user: "alice" }, password: "s3cret" };

/** A completed get_token request: the SDK types it together with the UIA 401 body. */
function loginToken(response: unknown): LoginTokenPostResponse {
  return response as LoginTokenPostResponse;
}

for (const engine of testEngines()) {
  describe(`integration: matrix-js-sdk login tokens and UIA fallback [${engine}]`, function () {
    this.timeout(30_000);
    let hs: TestHomeserver;
    let alice: MatrixClient;
    const made = new Set<MatrixClient>();
    /** An anonymous client, or one logged in as `login` says. */
    function sdk(login?: Pick<LoginResponse, "user_id" | "device_id" | "access_token">): MatrixClient {
      const c = createClient({ baseUrl: hs.baseUrl, userId: login?.user_id, deviceId: login?.device_id, accessToken: login?.access_token });
      made.add(c);
      return c;
    }

    before(async () => {
      sdkLogger.setLevel("silent");
      hs = await startAccountsHomeserver({ engine, serverName: "sdk.test" });
      const registered = await sdk().registerRequest({ username: "alice", password: "s3cret", auth: { type: "m.login.dummy" } });
      alice = sdk({ user_id: registered.user_id, device_id: registered.device_id!, access_token: registered.access_token! });
    });
    after(async () => {
      made.forEach((c) => c.stopClient());
      await hs.stop();
    });

    it("a logged-in client gets a token through InteractiveAuth; another client logs in with it, once", async () => {
      const anonymous = sdk();
      const flows = (await anonymous.loginFlows()).flows;
      expect(flows).to.deep.include({ type: "m.login.token", get_login_token: true });
      expect((await alice.getCapabilities())["m.get_login_token"]).to.deep.equal({ enabled: true });

      const stages: string[] = [];
      const auth = new InteractiveAuth({
        matrixClient: alice,
        doRequest: (authDict) => alice.requestLoginToken(authDict ?? undefined),
        stateUpdated: (stage) => {
          stages.push(stage);
          void auth.submitAuthDict(PASSWORD);
        },
        requestEmailToken: () => Promise.reject(new Error("no email stage expected")),
      });
      const issued = loginToken(await auth.attemptAuth());
      expect(stages).to.deep.equal(["m.login.password"]);
      expect(issued.expires_in_ms).to.equal(120_000);

      const login = await anonymous.loginWithToken(issued.login_token);
      expect(login.user_id).to.equal("@alice:sdk.test");
      const second = sdk(login);
      expect(await second.whoami()).to.deep.include({ user_id: "@alice:sdk.test", device_id: login.device_id });
      expect(login.device_id).to.not.equal(alice.getDeviceId());

      const again = await sdkMatrixError(sdk().login("m.login.token", { token: issued.login_token }));
      expect([again.httpStatus, again.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
    });

    it("the password stage completed on the fallback page; the SDK's retry with the session alone gets the token", async () => {
      const first = await sdkMatrixError(alice.requestLoginToken());
      expect(first.httpStatus).to.equal(401);
      const session = first.data.session as string;

      // What a browser does with the SDK's URL: show the form, submit it.
      const url = alice.getFallbackAuthUrl("m.login.password", session);
      expect(new URL(url).pathname).to.equal("/_matrix/client/v3/auth/m.login.password/fallback/web");
      const form = await fetch(url);
      expect([form.status, form.headers.get("content-type")]).to.deep.equal([200, "text/html; charset=utf-8"]);
      expect(await form.text()).to.include('name="password"');
      const submitted = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ password: "s3cret" }).toString(),
      });
      expect(submitted.status).to.equal(200);
      expect(await submitted.text()).to.include('window.opener.postMessage("authDone", "*")');

      const issued = loginToken(await alice.requestLoginToken({ session }));
      expect(issued.login_token).to.be.a("string");
      expect((await sdk().loginWithToken(issued.login_token)).user_id).to.equal("@alice:sdk.test");
    });
  });
}
