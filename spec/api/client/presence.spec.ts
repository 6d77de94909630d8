import { expect } from "chai";
import { StreamToken } from "../../../src/sync/stream-token.js";
import { V3, describeUserData, enc, type TestUser } from "./user-data-fixture.js";

describeUserData(
  "client API: presence",
  (s) => {
    const status = (user: TestUser) => `${V3}/presence/${enc(user.userId)}/status`;

    it("sets and reads one's presence", async () => {
      const since = StreamToken.from({ presence: s.hs.homeserver.userData.presence.currentPosition() });
      const waiting = s.hs.homeserver.notifier.waitForUpdate({ userId: s.alice.userId, roomIds: () => [], since, timeoutMs: 5_000 });
      expect(await s.alice.request("PUT", status(s.alice), { presence: "online", status_msg: "Working" })).to.deep.equal({ status: 200, body: {} });
      expect((await waiting)?.presence).to.be.greaterThan(since.presence);
      const res = await s.alice.request("GET", status(s.alice));
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ presence: "online", status_msg: "Working", currently_active: true });
      expect(res.body.last_active_ago).to.be.a("number");
      const events = await s.hs.homeserver.userData.presence.getPresenceChangesSince([s.alice.userId], since.presence);
      expect(events.map((e) => [e.sender, e.content.presence])).to.deep.equal([[s.alice.userId, "online"]]);
    });

    it("refuses an unknown state with 400 M_INVALID_PARAM and a missing one with M_BAD_JSON", async () => {
      const bad = await s.alice.request("PUT", status(s.alice), { presence: "dancing" });
      expect(bad.status).to.equal(400);
      expect(bad.body.errcode).to.equal("M_INVALID_PARAM");
      expect((await s.alice.request("PUT", status(s.alice), { status_msg: "x" })).body.errcode).to.equal("M_BAD_JSON");
    });

    it("refuses to set someone else's presence, and (sharing no room) to show it, with 403 M_FORBIDDEN", async () => {
      const set = await s.bob.request("PUT", status(s.alice), { presence: "offline" });
      expect(set.status).to.equal(403);
      expect(set.body.errcode).to.equal("M_FORBIDDEN");
      const get = await s.bob.request("GET", status(s.alice));
      expect(get.status).to.equal(403);
      expect(get.body.errcode).to.equal("M_FORBIDDEN");
    });
  }
);
