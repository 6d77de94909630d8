/** GET /admin/whois/{userId}: the user themselves or a server admin, with each device's last connection. */
import { expect } from "chai";
import { call, login, registerUser, startAccountsHomeserver, type RegisteredUser } from "../../helpers/accounts.js";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";

const SERVER = "whois.test";

for (const engine of testEngines()) {
  describe(`GET /admin/whois/{userId} [${engine}]`, () => {
    let hs: TestHomeserver;
    let alice: RegisteredUser;
    let bob: RegisteredUser;
    let admin: RegisteredUser;
    const whois = (as: RegisteredUser, userId: string, version = "v3") =>
      call(hs, "GET", `/_matrix/client/${version}/admin/whois/${encodeURIComponent(userId)}`, { token: as.accessToken });

    before(async () => {
      hs = await startAccountsHomeserver({ engine, serverName: SERVER });
      alice = await registerUser(hs, "alice", "pw-alice");
      bob = await registerUser(hs, "bob");
      admin = await registerUser(hs, "root");
      await hs.homeserver.db.query(`UPDATE users SET is_admin = TRUE WHERE user_id = '${admin.userId}'`);
    });
    after(() => hs.stop());

    it("tells a user of their own devices, each a session with its last connection", async () => {
      const second = await login(hs, "alice", "pw-alice");
      expect(second.status).to.equal(200);
      await hs.homeserver.accounts.devices.flushActivity();
      const response = await whois(alice, alice.userId);
      expect(response.status, JSON.stringify(response.body)).to.equal(200);
      expect(response.body.user_id).to.equal(alice.userId);
      const devices = response.body.devices as Record<string, { sessions: Array<{ connections: Array<{ ip?: string; last_seen?: number }> }> }>;
      expect(Object.keys(devices).sort()).to.deep.equal([alice.deviceId, second.body.device_id as string].sort());
      const [connection] = devices[alice.deviceId]!.sessions[0]!.connections;
      expect(connection?.ip).to.match(/127\.0\.0\.1/);
      expect(connection?.last_seen).to.be.a("number");
      expect((await whois(alice, alice.userId, "r0")).status).to.equal(200);
    });

    it("lets a server admin look up anyone, and nobody else", async () => {
      const byAdmin = await whois(admin, bob.userId);
      expect(byAdmin.status).to.equal(200);
      expect(Object.keys(byAdmin.body.devices as object)).to.deep.equal([bob.deviceId]);
      const byBob = await whois(bob, alice.userId);
      expect(byBob.status).to.equal(403);
      expect(byBob.body.errcode).to.equal("M_FORBIDDEN");
    });

    it("answers 404 M_NOT_FOUND for a user this server does not have", async () => {
      for (const userId of [`@nobody:${SERVER}`, "@alice:elsewhere.test"]) {
        const response = await whois(admin, userId);
        expect(response.status).to.equal(404);
        expect(response.body.errcode).to.equal("M_NOT_FOUND");
      }
    });
  });
}
