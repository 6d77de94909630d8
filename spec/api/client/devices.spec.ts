import { expect } from "chai";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";
import { call, login, registerUser, startAccountsHomeserver, type RegisteredUser } from "../../helpers/accounts.js";

for (const engine of testEngines()) {
  describe(`api/client/devices [${engine}]`, function () {
    this.timeout(20_000);
    let hs: TestHomeserver;
    let alice: RegisteredUser;
    before(async () => {
      hs = await startAccountsHomeserver({ engine, configure: (c) => (c.registration.allow_guests = true) });
      alice = await registerUser(hs, "alice", "pw", { device_id: "MAIN", initial_device_display_name: "Main" });
    });
    after(() => hs.stop());

    const auth = (session: unknown, password = "pw") => ({ type: "m.login.password", session, identifier: { type: "m.id.user", user: "alice" }, password });
    const ids = async () => ((await call(hs, "GET", "/_matrix/client/v3/devices", { token: alice.accessToken })).body.devices as Array<{ device_id: string }>).map((d) => d.device_id);

    it("GET /devices lists the user's devices with name, last-seen address and time", async () => {
      await login(hs, "alice", "pw", { device_id: "SPARE" });
      const res = await call(hs, "GET", "/_matrix/client/r0/devices", { token: alice.accessToken });
      expect(res.status).to.equal(200);
      const devices = res.body.devices as Array<Record<string, unknown>>;
      expect(devices.map((d) => d.device_id)).to.include.members(["MAIN", "SPARE"]);
      const main = devices.find((d) => d.device_id === "MAIN")!;
      expect(main).to.include({ display_name: "Main", last_seen_ip: "127.0.0.1" });
      expect(main.last_seen_ts).to.be.a("number");
      expect(devices.find((d) => d.device_id === "SPARE")).to.not.have.key("display_name");
    });

    it("GET /devices/{id} shows one device; another user's or an unknown one is 404 M_NOT_FOUND", async () => {
      const main = await call(hs, "GET", "/_matrix/client/v3/devices/MAIN", { token: alice.accessToken });
      expect(main.body).to.include({ device_id: "MAIN", display_name: "Main" });
      const bob = await registerUser(hs, "bob");
      for (const token of [bob.accessToken, alice.accessToken]) {
        const res = await call(hs, "GET", token === bob.accessToken ? "/_matrix/client/v3/devices/MAIN" : "/_matrix/client/v3/devices/NOPE", { token });
        expect([res.status, res.body.errcode]).to.deep.equal([404, "M_NOT_FOUND"]);
      }
    });

    it("PUT /devices/{id} renames a device; no name leaves it; an unknown device is 404", async () => {
      expect((await call(hs, "PUT", "/_matrix/client/v3/devices/MAIN", { token: alice.accessToken, body: { display_name: "Renamed" } })).status).to.equal(200);
      expect((await call(hs, "PUT", "/_matrix/client/v3/devices/MAIN", { token: alice.accessToken, body: {} })).status).to.equal(200);
      expect((await call(hs, "GET", "/_matrix/client/v3/devices/MAIN", { token: alice.accessToken })).body.display_name).to.equal("Renamed");
      const unknown = await call(hs, "PUT", "/_matrix/client/v3/devices/NEWONE", { token: alice.accessToken, body: { display_name: "x" } });
      expect([unknown.status, unknown.body.errcode]).to.deep.equal([404, "M_NOT_FOUND"]);
      const bad = await call(hs, "PUT", "/_matrix/client/v3/devices/MAIN", { token: alice.accessToken, body: { display_name: 5 } });
      expect([bad.status, bad.body.errcode]).to.deep.equal([400, "M_BAD_JSON"]);
    });

    it("DELETE /devices/{id} needs the password through UIA, then deletes the device and its tokens", async () => {
      const phone = await login(hs, "alice", "pw", { device_id: "PHONE" });
      const first = await call(hs, "DELETE", "/_matrix/client/v3/devices/PHONE", { token: alice.accessToken, body: {} });
      expect(first.status).to.equal(401);
      expect(first.body.flows).to.deep.equal([{ stages: ["m.login.password"] }]);
      const wrong = await call(hs, "DELETE", "/_matrix/client/v3/devices/PHONE", { token: alice.accessToken, body: { auth: auth(first.body.session, "bad") } });
      expect([wrong.status, wrong.body.errcode]).to.deep.equal([401, "M_FORBIDDEN"]);
      const done = await call(hs, "DELETE", "/_matrix/client/v3/devices/PHONE", { token: alice.accessToken, body: { auth: auth(first.body.session) } });
      expect([done.status, done.body]).to.deep.equal([200, {}]);
      expect(await ids()).to.not.include("PHONE");
      const gone = await call(hs, "GET", "/_matrix/client/v3/account/whoami", { token: phone.body.access_token as string });
      expect(gone.body.errcode).to.equal("M_UNKNOWN_TOKEN");
    });

    it("a UIA session for deleting one device cannot delete another (403 M_FORBIDDEN); a device already gone is fine", async () => {
      await login(hs, "alice", "pw", { device_id: "KEEPME" });
      const first = await call(hs, "DELETE", "/_matrix/client/v3/devices/GONE", { token: alice.accessToken, body: {} });
      const other = await call(hs, "DELETE", "/_matrix/client/v3/devices/KEEPME", { token: alice.accessToken, body: { auth: auth(first.body.session) } });
      expect([other.status, other.body.errcode]).to.deep.equal([403, "M_FORBIDDEN"]);
      expect(await ids()).to.include("KEEPME");
      const gone = await call(hs, "DELETE", "/_matrix/client/v3/devices/GONE", { token: alice.accessToken, body: { auth: auth(first.body.session) } });
      expect(gone.status).to.equal(200);
    });

    it("POST /delete_devices deletes several devices behind UIA", async () => {
      await login(hs, "alice", "pw", { device_id: "D1" });
      await login(hs, "alice", "pw", { device_id: "D2" });
      const first = await call(hs, "POST", "/_matrix/client/v3/delete_devices", { token: alice.accessToken, body: { devices: ["D1", "D2"] } });
      expect(first.status).to.equal(401);
      const done = await call(hs, "POST", "/_matrix/client/v3/delete_devices", { token: alice.accessToken, body: { devices: ["D1", "D2", "NEVER"], auth: auth(first.body.session) } });
      expect(done.status).to.equal(200);
      expect(await ids()).to.not.include.members(["D1", "D2"]);
      const missing = await call(hs, "POST", "/_matrix/client/v3/delete_devices", { token: alice.accessToken, body: {} });
      expect([missing.status, missing.body.errcode]).to.deep.equal([400, "M_BAD_JSON"]);
    });

    it("guests may list and rename their devices but not delete them (M_GUEST_ACCESS_FORBIDDEN)", async () => {
      const guest = await call(hs, "POST", "/_matrix/client/v3/register?kind=guest", { body: {} });
      const token = guest.body.access_token as string;
      expect((await call(hs, "GET", "/_matrix/client/v3/devices", { token })).status).to.equal(200);
      expect((await call(hs, "PUT", `/_matrix/client/v3/devices/${guest.body.device_id as string}`, { token, body: { display_name: "g" } })).status).to.equal(200);
      const res = await call(hs, "DELETE", `/_matrix/client/v3/devices/${guest.body.device_id as string}`, { token, body: {} });
      expect([res.status, res.body.errcode]).to.deep.equal([403, "M_GUEST_ACCESS_FORBIDDEN"]);
    });
  });
}
