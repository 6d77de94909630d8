import { expect } from "chai";
import { StreamToken } from "../../../src/sync/stream-token.js";
import { V3, describeUserData, enc, request, type TestUser } from "./user-data-fixture.js";

describeUserData(
  "client API: profiles",
  (s) => {
    const profile = (user: TestUser) => `${V3}/profile/${enc(user.userId)}`;

    it("sets display name, avatar and extended fields, readable without authentication", async () => {
      expect(await s.alice.request("PUT", `${profile(s.alice)}/displayname`, { displayname: "Alice" })).to.deep.equal({ status: 200, body: {} });
      expect((await s.alice.request("PUT", `/_matrix/client/r0/profile/${enc(s.alice.userId)}/avatar_url`, { avatar_url: "mxc://hearth.test/abc" })).status).to.equal(200);
      expect((await s.alice.request("PUT", `${profile(s.alice)}/m.tz`, { "m.tz": "Europe/London" })).status).to.equal(200);
      expect((await s.alice.request("PUT", `${profile(s.alice)}/org.example.pronouns`, { "org.example.pronouns": ["she", "her"] })).status).to.equal(200);
      expect(await request(s.hs, "GET", profile(s.alice))).to.deep.equal({
        status: 200,
        body: { displayname: "Alice", avatar_url: "mxc://hearth.test/abc", "m.tz": "Europe/London", "org.example.pronouns": ["she", "her"] },
      });
      expect((await request(s.hs, "GET", `${profile(s.alice)}/displayname`)).body).to.deep.equal({ displayname: "Alice" });
      expect((await s.bob.request("GET", `${profile(s.alice)}/m.tz`)).body).to.deep.equal({ "m.tz": "Europe/London" });
    });

    it("deletes fields, then answers 404 M_NOT_FOUND for them", async () => {
      await s.alice.request("PUT", `${profile(s.alice)}/org.example.temp`, { "org.example.temp": 1 });
      expect((await s.alice.request("DELETE", `${profile(s.alice)}/org.example.temp`)).status).to.equal(200);
      const res = await request(s.hs, "GET", `${profile(s.alice)}/org.example.temp`);
      expect(res.status).to.equal(404);
      expect(res.body.errcode).to.equal("M_NOT_FOUND");
      expect((await s.alice.request("DELETE", `${profile(s.alice)}/org.example.temp`)).status).to.equal(200);
    });

    it("answers 404 M_NOT_FOUND for unknown users", async () => {
      const res = await request(s.hs, "GET", `${V3}/profile/${enc("@nobody:hearth.test")}`);
      expect(res.status).to.equal(404);
      expect(res.body.errcode).to.equal("M_NOT_FOUND");
    });

    it("refuses changes to someone else's profile with 403 M_FORBIDDEN", async () => {
      for (const method of ["PUT", "DELETE"]) {
        const res = await s.bob.request(method, `${profile(s.alice)}/displayname`, method === "PUT" ? { displayname: "Mallory" } : undefined);
        expect(res.status).to.equal(403);
        expect(res.body.errcode).to.equal("M_FORBIDDEN");
      }
    });

    it("answers each misuse with the spec's error code", async () => {
      const cases: Array<[string, unknown, number, string]> = [
        [`${profile(s.alice)}/notnamespaced`, { notnamespaced: 1 }, 400, "M_INVALID_PARAM"],
        [`${profile(s.alice)}/org.${"a".repeat(260)}`, {}, 400, "M_KEY_TOO_LARGE"],
        [`${profile(s.alice)}/displayname`, { other: "x" }, 400, "M_MISSING_PARAM"],
        [`${profile(s.alice)}/displayname`, { displayname: 12 }, 400, "M_BAD_JSON"],
        [`${profile(s.alice)}/avatar_url`, { avatar_url: "http://not/mxc" }, 400, "M_BAD_JSON"],
        [`${profile(s.alice)}/org.example.big`, { "org.example.big": "x".repeat(70_000) }, 400, "M_PROFILE_TOO_LARGE"],
      ];
      for (const [path, body, status, errcode] of cases) {
        const res = await s.alice.request("PUT", path, body);
        expect([res.status, res.body.errcode], path.slice(-40)).to.deep.equal([status, errcode]);
      }
    });

    it("re-sends presence with the new display name when it changes", async () => {
      const { presence } = s.hs.homeserver.userData;
      await s.alice.request("PUT", `${V3}/presence/${enc(s.alice.userId)}/status`, { presence: "online" });
      const since = StreamToken.from({ presence: presence.currentPosition() });
      const waiting = s.hs.homeserver.notifier.waitForUpdate({ userId: s.alice.userId, roomIds: () => [], since, timeoutMs: 5_000 });
      await s.alice.request("PUT", `${profile(s.alice)}/displayname`, { displayname: "Alice Liddell" });
      expect((await waiting)?.presence).to.be.greaterThan(since.presence);
      const [event] = await presence.getPresenceChangesSince([s.alice.userId], since.presence);
      expect(event?.content).to.include({ presence: "online", displayname: "Alice Liddell" });
    });
  }
);
