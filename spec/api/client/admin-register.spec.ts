import { createHmac } from "node:crypto";
import { expect } from "chai";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { call, login, startAccountsHomeserver } from "../../helpers/accounts.js";

const PATH = "/_synapse/admin/v1/register";
const SECRET = "shared-s3cret";

function mac(nonce: string, username: string, password: string, admin: boolean, secret = SECRET): string {
  return createHmac("sha1", secret).update(`${nonce}\0${username}\0${password}\0${admin ? "admin" : "notadmin"}`).digest("hex");
}

describe("api/client/admin-register", function () {
  this.timeout(20_000);
  let hs: TestHomeserver;
  before(async () => {
    hs = await startAccountsHomeserver({
      configure: (c) => {
        c.registration.enabled = false;
        c.registration.shared_secret = SECRET;
      },
    });
  });
  after(() => hs.stop());

  const nonce = async () => (await call(hs, "GET", PATH)).body.nonce as string;

  it("registers a user with a correct MAC, even with registration disabled", async () => {
    const n = await nonce();
    const res = await call(hs, "POST", PATH, { body: { nonce: n, username: "root", password: "pw", admin: true, mac: mac(n, "root", "pw", true) } });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ user_id: "@root:localhost", home_server: "localhost" });
    const whoami = await call(hs, "GET", "/_matrix/client/v3/account/whoami", { token: res.body.access_token as string });
    expect(whoami.body).to.include({ user_id: "@root:localhost", device_id: res.body.device_id });
    expect(await hs.homeserver.users.getUser("root")).to.include({ isAdmin: true, displayname: "root" });
    expect((await login(hs, "root", "pw")).status).to.equal(200);
  });

  it("takes a display name and includes user_type in the MAC when given", async () => {
    const n = await nonce();
    const typed = createHmac("sha1", SECRET).update(`${n}\0bot\0pw\0notadmin\0bot`).digest("hex");
    const res = await call(hs, "POST", PATH, { body: { nonce: n, username: "bot", password: "pw", user_type: "bot", displayname: "Robot", mac: typed } });
    expect(res.status).to.equal(200);
    expect((await hs.homeserver.users.getUser("bot"))?.displayname).to.equal("Robot");
  });

  it("refuses a wrong MAC with 403 M_FORBIDDEN, and uses the nonce up anyway", async () => {
    const n = await nonce();
    const wrong = await call(hs, "POST", PATH, { body: { nonce: n, username: "eve", password: "pw", mac: mac(n, "eve", "pw", true) } });
    expect([wrong.status, wrong.body.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
    const reuse = await call(hs, "POST", PATH, { body: { nonce: n, username: "eve", password: "pw", mac: mac(n, "eve", "pw", false) } });
    expect(reuse.status).to.equal(400);
    const notHex = await call(hs, "POST", PATH, { body: { nonce: await nonce(), username: "eve", password: "pw", mac: "zz" } });
    expect([notHex.status, notHex.body.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
  });

  it("refuses an unknown nonce with 400, a taken name with M_USER_IN_USE, a bad one with M_INVALID_USERNAME", async () => {
    const unknown = await call(hs, "POST", PATH, { body: { nonce: "made-up", username: "x", password: "pw", mac: mac("made-up", "x", "pw", false) } });
    expect(unknown.status).to.equal(400);
    let n = await nonce();
    const taken = await call(hs, "POST", PATH, { body: { nonce: n, username: "root", password: "pw", mac: mac(n, "root", "pw", false) } });
    expect([taken.status, taken.body.errcode]).to.deep.equal([400, "M_USER_IN_USE"]);
    n = await nonce();
    const bad = await call(hs, "POST", PATH, { body: { nonce: n, username: "no way", password: "pw", mac: mac(n, "no way", "pw", false) } });
    expect([bad.status, bad.body.errcode]).to.deep.equal([400, "M_INVALID_USERNAME"]);
  });

  it("answers 400 when no shared secret is configured", async () => {
    const closed = await startAccountsHomeserver({ configure: (c) => delete c.registration.shared_secret });
    try {
      expect((await call(closed, "GET", PATH)).status).to.equal(400);
      const res = await call(closed, "POST", PATH, { body: { nonce: "n", username: "x", password: "pw", mac: mac("n", "x", "pw", false) } });
      expect(res.status).to.equal(400);
      expect(await closed.homeserver.users.getUser("x")).to.equal(null);
    } finally {
      await closed.stop();
    }
  });
});
